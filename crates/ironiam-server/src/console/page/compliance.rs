//! MFA compliance: the account's AWS Config rules (seed 004's
//! MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS and the other managed rules of
//! `crate::compliance`), each rule's compliance and its verdict on every resource.
//!
//! Reading them is authorized as the API's calls are: `config:DescribeComplianceByConfigRule`
//! on `*` for the summary, `config:GetComplianceDetailsByConfigRule` on each rule's ARN for
//! its results. The results are the stored ones, which every IAM change keeps current.

use std::collections::HashMap;

use ironiam_store::StoreExt;
use ironiam_store::record::{ComplianceType, ConfigRule, EvaluationResult};

use super::super::caller::Caller;
use super::super::html::{self, Page, esc};
use super::super::{ConsoleError, Ctx, Reply};
use super::{cell, failure, when};
use crate::compliance::{self, RuleCompliance};
use crate::http::error::ApiError;

const EVENT_SOURCE: &str = "config.amazonaws.com";

/// `GET /console/compliance`.
pub(crate) fn show(ctx: &Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let mut body = String::from(
        "<p>AWS Config rules of this account and their verdicts, re-evaluated after every \
         change to users, console passwords, MFA devices, access keys and the password policy.</p>",
    );
    if let Err(err) =
        caller.authorize_service("config:DescribeComplianceByConfigRule", EVENT_SOURCE, &[])
    {
        body.push_str(&failure("view MFA compliance", &err));
        return Ok(Reply::Page(Page::new("MFA compliance", body)));
    }
    let account = caller.principal().account_id.clone();
    let region = caller.region().to_owned();
    let stored = ctx.state.store.read(|tx| {
        let rules = tx.list_config_rules(&account, Some(&region))?;
        let mut results = HashMap::new();
        for rule in &rules {
            results.insert(rule.id.clone(), tx.list_evaluation_results(&rule.id)?);
        }
        Ok::<_, ApiError>((rules, results))
    });
    let (rules, results) = match stored {
        Ok(stored) => stored,
        Err(err) => return Err(ConsoleError::from(err)),
    };
    if rules.is_empty() {
        body.push_str(&html::section(
            "rules",
            "Rules",
            "<p>This account has no AWS Config rules. Add seed 004's rule with \
             <code>aws configservice put-config-rule --config-rule file://rule.json</code> \
             (see docs/compliance.md).</p>",
        ));
        return Ok(Reply::Page(Page::new("MFA compliance", body)));
    }
    let none = Vec::new();
    let summary_rows: Vec<Vec<String>> = rules
        .iter()
        .map(|rule| {
            let verdicts = results.get(&rule.id).unwrap_or(&none);
            let summary = compliance::summarize(verdicts.iter().map(|r| r.compliance));
            vec![
                html::link(&format!("#rule-{}", rule.id), &rule.name),
                esc(&rule.source_identifier).to_string(),
                rule_badge(summary),
                rule.last_evaluated.map_or_else(
                    || "—".to_owned(),
                    |t| when(&crate::time::iso8601(t.as_secs())),
                ),
            ]
        })
        .collect();
    body.push_str(&html::section(
        "rules",
        "Rules",
        &html::table(
            &format!("Config rules in {region}"),
            &["Rule", "Managed rule", "Compliance", "Last evaluated"],
            &summary_rows,
        ),
    ));
    let names = user_names(ctx, &account);
    for rule in &rules {
        let verdicts = results.get(&rule.id).unwrap_or(&none);
        body.push_str(&details(&caller, rule, verdicts, &names));
    }
    Ok(Reply::Page(Page::new("MFA compliance", body)))
}

/// A rule's results, if the caller may read them.
fn details(
    caller: &Caller<'_>,
    rule: &ConfigRule,
    verdicts: &[EvaluationResult],
    names: &HashMap<String, String>,
) -> String {
    let id = format!("rule-{}", rule.id);
    let content = match caller.authorize_service(
        "config:GetComplianceDetailsByConfigRule",
        EVENT_SOURCE,
        &[crate::authz::Resource::tagged(
            "ConfigRule",
            rule.arn.clone(),
            rule.tags.clone(),
        )],
    ) {
        Err(err) => failure("view this rule's results", &err),
        Ok(()) => {
            let rows: Vec<Vec<String>> = verdicts
                .iter()
                .map(|r| {
                    let resource = match names.get(&r.resource_id) {
                        Some(name) => {
                            html::link(&format!("/console/users/{}", html::url_part(name)), name)
                        }
                        None => esc(&r.resource_id).to_string(),
                    };
                    vec![
                        resource,
                        esc(&r.resource_type).to_string(),
                        verdict_badge(r.compliance),
                        cell(r.annotation.as_deref().unwrap_or_default()),
                    ]
                })
                .collect();
            html::table(
                &format!("Results of {}", rule.name),
                &["Resource", "Type", "Compliance", "Why"],
                &rows,
            )
        }
    };
    html::section(&id, &rule.name, &content)
}

/// User IDs to names, for linking results to the users' pages.
fn user_names(ctx: &Ctx<'_>, account: &str) -> HashMap<String, String> {
    ctx.state
        .store
        .read(|tx| tx.list_users(account, &ironiam_store::ListOptions::all()))
        .map(|page| page.items.into_iter().map(|u| (u.id, u.name)).collect())
        .unwrap_or_else(|err: ironiam_store::StoreError| {
            tracing::error!(error = %err, "cannot list users for the compliance page");
            HashMap::new()
        })
}

fn rule_badge(summary: RuleCompliance) -> String {
    match summary {
        RuleCompliance::Compliant => "<span class=\"badge ok\">COMPLIANT</span>".to_owned(),
        RuleCompliance::NonCompliant { count } => format!(
            "<span class=\"badge warn\">NON_COMPLIANT</span> {count} resource{}",
            if count == 1 { "" } else { "s" }
        ),
        RuleCompliance::InsufficientData => "INSUFFICIENT_DATA".to_owned(),
    }
}

fn verdict_badge(verdict: ComplianceType) -> String {
    match verdict {
        ComplianceType::Compliant => "<span class=\"badge ok\">COMPLIANT</span>".to_owned(),
        ComplianceType::NonCompliant => {
            "<span class=\"badge warn\">NON_COMPLIANT</span>".to_owned()
        }
        ComplianceType::NotApplicable => "NOT_APPLICABLE".to_owned(),
    }
}
