//! StartConfigRulesEvaluation, DescribeComplianceByConfigRule and
//! GetComplianceDetailsByConfigRule.
//!
//! Evaluations run synchronously: when `StartConfigRulesEvaluation` returns, the
//! results are stored. A rule's compliance is summed up from its stored results as
//! [`crate::compliance::summarize`] describes.

use ironiam_protocol::model::Value;
use ironiam_store::record::{ComplianceType, Timestamp};
use ironiam_store::{StoreExt, Transaction};
use serde_json::{Value as Json, json};

use super::error::{ConfigError, ConfigResult, invalid};
use super::output::{self, RULE_PAGE};
use super::rule::named_rules;
use super::rule_names;
use crate::compliance::{self, CONTRIBUTOR_CAP, RuleCompliance};
use crate::iam::OpCtx;

/// `GetComplianceDetailsByConfigRule`'s page size when `Limit` is absent or 0.
const DEFAULT_DETAILS_LIMIT: usize = 10;

pub(super) fn start(ctx: &mut OpCtx<'_>, input: &Value) -> ConfigResult<Json> {
    let names = rule_names(input);
    let account = ctx.account().to_owned();
    let now = Timestamp::from_secs(ctx.now);
    ctx.state.store.write(|tx| {
        let rules = named_rules(tx, &account, ctx.region, &names)?;
        compliance::evaluate_rules(tx, &account, &rules, now, now)?;
        Ok::<_, ConfigError>(())
    })?;
    Ok(json!({}))
}

/// The `ComplianceTypes` filter; `allowed` are the values this operation takes.
fn compliance_filter(input: &Value, allowed: &[&str]) -> ConfigResult<Vec<String>> {
    let types: Vec<String> = input
        .get("ComplianceTypes")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if let Some(bad) = types.iter().find(|t| !allowed.contains(&t.as_str())) {
        return Err(invalid(format!(
            "{bad} is not a valid ComplianceType for this operation; use {}.",
            allowed.join(", ")
        )));
    }
    Ok(types)
}

pub(super) fn describe_compliance(ctx: &mut OpCtx<'_>, input: &Value) -> ConfigResult<Json> {
    let names = rule_names(input);
    // A rule's compliance is never NOT_APPLICABLE (the `Compliance` shape's documentation).
    let wanted = compliance_filter(input, &["COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA"])?;
    let account = ctx.account().to_owned();
    let summaries = ctx.state.store.read(|tx| {
        let rules = named_rules(tx, &account, ctx.region, &names)?;
        rules
            .into_iter()
            .map(|rule| {
                let results = tx.list_evaluation_results(&rule.id)?;
                let summary = compliance::summarize(results.iter().map(|r| r.compliance));
                Ok((rule.name, summary))
            })
            .collect::<ConfigResult<Vec<_>>>()
    })?;
    let summaries: Vec<_> = summaries
        .into_iter()
        .filter(|(_, s)| wanted.is_empty() || wanted.iter().any(|w| w == s.as_str()))
        .collect();
    let (page, token) = output::page(
        summaries,
        |(name, _)| name.clone(),
        input.str_member("NextToken"),
        RULE_PAGE,
    )?;
    let items = page
        .iter()
        .map(|(name, summary)| {
            let mut compliance = json!({"ComplianceType": summary.as_str()});
            if let (RuleCompliance::NonCompliant { count }, Json::Object(map)) =
                (summary, &mut compliance)
            {
                map.insert(
                    "ComplianceContributorCount".to_owned(),
                    json!({
                        "CappedCount": (*count).min(CONTRIBUTOR_CAP),
                        "CapExceeded": *count > CONTRIBUTOR_CAP,
                    }),
                );
            }
            json!({"ConfigRuleName": name, "Compliance": compliance})
        })
        .collect();
    Ok(output::listing("ComplianceByConfigRules", items, token))
}

pub(super) fn get_compliance_details(ctx: &mut OpCtx<'_>, input: &Value) -> ConfigResult<Json> {
    let name = input
        .str_member("ConfigRuleName")
        .ok_or_else(|| invalid("ConfigRuleName is required."))?
        .to_owned();
    // "INSUFFICIENT_DATA cannot be used as a ComplianceType for filtering results."
    let wanted = compliance_filter(input, &["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"])?;
    let limit = match input.get("Limit").and_then(Value::as_i64) {
        None | Some(0) => DEFAULT_DETAILS_LIMIT,
        Some(n) => usize::try_from(n).map_err(|_| invalid("Limit must be 0 to 100."))?,
    };
    let account = ctx.account().to_owned();
    let (rule, results) = ctx.state.store.read(|tx: &mut dyn Transaction| {
        let rule = tx.get_config_rule(&account, ctx.region, &name)?;
        let results = tx.list_evaluation_results(&rule.id)?;
        Ok::<_, ConfigError>((rule, results))
    })?;
    let results: Vec<_> = results
        .into_iter()
        .filter(|r| {
            wanted.is_empty()
                || wanted
                    .iter()
                    .any(|w| ComplianceType::parse(w) == Some(r.compliance))
        })
        .collect();
    let (page, token) = output::page(
        results,
        |r| format!("{}\u{0}{}", r.resource_type, r.resource_id),
        input.str_member("NextToken"),
        limit,
    )?;
    Ok(output::listing(
        "EvaluationResults",
        page.iter()
            .map(|r| output::evaluation_result(&rule, r))
            .collect(),
        token,
    ))
}
