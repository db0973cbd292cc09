//! A compliance report over accounts of the store: each rule run fresh on the
//! accounts' current state (nothing is written), for `ironiam report`.

use ironiam_store::record::{ComplianceType, Timestamp};
use ironiam_store::{Store, StoreError, StoreExt, Transaction};
use serde::Serialize;

use super::evaluate::{Verdict, evaluate};
use super::facts::{AccountFacts, UserFacts};
use super::rule::{ManagedRule, ResourceType, RuleError};
use super::summary::{RuleCompliance, summarize};

/// Which rules a report runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSource {
    /// Each account's own Config rules (PutConfigRule), all regions.
    Stored,
    /// The five managed rules with AWS's default parameters.
    Defaults,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// When the rules ran, ISO 8601 in UTC.
    pub evaluated_at: String,
    /// The accounts, by ID.
    pub accounts: Vec<AccountReport>,
}

/// One account's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountReport {
    /// The account ID.
    pub account_id: String,
    /// Its rules, by name.
    pub rules: Vec<RuleReport>,
}

/// One rule's verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    /// The rule's name.
    pub name: String,
    /// The region of a stored rule; `None` for a default rule.
    pub region: Option<String>,
    /// The managed rule (`SourceIdentifier`).
    pub source_identifier: String,
    /// `InputParameters`, as stored.
    pub input_parameters: Option<String>,
    /// The rule's compliance: `COMPLIANT`, `NON_COMPLIANT` or `INSUFFICIENT_DATA`.
    pub compliance: &'static str,
    /// How many resources are `NON_COMPLIANT`.
    pub non_compliant_resources: usize,
    /// One result per resource in scope.
    pub results: Vec<ResultRow>,
}

/// One resource's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    /// `AWS::IAM::User` or `AWS::::Account`.
    pub resource_type: &'static str,
    /// The user's unique ID, or the account ID.
    pub resource_id: String,
    /// The user's name, or the account ID.
    pub resource_name: String,
    /// `COMPLIANT`, `NON_COMPLIANT` or `NOT_APPLICABLE`.
    pub compliance: &'static str,
    /// Why.
    pub annotation: String,
}

impl Report {
    /// Whether any resource is `NON_COMPLIANT`.
    pub fn any_non_compliant(&self) -> bool {
        self.accounts
            .iter()
            .flat_map(|a| &a.rules)
            .any(|r| r.non_compliant_resources > 0)
    }
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An account asked for is not in the store.
    #[error("no account `{0}` in this data directory")]
    NoSuchAccount(String),
    /// A stored rule does not parse (the store was changed by hand).
    #[error("stored rule `{rule}` of account {account}: {source}")]
    BadRule {
        /// The account.
        account: String,
        /// The rule's name.
        rule: String,
        /// Why.
        source: RuleError,
    },
}

/// Runs the rules of `accounts` (every account of the store when empty) in one
/// read-only transaction.
///
/// # Errors
/// On a store failure, an unknown account, or a stored rule that does not parse.
pub fn report(
    store: &dyn Store,
    accounts: &[String],
    source: RuleSource,
    now: Timestamp,
) -> Result<Report, ReportError> {
    store.read(|tx| {
        let ids: Vec<String> = if accounts.is_empty() {
            tx.list_accounts()?.into_iter().map(|a| a.id).collect()
        } else {
            accounts.to_vec()
        };
        let accounts = ids
            .iter()
            .map(|id| account_report(tx, id, source, now))
            .collect::<Result<_, _>>()?;
        Ok(Report {
            evaluated_at: crate::time::iso8601(now.as_secs()),
            accounts,
        })
    })
}

/// A rule to run: how it is shown, and what it is.
struct Planned {
    name: String,
    region: Option<String>,
    input_parameters: Option<String>,
    scope: Option<ironiam_store::record::ConfigRuleScope>,
    rule: ManagedRule,
}

fn account_report(
    tx: &mut dyn Transaction,
    id: &str,
    source: RuleSource,
    now: Timestamp,
) -> Result<AccountReport, ReportError> {
    let facts = match AccountFacts::load(tx, id) {
        Ok(facts) => facts,
        Err(StoreError::NotFound { .. }) => return Err(ReportError::NoSuchAccount(id.to_owned())),
        Err(err) => return Err(err.into()),
    };
    let planned: Vec<Planned> = match source {
        RuleSource::Defaults => ManagedRule::defaults()
            .into_iter()
            .map(|rule| Planned {
                name: rule.default_name(),
                region: None,
                input_parameters: None,
                scope: None,
                rule,
            })
            .collect(),
        RuleSource::Stored => tx
            .list_config_rules(id, None)?
            .into_iter()
            .map(|stored| {
                let rule = ManagedRule::parse(
                    &stored.source_identifier,
                    stored.input_parameters.as_deref(),
                )
                .map_err(|source| ReportError::BadRule {
                    account: id.to_owned(),
                    rule: stored.name.clone(),
                    source,
                })?;
                Ok(Planned {
                    name: stored.name,
                    region: Some(stored.region),
                    input_parameters: stored.input_parameters,
                    scope: stored.scope,
                    rule,
                })
            })
            .collect::<Result<_, ReportError>>()?,
    };
    let users = if planned
        .iter()
        .any(|p| p.rule.resource_type() == ResourceType::User)
    {
        UserFacts::load_all(tx, id)?
    } else {
        Vec::new()
    };
    let rules = planned
        .into_iter()
        .map(|p| {
            let verdicts = evaluate(&p.rule, p.scope.as_ref(), &facts, &users, now);
            let summary = summarize(verdicts.iter().map(|v| v.compliance));
            RuleReport {
                name: p.name,
                region: p.region,
                source_identifier: p.rule.identifier().to_owned(),
                input_parameters: p.input_parameters,
                compliance: summary.as_str(),
                non_compliant_resources: match summary {
                    RuleCompliance::NonCompliant { count } => count,
                    _ => 0,
                },
                results: verdicts.iter().map(row).collect(),
            }
        })
        .collect();
    Ok(AccountReport {
        account_id: id.to_owned(),
        rules,
    })
}

fn row(verdict: &Verdict) -> ResultRow {
    ResultRow {
        resource_type: verdict.resource_type.as_str(),
        resource_id: verdict.resource_id.clone(),
        resource_name: verdict.resource_name.clone(),
        compliance: match verdict.compliance {
            ComplianceType::Compliant => "COMPLIANT",
            ComplianceType::NonCompliant => "NON_COMPLIANT",
            ComplianceType::NotApplicable => "NOT_APPLICABLE",
        },
        annotation: verdict.annotation.clone(),
    }
}
