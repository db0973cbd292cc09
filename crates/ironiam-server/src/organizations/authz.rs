//! What an Organizations call is authorized against: the resource ARNs the Service
//! Authorization Reference names for the action (`data/service-authorization/
//! organizations.json`), built from the request, and the condition keys
//! `organizations:PolicyType`, `aws:RequestTag/*` and `aws:TagKeys`.
//!
//! ARNs need the organization's ID and management account, so a caller outside any
//! organization is authorized against `*` (the operation then answers
//! `AWSOrganizationsNotInUseException`). `CreatePolicy` names a policy that does not
//! exist yet; it is authorized against the policy type's ARN with `*` for the ID.

use ironiam_policy::{ContextValue, ValueType};
use ironiam_protocol::model::Value;
use ironiam_store::record::{FULL_AWS_ACCESS_ID, OrgNode, Organization, SERVICE_CONTROL_POLICY};
use ironiam_store::{StoreError, Transaction};

use super::membership;
use super::policy::policy_arn;
use crate::authz::{Principal, Resource, reference};
use crate::http::error::ApiError;
use crate::http::json::AuthzRequest;

/// The resource types this authorizer names (the contract's targets for
/// Organizations).
pub(crate) const RESOURCE_TYPES: &[&str] = &["account", "organizationalunit", "root", "policy"];

/// The stored tags of a record, none when it does not exist.
fn tags_of<T>(
    result: Result<T, StoreError>,
    tags: impl FnOnce(T) -> Vec<ironiam_store::record::Tag>,
) -> Result<Vec<ironiam_store::record::Tag>, ApiError> {
    match result {
        Ok(record) => Ok(tags(record)),
        Err(StoreError::NotFound { .. }) => Ok(Vec::new()),
        Err(err) => Err(err.into()),
    }
}

/// A root, OU or account by its ID, with its tags (`aws:ResourceTag/*`; roots carry
/// none in ironiam, as `TagResource` is not implemented).
fn node(tx: &mut dyn Transaction, org: &Organization, id: &str) -> Result<Resource, ApiError> {
    Ok(match OrgNode::of(id) {
        Some(OrgNode::Root) => Resource::bare("root", org.entity_arn("root", id)),
        Some(OrgNode::Unit) => Resource::tagged(
            "organizationalunit",
            org.entity_arn("ou", id),
            tags_of(tx.get_org_unit(&org.id, id), |u| u.tags)?,
        ),
        _ => Resource::tagged(
            "account",
            org.entity_arn("account", id),
            tags_of(tx.get_org_account(id), |a| a.tags)?,
        ),
    })
}

/// A policy by its ID: AWS's own ARN for `FullAWSAccess`, the stored one (with its
/// tags) for others, or the SCP form when there is no such policy.
fn policy_resource(
    tx: &mut dyn Transaction,
    org: &Organization,
    id: &str,
) -> Result<(Resource, Option<String>), ApiError> {
    if id == FULL_AWS_ACCESS_ID {
        return Ok((
            Resource::bare(
                "policy",
                format!("arn:aws:organizations::aws:policy/service_control_policy/{id}"),
            ),
            Some(SERVICE_CONTROL_POLICY.to_owned()),
        ));
    }
    match tx.get_org_policy(&org.id, id) {
        Ok(policy) => Ok((
            Resource::tagged("policy", policy.arn, policy.tags),
            Some(policy.policy_type),
        )),
        Err(StoreError::NotFound { .. }) => Ok((
            Resource::bare("policy", policy_arn(org, SERVICE_CONTROL_POLICY, id)),
            None,
        )),
        Err(err) => Err(err.into()),
    }
}

/// The request's tags as `aws:RequestTag/<key>` and `aws:TagKeys`.
fn tag_keys(input: &Value, context: &mut Vec<(String, ContextValue)>) {
    let mut keys = Vec::new();
    for tag in input
        .get("Tags")
        .and_then(Value::as_list)
        .unwrap_or_default()
    {
        if let Some(key) = tag.str_member("Key") {
            let value = tag.str_member("Value").unwrap_or_default();
            context.push((format!("aws:RequestTag/{key}"), ContextValue::string(value)));
            keys.push(key.to_owned());
        }
    }
    if !keys.is_empty() {
        context.push((
            "aws:TagKeys".to_owned(),
            ContextValue::list(ValueType::String, keys),
        ));
    }
}

/// The [`AuthzRequest`] for `operation`.
///
/// # Errors
/// A store fault.
pub(super) fn request(
    tx: &mut dyn Transaction,
    principal: &Principal,
    operation: &str,
    input: &Value,
    _region: &str,
) -> Result<AuthzRequest, ApiError> {
    let facts = reference::service("organizations").action(operation);
    let keys = facts
        .map(|f| f.condition_keys.as_slice())
        .unwrap_or_default();
    let has = |key: &str| keys.iter().any(|k| k == key);
    let mut out = AuthzRequest::default();
    if has("aws:TagKeys") {
        tag_keys(input, &mut out.context);
    }
    let mut policy_type = ["PolicyType", "Type", "Filter"]
        .iter()
        .find_map(|member| input.str_member(member))
        .map(str::to_owned);
    let Some((org, _)) = membership(tx, &principal.account_id)? else {
        if has("organizations:PolicyType")
            && let Some(policy_type) = policy_type
        {
            out.context.push((
                "organizations:PolicyType".to_owned(),
                ContextValue::string(policy_type),
            ));
        }
        return Ok(out);
    };
    let names = |kind: &str| facts.is_some_and(|f| f.resources.iter().any(|t| t.kind == kind));
    let member = |name: &str| input.str_member(name);
    match operation {
        "MoveAccount" => {
            for id in [
                member("AccountId"),
                member("SourceParentId"),
                member("DestinationParentId"),
            ]
            .into_iter()
            .flatten()
            {
                out.resources.push(node(tx, &org, id)?);
            }
        }
        "CreatePolicy" => {
            let kind = policy_type.as_deref().unwrap_or(SERVICE_CONTROL_POLICY);
            out.resources
                .push(Resource::bare("policy", policy_arn(&org, kind, "*")));
        }
        _ => {
            if names("policy")
                && let Some(id) = member("PolicyId")
            {
                let (resource, stored_type) = policy_resource(tx, &org, id)?;
                out.resources.push(resource);
                policy_type = policy_type.or(stored_type);
            }
            // The one node the call is about: an account, OU, root, parent, child or
            // policy target.
            let named = [
                "AccountId",
                "OrganizationalUnitId",
                "RootId",
                "ParentId",
                "ChildId",
                "TargetId",
            ]
            .iter()
            .find_map(|name| member(name));
            if let Some(id) = named
                && ["account", "organizationalunit", "root"]
                    .iter()
                    .any(|kind| names(kind))
            {
                out.resources.push(node(tx, &org, id)?);
            }
        }
    }
    if has("organizations:PolicyType")
        && let Some(policy_type) = policy_type
    {
        out.context.push((
            "organizations:PolicyType".to_owned(),
            ContextValue::string(policy_type),
        ));
    }
    Ok(out)
}
