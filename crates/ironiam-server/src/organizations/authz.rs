//! What an Organizations call is authorized against: the resource ARNs the Service
//! Authorization Reference names for the action (`data/service-authorization/
//! organizations.json`), built from the request, and the condition keys
//! `organizations:PolicyType`, `aws:RequestTag/*` and `aws:TagKeys`.
//!
//! ARNs need the organization's ID and management account, so a caller outside any
//! organization is authorized against `*` (the operation then answers
//! `AWSOrganizationsNotInUseException`). `CreatePolicy` names a policy that does not
//! exist yet; it is authorized against the policy type's ARN with `*` for the ID.

use std::collections::HashMap;
use std::sync::LazyLock;

use ironiam_policy::{ContextValue, ValueType};
use ironiam_protocol::model::Value;
use ironiam_store::Transaction;
use ironiam_store::record::{FULL_AWS_ACCESS_ID, OrgNode, Organization, SERVICE_CONTROL_POLICY};

use super::membership;
use super::policy::policy_arn;
use crate::authz::Principal;
use crate::http::error::ApiError;
use crate::http::json::AuthzRequest;

/// Per action: the resource types it names and its condition keys.
#[derive(Debug, Default)]
struct ActionFacts {
    resource_types: Vec<String>,
    condition_keys: Vec<String>,
}

static ACTIONS: LazyLock<HashMap<String, ActionFacts>> = LazyLock::new(load);

fn load() -> HashMap<String, ActionFacts> {
    let text = include_str!("../../../../data/service-authorization/organizations.json");
    let mut out = HashMap::new();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        tracing::error!("bundled Organizations service authorization data is malformed");
        return out;
    };
    let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (name, action) in value
        .get("actions")
        .and_then(|a| a.as_object())
        .into_iter()
        .flatten()
    {
        let resource_types = action
            .get("resources")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("type").and_then(|t| t.as_str()).map(str::to_owned))
            .collect();
        out.insert(
            name.clone(),
            ActionFacts {
                resource_types,
                condition_keys: strings(action.get("condition_keys")),
            },
        );
    }
    out
}

/// The ARN of a root, OU or account by its ID.
fn node_arn(org: &Organization, id: &str) -> String {
    let kind = match OrgNode::of(id) {
        Some(OrgNode::Root) => "root",
        Some(OrgNode::Unit) => "ou",
        _ => "account",
    };
    org.entity_arn(kind, id)
}

/// The ARN of a policy by its ID: AWS's own for `FullAWSAccess`, the stored one for
/// others, or the SCP form when there is no such policy.
fn policy_resource(
    tx: &mut dyn Transaction,
    org: &Organization,
    id: &str,
) -> Result<(String, Option<String>), ApiError> {
    if id == FULL_AWS_ACCESS_ID {
        return Ok((
            format!("arn:aws:organizations::aws:policy/service_control_policy/{id}"),
            Some(SERVICE_CONTROL_POLICY.to_owned()),
        ));
    }
    match tx.get_org_policy(&org.id, id) {
        Ok(policy) => Ok((policy.arn, Some(policy.policy_type))),
        Err(ironiam_store::StoreError::NotFound { .. }) => {
            Ok((policy_arn(org, SERVICE_CONTROL_POLICY, id), None))
        }
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
    let facts = ACTIONS.get(operation);
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
    let names = |kind: &str| facts.is_some_and(|f| f.resource_types.iter().any(|t| t == kind));
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
                out.resources.push(node_arn(&org, id));
            }
        }
        "CreatePolicy" => {
            let kind = policy_type.as_deref().unwrap_or(SERVICE_CONTROL_POLICY);
            out.resources.push(policy_arn(&org, kind, "*"));
        }
        _ => {
            if names("policy")
                && let Some(id) = member("PolicyId")
            {
                let (arn, stored_type) = policy_resource(tx, &org, id)?;
                out.resources.push(arn);
                policy_type = policy_type.or(stored_type);
            }
            // The one node the call is about: an account, OU, root, parent, child or
            // policy target.
            let node = [
                "AccountId",
                "OrganizationalUnitId",
                "RootId",
                "ParentId",
                "ChildId",
                "TargetId",
            ]
            .iter()
            .find_map(|name| member(name));
            if let Some(id) = node
                && ["account", "organizationalunit", "root"]
                    .iter()
                    .any(|kind| names(kind))
            {
                out.resources.push(node_arn(&org, id));
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
