//! What a Config call is authorized against, from the Service Authorization
//! Reference (`data/service-authorization/config.json`): `config:<Operation>` on the
//! ARNs of the rules it names (`ConfigRule*`), or `*` for the actions without a
//! resource type (DescribeConfigRules, DescribeComplianceByConfigRule).
//!
//! A rule that does not exist yet (PutConfigRule of a new rule) or at all has no ID,
//! so it is authorized against `config-rule/*` in the request's account and region;
//! the operation then creates it, or answers `NoSuchConfigRuleException`.
//! PutConfigRule carries `aws:RequestTag/<key>` and `aws:TagKeys` for its tags.

use ironiam_policy::{ContextValue, ValueType};
use ironiam_protocol::model::Value;
use ironiam_store::Transaction;

use super::rule_names;
use crate::authz::{Principal, Resource, reference};
use crate::http::error::ApiError;
use crate::http::json::AuthzRequest;

/// The resource types this authorizer names (the contract's targets for Config).
pub(crate) const RESOURCE_TYPES: &[&str] = &["ConfigRule"];

/// Whether the reference's row for `operation` names the `ConfigRule` type.
fn names_rule(operation: &str) -> bool {
    reference::service("config")
        .action(operation)
        .is_some_and(|row| row.resources.iter().any(|r| r.kind == "ConfigRule"))
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
    region: &str,
) -> Result<AuthzRequest, ApiError> {
    let mut out = AuthzRequest::default();
    let account = &principal.account_id;
    if operation == "PutConfigRule" {
        tag_keys(input, &mut out.context);
    }
    if !names_rule(operation) {
        return Ok(out);
    }
    let any_rule = Resource::bare(
        "ConfigRule",
        format!("arn:aws:config:{region}:{account}:config-rule/*"),
    );
    let rules = tx.list_config_rules(account, Some(region))?;
    // A stored rule is evaluated with its tags (`aws:ResourceTag/*`).
    let of = |rule: &ironiam_store::record::ConfigRule| {
        Resource::tagged("ConfigRule", rule.arn.clone(), rule.tags.clone())
    };
    let arn_of = |name: &str| {
        rules
            .iter()
            .find(|r| r.name == name)
            .map_or_else(|| any_rule.clone(), of)
    };
    match operation {
        "PutConfigRule" => {
            let rule = input.get("ConfigRule");
            let member = |name: &str| rule.and_then(|r| r.str_member(name));
            let arn = match (member("ConfigRuleArn"), member("ConfigRuleId")) {
                (Some(arn), _) => rules
                    .iter()
                    .find(|r| r.arn == arn)
                    .map_or_else(|| any_rule.clone(), of),
                (None, Some(id)) => rules
                    .iter()
                    .find(|r| r.id == id)
                    .map_or_else(|| any_rule.clone(), of),
                (None, None) => member("ConfigRuleName").map_or_else(|| any_rule.clone(), arn_of),
            };
            out.resources.push(arn);
        }
        "StartConfigRulesEvaluation" => {
            let names = rule_names(input);
            if names.is_empty() {
                out.resources.extend(rules.iter().map(of));
                if out.resources.is_empty() {
                    out.resources.push(any_rule);
                }
            } else {
                out.resources.extend(names.iter().map(|n| arn_of(n)));
            }
        }
        _ => out.resources.push(
            input
                .str_member("ConfigRuleName")
                .map_or_else(|| any_rule.clone(), arn_of),
        ),
    }
    Ok(out)
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
