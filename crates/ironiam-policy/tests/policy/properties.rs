//! Property tests for the invariants of AWS's evaluation logic: Deny beats Allow, order
//! and duplicates never matter, NotAction is the complement of Action, and explanations
//! name statements that really match.

use ironiam_policy::{
    Action, Caller, Context, ContextValue, EvalDecision, Explanation, Policy, PolicyKind,
    PolicySet, Request, StatementOutcome, decide, explain,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: [&str; 6] = [
    "iam:ListUsers",
    "iam:GetUser",
    "iam:EnableMFADevice",
    "ec2:DescribeInstances",
    "s3:GetObject",
    "sts:GetSessionToken",
];
const ACTION_PATTERNS: [&str; 9] = [
    "*",
    "iam:*",
    "iam:List*",
    "iam:GetUser",
    "iam:?nableMFADevice",
    "ec2:*",
    "ec2:Describe*",
    "s3:GetObject",
    "sts:GetSessionToken",
];
const RESOURCES: [&str; 4] = [
    "*",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:s3:::bucket/key",
];
const RESOURCE_PATTERNS: [&str; 6] = [
    "*",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:iam::111122223333:user/*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:iam::*:user/bob",
    "arn:aws:s3:::other/*",
];

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))),
        1 => Just(Some(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}))),
        1 => Just(Some(json!({"StringEquals": {"aws:username": "alice"}}))),
        1 => Just(Some(json!({"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/b*"}}))),
        1 => Just(Some(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}))),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(prop::sample::select(&ACTION_PATTERNS[..]), 1..4),
        any::<bool>(),
        prop::collection::vec(prop::sample::select(&RESOURCE_PATTERNS[..]), 1..3),
        condition(),
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resources, condition)| {
                let mut statement = json!({ "Effect": if deny { "Deny" } else { "Allow" } });
                statement[if not_action { "NotAction" } else { "Action" }] = json!(actions);
                statement[if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }] = json!(resources);
                if let Some(condition) = condition {
                    statement["Condition"] = condition;
                }
                statement
            },
        )
}

fn policy_doc() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(statement(), 1..5)
}

fn text(statements: &[Value]) -> String {
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements}))
        .unwrap()
}

#[derive(Debug, Clone)]
struct Situation {
    caller: &'static str,
    action: &'static str,
    resource: &'static str,
    mfa: Option<bool>,
}

fn situation() -> impl Strategy<Value = Situation> {
    (
        prop::sample::select(vec![
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/bob",
        ]),
        prop::sample::select(&ACTIONS[..]),
        prop::sample::select(&RESOURCES[..]),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(caller, action, resource, mfa)| Situation {
            caller,
            action,
            resource,
            mfa,
        })
}

/// Evaluates identity policies given as statement lists; returns the fast decision and
/// the explanation, after checking that they agree.
fn evaluate(policies: &[Vec<Value>], situation: &Situation) -> (EvalDecision, Explanation) {
    let compiled: Vec<Policy> = policies
        .iter()
        .enumerate()
        .map(|(i, statements)| {
            Policy::new(format!("p{i}"), &text(statements), PolicyKind::Identity).unwrap()
        })
        .collect();
    let refs: Vec<&Policy> = compiled.iter().collect();
    let caller = Caller::parse(situation.caller).unwrap();
    let mut context = Context::new();
    if let Some(mfa) = situation.mfa {
        context.insert("aws:MultiFactorAuthPresent", ContextValue::boolean(mfa));
        if mfa {
            context.insert("aws:MultiFactorAuthAge", ContextValue::string("120"));
        }
    }
    caller.add_derived_keys(&mut context);
    let action = Action::new(situation.action);
    let request = Request {
        caller: &caller,
        action: &action,
        resource: situation.resource,
        resource_account: None,
        context: &context,
    };
    let set = PolicySet {
        identity: &refs,
        ..PolicySet::default()
    };
    let fast = decide(&set, &request);
    let full = explain(&set, &request);
    assert_eq!(fast.decision, full.decision, "decide and explain disagree");
    (fast.decision, full)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn an_applying_deny_always_wins(policies in prop::collection::vec(policy_doc(), 1..4), situation in situation()) {
        let (decision, explanation) = evaluate(&policies, &situation);
        let deny_applies = explanation.statements.iter().any(|trace| {
            trace.outcome == StatementOutcome::Applied && trace.statement.effect == ironiam_policy::Effect::Deny
        });
        prop_assert_eq!(deny_applies, decision == EvalDecision::ExplicitDeny);
        // Adding a Deny that matches everything always denies.
        let mut with_deny = policies.clone();
        with_deny.push(vec![json!({"Effect": "Deny", "Action": "*", "Resource": "*"})]);
        prop_assert_eq!(evaluate(&with_deny, &situation).0, EvalDecision::ExplicitDeny);
    }

    #[test]
    fn order_and_duplicates_never_change_the_decision(
        policies in prop::collection::vec(policy_doc(), 1..4),
        situation in situation(),
        seed in any::<u64>(),
    ) {
        let (decision, _) = evaluate(&policies, &situation);
        // Reverse the policies, rotate each policy's statements, and duplicate some.
        let mut shuffled: Vec<Vec<Value>> = policies.iter().rev().cloned().collect();
        for (i, statements) in shuffled.iter_mut().enumerate() {
            let len = statements.len();
            statements.rotate_left((seed as usize + i) % len);
            if (seed >> i) & 1 == 1 {
                let copy = statements[0].clone();
                statements.push(copy);
            }
        }
        if seed & 2 == 2 {
            shuffled.push(policies[0].clone());
        }
        prop_assert_eq!(evaluate(&shuffled, &situation).0, decision);
    }

    #[test]
    fn not_action_is_the_complement_of_action(
        actions in prop::collection::vec(prop::sample::select(&ACTION_PATTERNS[..]), 1..4),
        situation in situation(),
    ) {
        let with = |key: &str| vec![vec![json!({"Effect": "Allow", key: actions.clone(), "Resource": "*"})]];
        let allowed_by_action = evaluate(&with("Action"), &situation).0 == EvalDecision::Allowed;
        let allowed_by_not_action = evaluate(&with("NotAction"), &situation).0 == EvalDecision::Allowed;
        prop_assert_ne!(allowed_by_action, allowed_by_not_action);
    }

    #[test]
    fn explanations_name_statements_that_really_match(
        policies in prop::collection::vec(policy_doc(), 1..4),
        situation in situation(),
    ) {
        let (decision, explanation) = evaluate(&policies, &situation);
        if decision == EvalDecision::ImplicitDeny {
            prop_assert!(explanation.matched.is_empty());
        } else {
            prop_assert!(!explanation.matched.is_empty());
        }
        for matched in &explanation.matched {
            // Re-evaluate the named statement on its own: it must produce the decision.
            let statement = policies[matched.policy_index][matched.statement_index].clone();
            let (alone, _) = evaluate(&[vec![statement]], &situation);
            prop_assert_eq!(alone, decision);
        }
    }
}
