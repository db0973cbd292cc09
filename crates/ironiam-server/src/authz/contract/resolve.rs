//! From a [`Target`] and the request to the resource: its ARN (the stored one, with its
//! path, when it exists), its tags and its permissions boundary.
//!
//! Lookups stay within the caller's account: a name or key ID of another account is
//! a nonexistent one (an access key ID in particular, so that no answer tells whose key
//! it is). A missing resource is authorized on its `/`-path ARN with no tags; the
//! operation then answers `NoSuchEntity`.

use ironiam_protocol::model::Value;
use ironiam_store::record::{AccessKey, KeyOwner, PrincipalKind, arn};
use ironiam_store::{StoreError, Transaction};

use super::{Resource, Target};
use crate::authz::Principal;
use crate::http::error::ApiError;
use crate::iam::simulate::source::parse_entity_arn;

/// `Ok(None)` for NotFound, the record otherwise; a store fault is an error.
fn found<T>(result: Result<T, StoreError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// The access key `id` if it belongs to `account`; another account's key is
/// indistinguishable from a key that does not exist.
///
/// # Errors
/// A store fault.
pub fn key_in_account(
    tx: &mut dyn Transaction,
    account: &str,
    id: &str,
) -> Result<Option<AccessKey>, ApiError> {
    Ok(found(tx.get_access_key(id))?.filter(|key| key.account_id == account))
}

fn user(tx: &mut dyn Transaction, account: &str, name: &str) -> Result<Resource, ApiError> {
    Ok(match found(tx.get_user(account, name))? {
        Some(user) => Resource {
            kind: "user",
            arn: user.arn,
            tags: user.tags,
            boundary: user.permissions_boundary,
        },
        None => Resource::bare("user", arn(account, "user", "/", name)),
    })
}

fn group(tx: &mut dyn Transaction, account: &str, name: &str) -> Result<Resource, ApiError> {
    Ok(match found(tx.get_group(account, name))? {
        // Groups carry no tags in IAM.
        Some(group) => Resource::bare("group", group.arn),
        None => Resource::bare("group", arn(account, "group", "/", name)),
    })
}

fn role(tx: &mut dyn Transaction, account: &str, name: &str) -> Result<Resource, ApiError> {
    Ok(match found(tx.get_role(account, name))? {
        Some(role) => Resource {
            kind: "role",
            arn: role.arn,
            tags: role.tags,
            boundary: role.permissions_boundary,
        },
        None => Resource::bare("role", arn(account, "role", "/", name)),
    })
}

/// The caller as the target of a call whose `UserName` is optional: its own user
/// record (already loaded with the credentials, so no store read), or its ARN.
fn caller(principal: &Principal) -> Resource {
    match &principal.user {
        Some(user) => Resource {
            kind: "user",
            arn: user.arn.clone(),
            tags: user.tags.clone(),
            boundary: user.permissions_boundary.clone(),
        },
        None => Resource::bare("user", principal.arn().to_owned()),
    }
}

/// The new path and name of an UpdateUser/UpdateGroup, or `None` when the call
/// changes neither.
fn renamed(input: &Value, name_member: &str, old: &Resource) -> Option<(String, String)> {
    let new_name = input.str_member(name_member);
    let new_path = input.str_member("NewPath");
    if new_name.is_none() && new_path.is_none() {
        return None;
    }
    // The old ARN's resource part is `user/PATH/NAME`.
    let resource = old.arn.splitn(6, ':').nth(5).unwrap_or_default();
    let (_, path_and_name) = resource.split_once('/').unwrap_or_default();
    let (old_path, old_name) = match path_and_name.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_owned(), path_and_name),
    };
    Some((
        new_path.map_or(old_path, str::to_owned),
        new_name.unwrap_or(old_name).to_owned(),
    ))
}

