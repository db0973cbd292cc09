#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use ironiam_policy::{Context, ContextValue, EvalDecision, ValueType};

use super::{collect, record};

fn context() -> Context {
    let mut context = Context::new();
    context.insert("aws:MultiFactorAuthPresent", ContextValue::boolean(false));
    context.insert(
        "aws:TagKeys",
        ContextValue::list(ValueType::String, vec!["team".to_owned()]),
    );
    context
}

#[test]
fn decisions_are_collected_only_inside_collect_and_in_simulator_terms() {
    // Outside a collection nothing is kept.
    record("iam:GetUser", "*", &context(), EvalDecision::Allowed);
    let ((), evaluations) = collect(true, || {
        record(
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/alice",
            &context(),
            EvalDecision::ExplicitDeny,
        );
    });
    assert_eq!(evaluations.len(), 1);
    let json = serde_json::to_value(&evaluations[0]).unwrap();
    assert_eq!(json["ActionName"], "iam:GetUser");
    assert_eq!(json["EvalDecision"], "explicitDeny");
    let entries = json["ContextEntries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["ContextKeyType"], "boolean");
    assert_eq!(entries[0]["ContextKeyValues"][0], "false");
    assert_eq!(entries[1]["ContextKeyType"], "stringList");
    // Disabled: the work runs, nothing is collected, and a later collection starts empty.
    let (answer, none) = collect(false, || {
        record("iam:GetUser", "*", &context(), EvalDecision::Allowed);
        42
    });
    assert_eq!((answer, none.len()), (42, 0));
    let ((), nested) = collect(true, || {
        let ((), inner) = collect(true, || {
            record("iam:GetUser", "*", &context(), EvalDecision::Allowed);
        });
        assert_eq!(inner.len(), 1);
    });
    assert!(
        nested.is_empty(),
        "an inner collection keeps its own decisions"
    );
}
