//! A decision for people (text) and for programs (JSON with AWS's field names).

use std::fmt;

use ironiam_policy::simulator::source_policy_type;
use ironiam_policy::{
    ConditionFailure, Context, EvalDecision, Explanation, Location, Reason, SetKind,
    StatementOutcome, StatementRef, StatementTrace, ValueType,
};
use serde::Serialize;

use super::context::type_name;
use super::scenario::Simulation;

/// One evaluated request, ready to print.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Report<'a> {
    pub(crate) simulation: &'a Simulation,
    pub(crate) action: &'a str,
    pub(crate) resource: &'a str,
    pub(crate) explanation: &'a Explanation,
}

/// A short machine-readable name for the reason.
fn reason_code(reason: Reason) -> &'static str {
    match reason {
        Reason::ExplicitDeny(_) => "ExplicitDeny",
        Reason::ServiceControlNoAllow(_) => "ServiceControlPolicyNoAllow",
        Reason::ResourceControlNoAllow(_) => "ResourceControlPolicyNoAllow",
        Reason::RootUser => "RootUser",
        Reason::ResourcePolicy => "ResourcePolicyAllow",
        Reason::IdentityPolicy => "IdentityPolicyAllow",
        Reason::NoIdentityAllow => "NoIdentityPolicyAllow",
        Reason::PermissionsBoundaryNoAllow => "PermissionsBoundaryNoAllow",
        Reason::SessionNoAllow => "SessionPolicyNoAllow",
        Reason::ResourcePolicyNoAllow => "CrossAccountResourcePolicyNoAllow",
    }
}

/// A kind of policy in words; levels counted from 1 (the organization root), as in
/// the `ServiceControlPolicies.L.N` ids.
fn set_words(set: SetKind) -> String {
    match set {
        SetKind::Identity => "an identity-based policy".to_string(),
        SetKind::PermissionsBoundary => "the permissions boundary".to_string(),
        SetKind::Session => "a session policy".to_string(),
        SetKind::Resource => "the resource-based policy".to_string(),
        SetKind::ServiceControl(level) => {
            format!("a service control policy (level {})", level + 1)
        }
        SetKind::ResourceControl(level) => {
            format!("a resource control policy (level {})", level + 1)
        }
    }
}

/// The reason in words, following the IAM User Guide's "Policy evaluation logic".
fn reason_words(report: &Report<'_>) -> String {
    let policies = &report.simulation.policies;
    match report.explanation.reason {
        Reason::ExplicitDeny(set) => format!(
            "a Deny statement in {} applies to the request, and an explicit Deny overrides every Allow",
            set_words(set)
        ),
        Reason::ServiceControlNoAllow(level) => format!(
            "no service control policy at level {} allows the action: every level from the organization root down to the account must allow it",
            level + 1
        ),
        Reason::ResourceControlNoAllow(level) => format!(
            "no resource control policy at level {} allows the action",
            level + 1
        ),
        Reason::RootUser => "the caller is the account's root user, whom identity-based policies do not restrict, and nothing denies".to_string(),
        Reason::ResourcePolicy => "the resource-based policy allows the caller".to_string(),
        Reason::IdentityPolicy => {
            let mut words = "an identity-based policy allows the action".to_string();
            match (policies.has_boundary(), policies.has_session()) {
                (true, true) => words.push_str(", and so do the permissions boundary and a session policy"),
                (true, false) => words.push_str(", and so does the permissions boundary"),
                (false, true) => words.push_str(", and so does a session policy"),
                (false, false) => {}
            }
            words.push_str(", and nothing denies it");
            words
        }
        Reason::NoIdentityAllow => "no identity-based policy allows the action, and without an Allow the request is denied by default".to_string(),
        Reason::PermissionsBoundaryNoAllow => "the permissions boundary does not allow the action: a boundary caps what identity-based policies can grant".to_string(),
        Reason::SessionNoAllow => "no session policy allows the action: session policies cap what the session can do".to_string(),
        Reason::ResourcePolicyNoAllow => "the resource belongs to another account, and its resource-based policy does not allow the caller: across accounts both sides must allow".to_string(),
    }
}

