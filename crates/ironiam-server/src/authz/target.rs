//! The resource ARN an IAM call is authorized against.

use ironiam_protocol::model::Value;
use ironiam_store::Transaction;
use ironiam_store::record::arn;

use super::{Principal, action_info};
use crate::http::error::ApiError;

/// The ARN `action` is authorized on: the resource type from the Service
/// Authorization Reference, instantiated from the request. Create calls name
/// the resource to be created (with the requested path); calls on existing
/// resources use the stored path; calls whose `UserName` is optional use the
/// caller; actions without a resource type use `*`.
///
/// # Errors
/// On a store fault.
pub fn resource_arn(
    tx: &mut dyn Transaction,
    principal: &Principal,
    action: &str,
    input: &Value,
) -> Result<String, ApiError> {
    let account = principal.account_id.as_str();
    // The list calls are evaluated against the type's ARN with the path prefix, as
    // AWS's own denials show (`iam:ListUsers on resource: arn:aws:iam::123456789012:user/`),
    // although the Service Authorization Reference now lists no resource type for them.
    let listed = match action {
        "ListUsers" => Some("user"),
        "ListGroups" => Some("group"),
        "ListRoles" => Some("role"),
        "ListPolicies" => Some("policy"),
        _ => None,
    };
    if let Some(kind) = listed {
        let prefix = input.str_member("PathPrefix").unwrap_or("/");
        return Ok(format!("arn:aws:iam::{account}:{kind}{prefix}"));
    }
    // The simulator's principal calls act on the simulated user, group or role (IAM User
    // Guide, "Testing IAM policies with the IAM policy simulator": to let Bob simulate
    // Alice's policies, allow him `arn:aws:iam::ACCOUNT:user/alice`).
    if matches!(
        action,
        "SimulatePrincipalPolicy" | "GetContextKeysForPrincipalPolicy"
    ) && let Some(source) = input.str_member("PolicySourceArn")
    {
        return Ok(policy_source_arn(tx, account, source));
    }
    // Two actions whose resource the Service Authorization Reference marks as
    // optional, so the loader sees no required type, although IAM evaluates
    // them on one: DeleteVirtualMFADevice on the device (`mfa*` in the seeds'
    // policies), ListMFADevices on the named user or the caller, like the
    // other calls whose UserName defaults to the caller.
    let resource_type = match action {
        "DeleteVirtualMFADevice" => Some("mfa"),
        "ListMFADevices" => Some("user"),
        _ => action_info(action).and_then(|i| i.resource_type.as_deref()),
    };
    let path = input.str_member("Path").unwrap_or("/");
    let creating = action.starts_with("Create");
    Ok(match resource_type {
        Some("user") => {
            if action == "GetAccessKeyLastUsed"
                && let Some(key_id) = input.str_member("AccessKeyId")
            {
                return Ok(key_owner_arn(tx, principal, key_id));
            }
            match input.str_member("UserName") {
                Some(name) if action == "CreateUser" => arn(account, "user", path, name),
                Some(name) => existing(tx, account, "user", name, creating),
                None => principal.arn().to_owned(),
            }
        }
        Some("group") => match input.str_member("GroupName") {
            Some(name) if action == "CreateGroup" => arn(account, "group", path, name),
            Some(name) => existing(tx, account, "group", name, false),
            None => "*".to_owned(),
        },
        Some("role") => match input.str_member("RoleName") {
            Some(name) if action == "CreateRole" => arn(account, "role", path, name),
            Some(name) => existing(tx, account, "role", name, false),
            None => "*".to_owned(),
        },
        // Virtual MFA devices: CreateVirtualMFADevice names the device to be
        // created (`mfa/PATH/NAME`); the others carry its serial number, which
        // is its ARN; the stored spelling is used when the device exists.
        Some("mfa") => match (
            input.str_member("VirtualMFADeviceName"),
            input.str_member("SerialNumber"),
        ) {
            (Some(name), _) if action == "CreateVirtualMFADevice" => {
                arn(account, "mfa", path, name)
            }
            (_, Some(serial)) => tx
                .get_virtual_mfa_device(account, serial)
                .map_or_else(|_| serial.to_owned(), |d| d.serial_number),
            _ => "*".to_owned(),
        },
        Some("policy") => match (
            input.str_member("PolicyArn"),
            input.str_member("PolicyName"),
        ) {
            (Some(policy_arn), _) => policy_arn.to_owned(),
            (None, Some(name)) if action == "CreatePolicy" => arn(account, "policy", path, name),
            _ => "*".to_owned(),
        },
        _ => "*".to_owned(),
    })
}

/// The stored ARN of a user, group or role, or the `/`-path ARN when it does
/// not exist (the operation then answers `NoSuchEntity`).
fn existing(
    tx: &mut dyn Transaction,
    account: &str,
    kind: &str,
    name: &str,
    _creating: bool,
) -> String {
    let stored = match kind {
        "user" => tx.get_user(account, name).ok().map(|u| u.arn),
        "group" => tx.get_group(account, name).ok().map(|g| g.arn),
        "role" => tx.get_role(account, name).ok().map(|r| r.arn),
        _ => None,
    };
    stored.unwrap_or_else(|| arn(account, kind, "/", name))
}

fn key_owner_arn(tx: &mut dyn Transaction, principal: &Principal, key_id: &str) -> String {
    let owner = tx
        .get_access_key(key_id)
        .ok()
        .and_then(|key| match key.owner {
            ironiam_store::record::KeyOwner::User(id) => tx.get_user_by_id(&id).ok().map(|u| u.arn),
            ironiam_store::record::KeyOwner::Root => {
                Some(format!("arn:aws:iam::{}:root", key.account_id))
            }
        });
    owner.unwrap_or_else(|| principal.arn().to_owned())
}

/// A simulation's `PolicySourceArn`: the stored ARN (with its path) of the entity it
/// names in the caller's account, else the ARN as given (the operation then answers
/// `NoSuchEntity` or `InvalidInput`).
fn policy_source_arn(tx: &mut dyn Transaction, account: &str, source: &str) -> String {
    match crate::iam::simulate::source::parse_entity_arn(source) {
        Some(entity) if entity.account == account => {
            existing(tx, account, entity.kind.arn_resource(), &entity.name, false)
        }
        _ => source.to_owned(),
    }
}