/// The resource `target` names in the request, or `None` when the request does not
/// name it (the member is absent; the operation answers the validation error).
pub(super) fn resolve_one(
    tx: &mut dyn Transaction,
    principal: &Principal,
    target: Target,
    input: &Value,
) -> Result<Option<Resource>, ApiError> {
    let account = principal.account_id.as_str();
    let path = input.str_member("Path").unwrap_or("/");
    let member = |name: &str| input.str_member(name);
    Ok(Some(match target {
        Target::User => match member("UserName") {
            // The caller's own name: its record is already at hand.
            Some(name)
                if principal
                    .user
                    .as_ref()
                    .is_some_and(|u| u.name.eq_ignore_ascii_case(name)) =>
            {
                caller(principal)
            }
            Some(name) => user(tx, account, name)?,
            None => caller(principal),
        },
        Target::NewUser => match member("UserName") {
            Some(name) => Resource::bare("user", arn(account, "user", path, name)),
            None => return Ok(None),
        },
        Target::RenamedUser => {
            let Some(name) = member("UserName") else {
                return Ok(None);
            };
            let old = user(tx, account, name)?;
            let Some((path, name)) = renamed(input, "NewUserName", &old) else {
                return Ok(None);
            };
            // The same user under its new ARN: its tags and boundary go with it.
            Resource {
                arn: arn(account, "user", &path, &name),
                ..old
            }
        }
        Target::KeyOwner => {
            let key = match member("AccessKeyId") {
                Some(id) => key_in_account(tx, account, id)?,
                None => None,
            };
            match key.map(|k| k.owner) {
                Some(KeyOwner::User(id)) => match found(tx.get_user_by_id(&id))? {
                    Some(owner) if owner.account_id == account => Resource {
                        kind: "user",
                        arn: owner.arn,
                        tags: owner.tags,
                        boundary: owner.permissions_boundary,
                    },
                    _ => caller(principal),
                },
                Some(KeyOwner::Root) => {
                    Resource::bare("user", format!("arn:aws:iam::{account}:root"))
                }
                None => caller(principal),
            }
        }
        Target::Group => match member("GroupName") {
            Some(name) => group(tx, account, name)?,
            None => return Ok(None),
        },
        Target::NewGroup => match member("GroupName") {
            Some(name) => Resource::bare("group", arn(account, "group", path, name)),
            None => return Ok(None),
        },
        Target::RenamedGroup => {
            let Some(name) = member("GroupName") else {
                return Ok(None);
            };
            let old = group(tx, account, name)?;
            let Some((path, name)) = renamed(input, "NewGroupName", &old) else {
                return Ok(None);
            };
            Resource::bare("group", arn(account, "group", &path, &name))
        }
        Target::Role => match (member("RoleName"), member("RoleArn")) {
            (Some(name), _) => role(tx, account, name)?,
            // AssumeRole: the role may be in another account; a stored role
            // whose ARN differs (another path) is not the one named.
            (None, Some(role_arn)) => match parse_entity_arn(role_arn) {
                Some(entity) if entity.kind == PrincipalKind::Role => {
                    let stored = role(tx, &entity.account, &entity.name)?;
                    if stored.arn == role_arn {
                        stored
                    } else {
                        Resource::bare("role", role_arn.to_owned())
                    }
                }
                _ => Resource::bare("role", role_arn.to_owned()),
            },
            (None, None) => return Ok(None),
        },
        Target::NewRole => match member("RoleName") {
            Some(name) => Resource::bare("role", arn(account, "role", path, name)),
            None => return Ok(None),
        },
        Target::Policy => match member("PolicyArn") {
            Some(policy_arn) => match found(tx.get_policy(account, policy_arn))? {
                Some(policy) => Resource {
                    kind: "policy",
                    arn: policy.arn,
                    tags: policy.tags,
                    boundary: None,
                },
                None => Resource::bare("policy", policy_arn.to_owned()),
            },
            None => return Ok(None),
        },
        Target::NewPolicy => match member("PolicyName") {
            Some(name) => Resource::bare("policy", arn(account, "policy", path, name)),
            None => return Ok(None),
        },
        // The serial number of a virtual device is its ARN; the stored spelling is
        // used when the device exists.
        Target::Mfa => match member("SerialNumber") {
            Some(serial) => match found(tx.get_virtual_mfa_device(account, serial))? {
                Some(device) => Resource {
                    kind: "mfa",
                    arn: device.serial_number,
                    tags: device.tags,
                    boundary: None,
                },
                None => Resource::bare("mfa", serial.to_owned()),
            },
            None => return Ok(None),
        },
        Target::NewMfa => match member("VirtualMFADeviceName") {
            Some(name) => Resource::bare("mfa", arn(account, "mfa", path, name)),
            None => return Ok(None),
        },
        // The simulator's principal calls act on the simulated user, group or role
        // (IAM User Guide, "Testing IAM policies with the IAM policy simulator": to
        // let Bob simulate Alice's policies, allow him `arn:aws:iam::ACCOUNT:user/alice`).
        Target::PolicySource => {
            let Some(source) = member("PolicySourceArn") else {
                return Ok(None);
            };
            match parse_entity_arn(source) {
                Some(entity) if entity.account == account => match entity.kind {
                    PrincipalKind::User => user(tx, account, &entity.name)?,
                    PrincipalKind::Group => group(tx, account, &entity.name)?,
                    PrincipalKind::Role => role(tx, account, &entity.name)?,
                },
                _ => Resource::bare("user", source.to_owned()),
            }
        }
        Target::PathPrefix(kind) => {
            let prefix = member("PathPrefix").unwrap_or("/");
            Resource::bare(
                Target::PathPrefix(kind)
                    .kinds()
                    .first()
                    .copied()
                    .unwrap_or(""),
                format!("arn:aws:iam::{account}:{kind}{prefix}"),
            )
        }
        Target::Service(_) => return Ok(None),
    }))
}