fn same_statement(a: &StatementRef, b: &StatementRef) -> bool {
    a.set == b.set && a.policy_index == b.policy_index && a.statement_index == b.statement_index
}

// ---------------------------------------------------------------------------------
// JSON

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Position {
    line: usize,
    column: usize,
}

impl From<Location> for Position {
    fn from(location: Location) -> Self {
        Self {
            line: location.line,
            column: location.column,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct AbsentKey<'a> {
    operator: &'a str,
    key: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StatementJson<'a> {
    source_policy_id: &'a str,
    source_policy_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_policy_file: Option<&'a str>,
    sid: Option<&'a str>,
    /// 1-based, as in the text output.
    statement_number: usize,
    effect: &'static str,
    /// AWS's positions: from the end of the token before the statement to the end of
    /// its `}` (the text output shows the statement's own lines).
    start_position: Position,
    end_position: Position,
    /// Conditions that held only because their key was absent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    held_because_absent: Vec<AbsentKey<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct TraceJson<'a> {
    #[serde(flatten)]
    statement: StatementJson<'a>,
    /// `applied`, `actionNotMatched`, `resourceNotMatched`, `resourceVariableMissing`,
    /// `principalNotMatched` or `conditionNotMet`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<ConditionJson<'a>>,
    /// The policy variable without a value, for `resourceVariableMissing`.
    #[serde(skip_serializing_if = "Option::is_none")]
    variable: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConditionJson<'a> {
    operator: &'a str,
    key: &'a str,
    /// `keyMissing`, `valueMismatch` or `variableMissing`.
    failure: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    variable: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResultJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    eval_action_name: &'a str,
    eval_resource_name: &'a str,
    eval_decision: &'static str,
    matched_statements: Vec<StatementJson<'a>>,
    missing_context_values: &'a [String],
    reason: String,
    reason_code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    statements: Option<Vec<TraceJson<'a>>>,
}

fn statement_json<'a>(
    report: &Report<'a>,
    statement: &'a StatementRef,
    held: &'a [(String, String)],
) -> StatementJson<'a> {
    // AWS's StartPosition/EndPosition convention (see `Policy::simulator_position`).
    let (start, end) = report
        .simulation
        .policies
        .policy(statement.set, statement.policy_index)
        .and_then(|policy| policy.simulator_position(statement.statement_index))
        .unwrap_or((statement.start, statement.end));
    StatementJson {
        source_policy_id: &statement.policy_id,
        source_policy_type: source_policy_type(statement.set),
        source_policy_file: report.simulation.policies.file(&statement.policy_id),
        sid: statement.sid.as_deref(),
        statement_number: statement.statement_index + 1,
        effect: statement.effect.as_str(),
        start_position: start.into(),
        end_position: end.into(),
        held_because_absent: held
            .iter()
            .map(|(operator, key)| AbsentKey { operator, key })
            .collect(),
    }
}

fn held_for<'a>(explanation: &'a Explanation, statement: &StatementRef) -> &'a [(String, String)] {
    explanation
        .statements
        .iter()
        .find(|trace| same_statement(&trace.statement, statement))
        .map(|trace| trace.held_because_absent.as_slice())
        .unwrap_or_default()
}

fn trace_json<'a>(report: &Report<'a>, trace: &'a StatementTrace) -> TraceJson<'a> {
    let (outcome, condition, variable) = match &trace.outcome {
        StatementOutcome::Applied => ("applied", None, None),
        StatementOutcome::ActionNotMatched => ("actionNotMatched", None, None),
        StatementOutcome::ResourceNotMatched => ("resourceNotMatched", None, None),
        StatementOutcome::ResourceVariableMissing { variable } => {
            ("resourceVariableMissing", None, Some(variable.as_str()))
        }
        StatementOutcome::PrincipalNotMatched => ("principalNotMatched", None, None),
        StatementOutcome::ConditionNotMet {
            operator,
            key,
            failure,
        } => {
            let (failure, variable) = match failure {
                ConditionFailure::KeyMissing => ("keyMissing", None),
                ConditionFailure::ValueMismatch => ("valueMismatch", None),
                ConditionFailure::VariableMissing(variable) => {
                    ("variableMissing", Some(variable.as_str()))
                }
            };
            let condition = ConditionJson {
                operator,
                key,
                failure,
                variable,
            };
            ("conditionNotMet", Some(condition), None)
        }
    };
    TraceJson {
        statement: statement_json(report, &trace.statement, &trace.held_because_absent),
        outcome,
        condition,
        variable,
    }
}

