//! PutConfigRule, DescribeConfigRules and DeleteConfigRule.
//!
//! <https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigRule.html>:
//! a new rule is named by `ConfigRuleName`; an existing one may be named by name,
//! `ConfigRuleId` or `ConfigRuleArn`; tags are taken at creation only; the call is
//! idempotent. A rule is evaluated as soon as it is stored ("When you create a rule,
//! Config evaluates your resources against the rule automatically").

use ironiam_protocol::model::Value;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{ConfigRule, ConfigRuleScope, ConfigRuleState, Tag, Timestamp};
use ironiam_store::{StoreError, StoreExt, Transaction};
use serde_json::{Value as Json, json};

use super::error::{ConfigResult, invalid, no_such_rule, too_many_rules};
use super::output::{self, RULE_PAGE};
use super::rule_names;
use crate::compliance::{self, ManagedRule};
use crate::iam::OpCtx;

/// AWS Config's quota of rules per account and region (the model's
/// `MaxNumberOfConfigRulesExceededException`).
pub(super) const MAX_RULES: usize = 1000;

/// What `PutConfigRule` asks for, checked.
struct Definition {
    name: Option<String>,
    id: Option<String>,
    arn: Option<String>,
    description: Option<String>,
    source_identifier: String,
    input_parameters: Option<String>,
    scope: Option<ConfigRuleScope>,
    maximum_execution_frequency: Option<String>,
}

fn definition(input: &Value) -> ConfigResult<Definition> {
    let rule = input
        .get("ConfigRule")
        .ok_or_else(|| invalid("ConfigRule is required."))?;
    let source = rule
        .get("Source")
        .ok_or_else(|| invalid("Source is required."))?;
    let owner = source.str_member("Owner").unwrap_or_default();
    if owner != "AWS" {
        return Err(invalid(format!(
            "ironiam evaluates AWS managed rules only: Owner must be AWS, not {owner}."
        )));
    }
    if source
        .get("SourceDetails")
        .and_then(Value::as_list)
        .is_some_and(|details| !details.is_empty())
    {
        return Err(invalid(
            "SourceDetails should be null/empty if owner is AWS.",
        ));
    }
    if source.get("CustomPolicyDetails").is_some() {
        return Err(invalid(
            "CustomPolicyDetails is only for rules whose owner is CUSTOM_POLICY.",
        ));
    }
    let source_identifier = source
        .str_member("SourceIdentifier")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| invalid("SourceIdentifier is required when the owner is AWS."))?
        .to_owned();
    let input_parameters = rule.str_member("InputParameters").map(str::to_owned);
    ManagedRule::parse(&source_identifier, input_parameters.as_deref())
        .map_err(|err| invalid(format!("{err}.")))?;
    if rule
        .get("EvaluationModes")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .any(|mode| mode.str_member("Mode") == Some("PROACTIVE"))
    {
        return Err(invalid(format!(
            "The rule {source_identifier} does not support the PROACTIVE evaluation mode."
        )));
    }
    Ok(Definition {
        name: rule.str_member("ConfigRuleName").map(str::to_owned),
        id: rule.str_member("ConfigRuleId").map(str::to_owned),
        arn: rule.str_member("ConfigRuleArn").map(str::to_owned),
        description: rule.str_member("Description").map(str::to_owned),
        source_identifier,
        input_parameters,
        scope: rule.get("Scope").map(scope).transpose()?,
        maximum_execution_frequency: rule
            .str_member("MaximumExecutionFrequency")
            .map(str::to_owned),
    })
}

