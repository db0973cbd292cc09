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
    missing: Vec<String>,
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
        let Some(compiled) = policy.statements.get(number) else {
            return;
        };
        let statement = StatementRef {
            set,
            policy_index,
            policy_id: policy.id().to_string(),
            statement_index: number,
            sid: compiled.sid.map(|sid| policy.arena.text(sid).to_string()),
            effect: compiled.effect,
            start: policy.location(compiled.span.start),
            end: policy.location(compiled.span.end),
        };
        let written = |condition: &crate::condition::CompiledCondition| {
            (
                policy.string_at(condition.operator_span),
                policy.string_at(condition.key_span),
            )
        };
        if matches!(
            outcome,
            Outcome::Applies(_) | Outcome::ConditionNotMet { .. }
        ) {
            // The statement matched the action, resource and principal: every key its
            // conditions test counts for MissingContextValues.
            for condition in compiled.conditions.iter() {
                if self
                    .context
                    .get_hashed(condition.key_hash, policy.arena.text(condition.key))
                    .is_none()
                {
                    let key = policy.string_at(condition.key_span);
                    if !self
                        .missing
                        .iter()
                        .any(|known| known.eq_ignore_ascii_case(&key))
                    {
                        self.missing.push(key);
                    }
                }
            }
        }
        let outcome = match outcome {
            Outcome::Applies(_) => StatementOutcome::Applied,
            Outcome::ActionNotMatched => StatementOutcome::ActionNotMatched,
            Outcome::ResourceNotMatched => StatementOutcome::ResourceNotMatched,
            Outcome::ResourceVariableMissing(key) => StatementOutcome::ResourceVariableMissing {
                variable: (*key).to_string(),
            },
            Outcome::PrincipalNotMatched => StatementOutcome::PrincipalNotMatched,
            Outcome::ConditionNotMet { condition, failure } => {
                let (operator, key) = compiled
                    .conditions
                    .get(*condition)
                    .map(written)
                    .unwrap_or_default();
                StatementOutcome::ConditionNotMet {
                    operator,
                    key,
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
            compiled
                .conditions
                .iter()
                .filter(|condition| {
                    condition.operator.base != BaseOperator::Null
                        && self
                            .context
                            .get_hashed(condition.key_hash, policy.arena.text(condition.key))
                            .is_none()
                })
                .map(written)
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
        missing: Vec::new(),
        context: request.context,
    };
    let Decision { decision, reason } = evaluate::walk(policies, request, &mut collector);
    let missing = collector.missing;
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