/// The result as AWS's `EvaluationResult`-like JSON: `id` is echoed first when given,
/// and `trace` adds every statement's outcome (pretty-printed, for people).
pub(crate) fn json(
    report: &Report<'_>,
    id: Option<&serde_json::Value>,
    trace: bool,
) -> Result<String, serde_json::Error> {
    let explanation = report.explanation;
    let result = ResultJson {
        id,
        eval_action_name: report.action,
        eval_resource_name: report.resource,
        eval_decision: explanation.decision.as_str(),
        matched_statements: explanation
            .simulator_matched()
            .map(|statement| statement_json(report, statement, held_for(explanation, statement)))
            .collect(),
        missing_context_values: &explanation.missing_context_values,
        reason: reason_words(report),
        reason_code: reason_code(explanation.reason),
        statements: trace.then(|| {
            explanation
                .statements
                .iter()
                .map(|statement| trace_json(report, statement))
                .collect()
        }),
    };
    if trace {
        serde_json::to_string_pretty(&result)
    } else {
        serde_json::to_string(&result)
    }
}

// ---------------------------------------------------------------------------------
// Text

/// The result for a security engineer: decision, reason, the deciding statements, why
/// every other statement did not count, and the context the request carried.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text<'a>(pub(crate) Report<'a>);

fn lines(statement: &StatementRef) -> String {
    if statement.start.line == statement.end.line {
        format!("line {}", statement.start.line)
    } else {
        format!("lines {}-{}", statement.start.line, statement.end.line)
    }
}

fn statement_name(statement: &StatementRef) -> String {
    match &statement.sid {
        Some(sid) if !sid.is_empty() => format!("Sid {sid}"),
        _ => format!("statement {}", statement.statement_index + 1),
    }
}

fn policy_label(report: &Report<'_>, statement: &StatementRef) -> String {
    let id = &statement.policy_id;
    let kind = match statement.set {
        SetKind::Identity => "identity-based policy".to_string(),
        SetKind::PermissionsBoundary => "permissions boundary".to_string(),
        SetKind::Session => "session policy".to_string(),
        SetKind::Resource => "resource-based policy".to_string(),
        SetKind::ServiceControl(level) => format!("SCP, level {}", level + 1),
        SetKind::ResourceControl(level) => format!("RCP, level {}", level + 1),
    };
    match report.simulation.policies.file(id) {
        Some(file) => format!("{file} ({kind}, {id})"),
        None => format!("{id} ({kind})"),
    }
}

/// Why a statement that is not among the deciding ones did not count.
fn outcome_words(decision: EvalDecision, trace: &StatementTrace, context: &Context) -> String {
    match &trace.outcome {
        StatementOutcome::Applied => match decision {
            EvalDecision::ExplicitDeny => "applies, but the explicit Deny overrides it".to_string(),
            _ => "applies, but does not decide alone (see the reason)".to_string(),
        },
        StatementOutcome::ActionNotMatched => {
            "does not apply: the action is not matched".to_string()
        }
        StatementOutcome::ResourceNotMatched => {
            "does not apply: the resource is not matched".to_string()
        }
        StatementOutcome::ResourceVariableMissing { variable } => format!(
            "does not apply: the resource uses ${{{variable}}}, which has no value in the request"
        ),
        StatementOutcome::PrincipalNotMatched => {
            "does not apply: the Principal does not name the caller".to_string()
        }
        StatementOutcome::ConditionNotMet {
            operator,
            key,
            failure,
        } => {
            let why = match failure {
                ConditionFailure::KeyMissing => {
                    format!("only because {key} is absent from the request")
                }
                ConditionFailure::ValueMismatch => match context.get(key) {
                    Some(value) => format!(
                        "the request has {}",
                        value_text(&value.values, value.multivalued, value.value_type)
                    ),
                    None => "the request's value does not match".to_string(),
                },
                ConditionFailure::VariableMissing(variable) => {
                    format!("the policy variable ${{{variable}}} has no value in the request")
                }
            };
            format!("does not apply: condition {operator} on {key} does not hold, {why}")
        }
    }
}

