//! Explanations as data: which statements decided, why every other statement did or
//! did not apply, and which context keys the policies wanted but the request lacked
//! (AWS's `MissingContextValues`).

use std::fmt;

use crate::condition::Failure;
use crate::context::Context;
use crate::document::Effect;
use crate::evaluate::{
    self, Decision, EvalDecision, Observer, Outcome, PolicySet, Reason, Request, SetKind,
};
use crate::loc::Location;
use crate::operator::BaseOperator;
use crate::policy::Policy;

/// Names one statement of one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The kind of policy.
    pub set: SetKind,
    /// The policy's position in its set (or level).
    pub policy_index: usize,
    /// The policy's id.
    pub policy_id: String,
    /// The statement's position in the policy, from 0.
    pub statement_index: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// Where the statement starts in the policy text.
    pub start: Location,
    /// Where it ends.
    pub end: Location,
}

/// Why a statement did or did not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementOutcome {
    /// Action, resource, principal and every condition matched.
    Applied,
    /// `Action`/`NotAction` did not cover the action.
    ActionNotMatched,
    /// `Resource`/`NotResource` did not cover the resource.
    ResourceNotMatched,
    /// `Resource` used a policy variable whose key the request lacked.
    ResourceVariableMissing {
        /// The variable's key.
        variable: String,
    },
    /// `Principal`/`NotPrincipal` did not name the caller.
    PrincipalNotMatched,
    /// A condition did not hold.
    ConditionNotMet {
        /// The operator as written.
        operator: String,
        /// The key as written.
        key: String,
        /// Why.
        failure: ConditionFailure,
    },
}

/// Why a condition did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionFailure {
    /// The key was absent from the request: it failed only for that reason.
    KeyMissing,
    /// The request's values did not satisfy the operator.
    ValueMismatch,
    /// A policy variable in the values had no value in the request.
    VariableMissing(String),
}

/// One statement's trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementTrace {
    /// Which statement.
    pub statement: StatementRef,
    /// What happened.
    pub outcome: StatementOutcome,
    /// Conditions of an applying statement that held only because their key was absent
    /// (`...IfExists`, negated operators, `ForAllValues:`): the usual surprise, as with a
    /// `BoolIfExists` force-MFA Deny and long-term access keys. Each is `(operator, key)`
    /// as written.
    pub held_because_absent: Vec<(String, String)>,
}

/// A full explanation of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The result.
    pub decision: EvalDecision,
    /// The rule that produced it.
    pub reason: Reason,
    /// The statements that decided: every applying Deny for an explicit deny, every
    /// applying Allow for an allow, none for an implicit deny.
    pub matched: Vec<StatementRef>,
    /// Every statement of every policy, in evaluation order.
    pub statements: Vec<StatementTrace>,
    /// Context keys that conditions of statements whose action, resource and principal
    /// matched referred to, but the request lacked (as AWS's simulator, policy variables
    /// are not counted: an absent one shows in the statement's outcome).
    pub missing_context_values: Vec<String>,
}

struct Collector<'c> {
    statements: Vec<StatementTrace>,
    context: &'c Context,
}