/// A `Scope`, with AWS's combinations: a resource ID needs exactly one resource
/// type, a tag value needs a tag key, and a resource ID does not go with a tag.
fn scope(value: &Value) -> ConfigResult<ConfigRuleScope> {
    let scope = ConfigRuleScope {
        resource_types: value
            .get("ComplianceResourceTypes")
            .and_then(Value::as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        tag_key: value.str_member("TagKey").map(str::to_owned),
        tag_value: value.str_member("TagValue").map(str::to_owned),
        resource_id: value.str_member("ComplianceResourceId").map(str::to_owned),
    };
    if scope.resource_id.is_some() && scope.resource_types.len() != 1 {
        return Err(invalid(
            "A ComplianceResourceId needs exactly one resource type in ComplianceResourceTypes.",
        ));
    }
    if scope.tag_value.is_some() && scope.tag_key.is_none() {
        return Err(invalid("A TagValue needs a TagKey."));
    }
    if scope.resource_id.is_some() && scope.tag_key.is_some() {
        return Err(invalid(
            "A scope names either a resource (ComplianceResourceId) or a tag, not both.",
        ));
    }
    Ok(scope)
}

fn tags(input: &Value) -> Vec<Tag> {
    input
        .get("Tags")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some(Tag {
                key: t.str_member("Key")?.to_owned(),
                value: t.str_member("Value").unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// The stored rule a `PutConfigRule` updates, if any: by ID or ARN (which must
/// exist), else by name.
fn existing(
    tx: &mut dyn Transaction,
    account: &str,
    region: &str,
    def: &Definition,
) -> ConfigResult<Option<ConfigRule>> {
    if def.id.is_some() || def.arn.is_some() {
        let found = tx
            .list_config_rules(account, Some(region))?
            .into_iter()
            .find(|r| {
                def.id.as_deref().is_none_or(|id| id == r.id)
                    && def.arn.as_deref().is_none_or(|arn| arn == r.arn)
            });
        let shown = def.arn.as_deref().or(def.id.as_deref()).unwrap_or_default();
        let rule = found.ok_or_else(|| no_such_rule(shown))?;
        if def.name.as_deref().is_some_and(|name| name != rule.name) {
            return Err(invalid(format!(
                "The ConfigRuleName {} does not match the rule {shown}, which is named {}.",
                def.name.as_deref().unwrap_or_default(),
                rule.name
            )));
        }
        return Ok(Some(rule));
    }
    let Some(name) = &def.name else {
        return Err(invalid("ConfigRuleName is required for a new rule."));
    };
    match tx.get_config_rule(account, region, name) {
        Ok(rule) => Ok(Some(rule)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

pub(super) fn put(ctx: &mut OpCtx<'_>, input: &Value) -> ConfigResult<Json> {
    let def = definition(input)?;
    let tags = tags(input);
    let account = ctx.account().to_owned();
    let region = ctx.region.to_owned();
    let now = Timestamp::from_secs(ctx.now);
    // Drawn once, outside the transaction, which may run more than once.
    let new_id =
        id::config_rule_id(&mut OsRandom).map_err(crate::http::error::ApiError::internal)?;
    ctx.state.store.write(|tx| {
        let rule = match existing(tx, &account, &region, &def)? {
            Some(mut rule) => {
                rule.description.clone_from(&def.description);
                rule.source_identifier.clone_from(&def.source_identifier);
                rule.input_parameters.clone_from(&def.input_parameters);
                rule.scope.clone_from(&def.scope);
                rule.maximum_execution_frequency
                    .clone_from(&def.maximum_execution_frequency);
                tx.update_config_rule(&rule)?;
                rule
            }
            None => {
                if tx.list_config_rules(&account, Some(&region))?.len() >= MAX_RULES {
                    return Err(too_many_rules(MAX_RULES));
                }
                let rule = ConfigRule {
                    arn: format!("arn:aws:config:{region}:{account}:config-rule/{new_id}"),
                    id: new_id.clone(),
                    account_id: account.clone(),
                    region: region.clone(),
                    name: def.name.clone().unwrap_or_default(),
                    description: def.description.clone(),
                    source_identifier: def.source_identifier.clone(),
                    input_parameters: def.input_parameters.clone(),
                    scope: def.scope.clone(),
                    maximum_execution_frequency: def.maximum_execution_frequency.clone(),
                    state: ConfigRuleState::Active,
                    tags: tags.clone(),
                    create_date: now,
                    last_evaluated: None,
                };
                tx.insert_config_rule(&rule)?;
                rule
            }
        };
        compliance::evaluate_rules(tx, &account, std::slice::from_ref(&rule), now, now)?;
        Ok(json!({}))
    })
}

/// The rules `names` names (every rule when empty), each of which must exist.
pub(super) fn named_rules(
    tx: &mut dyn Transaction,
    account: &str,
    region: &str,
    names: &[String],
) -> ConfigResult<Vec<ConfigRule>> {
    let rules = tx.list_config_rules(account, Some(region))?;
    if names.is_empty() {
        return Ok(rules);
    }
    for name in names {
        if !rules.iter().any(|r| &r.name == name) {
            return Err(no_such_rule(name));
        }
    }
    Ok(rules
        .into_iter()
        .filter(|r| names.contains(&r.name))
        .collect())
}

pub(super) fn describe(ctx: &mut OpCtx<'_>, input: &Value) -> ConfigResult<Json> {
    let names = rule_names(input);
    let account = ctx.account().to_owned();
    let rules = ctx
        .state
        .store
        .read(|tx| named_rules(tx, &account, ctx.region, &names))?;
    // Every rule is DETECTIVE and EXTERNAL: the filters keep all or none.
    let filters = input.get("Filters");
    let keep = filters
        .and_then(|f| f.str_member("EvaluationMode"))
        .is_none_or(|mode| mode == output::DETECTIVE)
        && filters
            .and_then(|f| f.str_member("RuleEvaluationVisibility"))
            .is_none_or(|v| v == "EXTERNAL");
    let rules = if keep { rules } else { Vec::new() };
    let (page, token) = output::page(
        rules,
        |r| r.name.clone(),
        input.str_member("NextToken"),
        RULE_PAGE,
    )?;
    Ok(output::listing(
        "ConfigRules",
        page.iter().map(output::rule).collect(),
        token,
    ))
}

pub(super) fn delete(ctx: &mut OpCtx<'_>, input: &Value) -> ConfigResult<Json> {
    let name = input
        .str_member("ConfigRuleName")
        .ok_or_else(|| invalid("ConfigRuleName is required."))?
        .to_owned();
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| {
        tx.delete_config_rule(&account, ctx.region, &name)?;
        Ok::<_, super::error::ConfigError>(())
    })?;
    Ok(json!({}))
}