fn write_held(f: &mut fmt::Formatter<'_>, held: &[(String, String)], indent: &str) -> fmt::Result {
    for (operator, key) in held {
        writeln!(
            f,
            "{indent}condition {operator} on {key} held only because {key} is absent from the request"
        )?;
        if key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent") {
            writeln!(
                f,
                "{indent}  (long-term access keys carry no aws:MultiFactorAuthPresent; --mfa or --no-mfa simulate a session)"
            )?;
        }
    }
    Ok(())
}

fn value_text(values: &[String], multivalued: bool, value_type: ValueType) -> String {
    let shown = if multivalued {
        format!("[{}]", values.join(", "))
    } else {
        values.join(", ")
    };
    format!("{shown} ({})", type_name(value_type, multivalued))
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = &self.0;
        let explanation = report.explanation;
        let simulation = report.simulation;
        writeln!(f, "Decision: {}", explanation.decision.as_str())?;
        writeln!(f, "  action    {}", report.action)?;
        writeln!(f, "  resource  {}", report.resource)?;
        writeln!(f, "  caller    {}", simulation.caller.arn)?;
        if let Some(owner) = &simulation.resource_owner {
            writeln!(f, "  owner     {owner}")?;
        }
        writeln!(f, "Reason: {}", reason_words(report))?;

        writeln!(f)?;
        if explanation.matched.is_empty() {
            writeln!(f, "Deciding statements: none (nothing allowed the request)")?;
        } else {
            writeln!(f, "Deciding statements:")?;
            for statement in &explanation.matched {
                writeln!(
                    f,
                    "  {} {}, {} of {}",
                    statement.effect.as_str(),
                    statement_name(statement),
                    lines(statement),
                    policy_label(report, statement)
                )?;
                write_held(f, held_for(explanation, statement), "    ")?;
            }
        }

        let others: Vec<&StatementTrace> = explanation
            .statements
            .iter()
            .filter(|trace| {
                !explanation
                    .matched
                    .iter()
                    .any(|statement| same_statement(statement, &trace.statement))
            })
            .collect();
        if !others.is_empty() {
            writeln!(f)?;
            writeln!(f, "Other statements:")?;
            let mut current: Option<(SetKind, usize)> = None;
            for trace in others {
                let statement = &trace.statement;
                if current != Some((statement.set, statement.policy_index)) {
                    current = Some((statement.set, statement.policy_index));
                    writeln!(f, "  {}", policy_label(report, statement))?;
                }
                writeln!(
                    f,
                    "    {} {} ({}): {}",
                    statement.effect.as_str(),
                    statement_name(statement),
                    lines(statement),
                    outcome_words(explanation.decision, trace, &simulation.context)
                )?;
                write_held(f, &trace.held_because_absent, "      ")?;
            }
        }

        writeln!(f)?;
        let mut keys: Vec<_> = simulation.context.iter().collect();
        keys.sort_by_key(|(key, _)| key.to_ascii_lowercase());
        writeln!(f, "Context keys in the request:")?;
        for (key, value) in keys {
            writeln!(
                f,
                "  {key} = {}",
                value_text(&value.values, value.multivalued, value.value_type)
            )?;
        }
        if explanation.missing_context_values.is_empty() {
            writeln!(f, "Missing context values: none")?;
        } else {
            writeln!(
                f,
                "Missing context values: {}",
                explanation.missing_context_values.join(", ")
            )?;
            writeln!(
                f,
                "  (conditions of statements that matched the action and resource test these keys, but the request did not carry them)"
            )?;
        }
        Ok(())
    }
}