impl Observer for Collector<'_> {
    const EXHAUSTIVE: bool = true;

    fn statement(
        &mut self,
        set: SetKind,
        policy_index: usize,
        policy: &Policy,
        number: usize,
        outcome: &Outcome<'_>,
    ) {
        let document = policy.document().statements.get(number);
        let compiled = policy.statements.get(number);
        let (Some(document), Some(compiled)) = (document, compiled) else {
            return;
        };
        let statement = StatementRef {
            set,
            policy_index,
            policy_id: policy.id().to_string(),
            statement_index: number,
            sid: document.sid.clone(),
            effect: document.effect,
            start: compiled.start,
            end: compiled.end,
        };
        let outcome = match outcome {
            Outcome::Applies(_) => StatementOutcome::Applied,
            Outcome::ActionNotMatched => StatementOutcome::ActionNotMatched,
            Outcome::ResourceNotMatched => StatementOutcome::ResourceNotMatched,
            Outcome::ResourceVariableMissing(key) => StatementOutcome::ResourceVariableMissing {
                variable: (*key).to_string(),
            },
            Outcome::PrincipalNotMatched => StatementOutcome::PrincipalNotMatched,
            Outcome::ConditionNotMet { condition, failure } => {
                let source = document.conditions.get(*condition);
                StatementOutcome::ConditionNotMet {
                    operator: source
                        .map(|c| c.operator_text.value.clone())
                        .unwrap_or_default(),
                    key: source.map(|c| c.key.value.clone()).unwrap_or_default(),
                    failure: match failure {
                        Failure::KeyMissing => ConditionFailure::KeyMissing,
                        Failure::ValueMismatch => ConditionFailure::ValueMismatch,
                        Failure::VariableMissing(key) => {
                            ConditionFailure::VariableMissing((*key).to_string())
                        }
                    },
                }
            }
        };
        let held_because_absent = if outcome == StatementOutcome::Applied {
            document
                .conditions
                .iter()
                .filter(|condition| {
                    condition.operator.base != BaseOperator::Null
                        && self.context.get(&condition.key.value).is_none()
                })
                .map(|condition| {
                    (
                        condition.operator_text.value.clone(),
                        condition.key.value.clone(),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        self.statements.push(StatementTrace {
            statement,
            outcome,
            held_because_absent,
        });
    }
}

/// Explains a request's decision. Slower than [`evaluate::decide`]: it visits every
/// statement and allocates the trace.
pub fn explain(policies: &PolicySet<'_>, request: &Request<'_>) -> Explanation {
    let mut collector = Collector {
        statements: Vec::new(),
        context: request.context,
    };
    let Decision { decision, reason } = evaluate::walk(policies, request, &mut collector);
    let missing = missing_keys(policies, request, &collector);
    let wanted = match decision {
        EvalDecision::Allowed => Some(Effect::Allow),
        EvalDecision::ExplicitDeny => Some(Effect::Deny),
        EvalDecision::ImplicitDeny => None,
    };
    let matched = collector
        .statements
        .iter()
        .filter(|trace| {
            trace.outcome == StatementOutcome::Applied && Some(trace.statement.effect) == wanted
        })
        .map(|trace| trace.statement.clone())
        .collect();
    Explanation {
        decision,
        reason,
        matched,
        statements: collector.statements,
        missing_context_values: missing,
    }
}

/// Condition keys of statements whose action, resource and principal matched, absent
/// from the request.
fn missing_keys(
    policies: &PolicySet<'_>,
    request: &Request<'_>,
    collector: &Collector,
) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for trace in &collector.statements {
        if !matches!(
            trace.outcome,
            StatementOutcome::Applied | StatementOutcome::ConditionNotMet { .. }
        ) {
            continue;
        }
        let Some(policy) = find_policy(policies, trace.statement.set, trace.statement.policy_index)
        else {
            continue;
        };
        let Some(statement) = policy
            .document()
            .statements
            .get(trace.statement.statement_index)
        else {
            continue;
        };
        for condition in &statement.conditions {
            let key = &condition.key.value;
            if request.context.get(key).is_none()
                && !missing.iter().any(|known| known.eq_ignore_ascii_case(key))
            {
                missing.push(key.clone());
            }
        }
    }
    missing
}

fn find_policy<'a>(policies: &PolicySet<'a>, set: SetKind, index: usize) -> Option<&'a Policy> {
    match set {
        SetKind::Identity => policies.identity.get(index).copied(),
        SetKind::PermissionsBoundary => policies.permissions_boundary,
        SetKind::Session => policies.session.and_then(|list| list.get(index).copied()),
        SetKind::Resource => policies.resource,
        SetKind::ServiceControl(level) => policies
            .service_control
            .and_then(|levels| levels.get(level)?.get(index).copied()),
        SetKind::ResourceControl(level) => policies
            .resource_control
            .and_then(|levels| levels.get(level)?.get(index).copied()),
    }
}

impl fmt::Display for SetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetKind::Identity => f.write_str("identity-based policy"),
            SetKind::PermissionsBoundary => f.write_str("permissions boundary"),
            SetKind::Session => f.write_str("session policy"),
            SetKind::Resource => f.write_str("resource-based policy"),
            SetKind::ServiceControl(level) => write!(f, "service control policy (level {level})"),
            SetKind::ResourceControl(level) => write!(f, "resource control policy (level {level})"),
        }
    }
}
