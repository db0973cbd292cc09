//! The policy decisions one request made, with the exact context each was made on,
//! for the request's audit record.
//!
//! Each [`Evaluation`] is written in `SimulateCustomPolicy`'s terms (`ActionName`,
//! `ResourceArn`, `ContextEntries` with AWS's `ContextKeyType` names), so an operator,
//! or the differential test (`tests/e2e/test_differential.py`), can replay any decision
//! with `ironiam simulate --batch` and see the same answer with its explanation.
//!
//! Decisions are made deep inside the request's blocking task (IAM's authorization,
//! AssumeRole's trust evaluation, the JSON services'), and one request runs on one
//! thread from decoding to its audit record. A thread-local collector, switched on for
//! the span of [`collect`], lets each decision site report without threading a sink
//! through every signature; outside that span [`record`] costs one flag check.
//!
//! Context values are never secrets: they are the caller's and the resource's names,
//! tags and times, the source address, and request parameters such as `ExternalId` that
//! CloudTrail records too.

use std::cell::RefCell;

use ironiam_policy::{Context, EvalDecision, ValueType};
use serde::Serialize;

/// One decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Evaluation {
    /// `service:Action`.
    pub action_name: String,
    /// The resource the decision was made on (`*` for actions without one).
    pub resource_arn: String,
    /// `allowed`, `explicitDeny` or `implicitDeny`.
    pub eval_decision: &'static str,
    /// The request context, key by key.
    pub context_entries: Vec<ContextEntry>,
}

/// One context key, as `SimulateCustomPolicy`'s `ContextEntries` take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextEntry {
    /// The key (as the context holds it: condition keys are case-insensitive).
    pub context_key_name: String,
    /// Its values.
    pub context_key_values: Vec<String>,
    /// AWS's `ContextKeyType`: `string`, `stringList`, `boolean`, `date`, ...
    pub context_key_type: String,
}

thread_local! {
    static ACTIVE: RefCell<Option<Vec<Evaluation>>> = const { RefCell::new(None) };
}

/// Runs `work` and returns what it returned with every decision made meanwhile on this
/// thread. With `enabled` false (no audit log), nothing is collected.
pub fn collect<T>(enabled: bool, work: impl FnOnce() -> T) -> (T, Vec<Evaluation>) {
    if !enabled {
        return (work(), Vec::new());
    }
    let outer = ACTIVE.with(|active| active.replace(Some(Vec::new())));
    let result = work();
    let collected = ACTIVE.with(|active| active.replace(outer));
    (result, collected.unwrap_or_default())
}

/// Reports one decision to the collector of the request running on this thread, if any.
pub fn record(action: &str, resource: &str, context: &Context, decision: EvalDecision) {
    ACTIVE.with(|active| {
        let mut active = active.borrow_mut();
        let Some(collected) = active.as_mut() else {
            return;
        };
        collected.push(Evaluation {
            action_name: action.to_owned(),
            resource_arn: resource.to_owned(),
            eval_decision: decision.as_str(),
            context_entries: entries(context),
        });
    });
}

fn entries(context: &Context) -> Vec<ContextEntry> {
    let mut out: Vec<ContextEntry> = context
        .iter()
        .map(|(key, value)| {
            let base = match value.value_type {
                ValueType::String => "string",
                ValueType::Numeric => "numeric",
                ValueType::Boolean => "boolean",
                ValueType::Date => "date",
                ValueType::Ip => "ip",
                ValueType::Binary => "binary",
            };
            let suffix = if value.multivalued { "List" } else { "" };
            ContextEntry {
                context_key_name: key.to_owned(),
                context_key_values: value.values.clone(),
                context_key_type: format!("{base}{suffix}"),
            }
        })
        .collect();
    // A stable order, so records diff cleanly.
    out.sort_by(|a, b| a.context_key_name.cmp(&b.context_key_name));
    out
}

#[cfg(test)]
mod tests;
