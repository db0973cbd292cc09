//! The benchmarks measure what their names say: these are the decisions they time.
#![allow(clippy::unwrap_used, missing_docs)]

use ironiam_bench::{ADMINISTRATOR_ACCESS, SEED_000_FORCE_MFA, policy_of_size, policy_set};
use ironiam_policy::{
    Action, Caller, Context, ContextValue, EvalDecision, Policy, PolicyKind, PolicySet, Request,
    decide,
};

fn context(caller: &Caller, mfa: bool) -> Context {
    let mut context = Context::new();
    if mfa {
        context.insert("aws:MultiFactorAuthPresent", ContextValue::boolean(true));
        context.insert("aws:MultiFactorAuthAge", ContextValue::string("30"));
    }
    context.insert("aws:RequestedRegion", ContextValue::string("us-east-1"));
    caller.add_derived_keys(&mut context);
    context
}

fn decision(set: &PolicySet<'_>, action: &str, resource: &str, mfa: bool) -> EvalDecision {
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    let context = context(&caller, mfa);
    let action = Action::new(action);
    decide(
        set,
        &Request {
            caller: &caller,
            action: &action,
            resource,
            resource_account: None,
            context: &context,
        },
    )
    .decision
}

#[test]
fn seed_user_decisions() {
    let admin = Policy::new(
        "AdministratorAccess",
        ADMINISTRATOR_ACCESS,
        PolicyKind::Managed,
    )
    .unwrap();
    let force_mfa = Policy::new("ForceMFA", SEED_000_FORCE_MFA, PolicyKind::Managed).unwrap();
    let identity = [&admin, &force_mfa];
    let set = PolicySet {
        identity: &identity,
        ..PolicySet::default()
    };
    let own = "arn:aws:iam::111122223333:user/alice";
    assert_eq!(
        decision(&set, "ec2:DescribeInstances", "*", false),
        EvalDecision::ExplicitDeny
    );
    assert_eq!(
        decision(&set, "ec2:DescribeInstances", "*", true),
        EvalDecision::Allowed
    );
    assert_eq!(
        decision(&set, "iam:EnableMFADevice", own, false),
        EvalDecision::Allowed
    );
    assert_eq!(
        decision(&set, "iam:EnableMFADevice", own, true),
        EvalDecision::Allowed
    );
}

#[test]
fn ten_by_twenty_decisions() {
    let policies = policy_set(10, 20);
    assert_eq!(policies.len(), 10);
    assert!(policies.iter().all(|p| p.statement_count() == 20));
    let refs: Vec<&Policy> = policies.iter().collect();
    let set = PolicySet {
        identity: &refs,
        ..PolicySet::default()
    };
    assert_eq!(
        decision(
            &set,
            "s3:GetObject",
            "arn:aws:s3:us-east-1:111122223333:thing/10/x",
            true
        ),
        EvalDecision::Allowed
    );
    assert_eq!(
        decision(
            &set,
            "s3:PutObject",
            "arn:aws:s3:us-east-1:111122223333:thing/10/x",
            true
        ),
        EvalDecision::ImplicitDeny
    );
    assert_eq!(
        decision(
            &set,
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:111122223333:thing/5/x",
            true
        ),
        EvalDecision::ExplicitDeny
    );
}

#[test]
fn large_policy_is_about_six_kilobytes() {
    let policy = Policy::new("big", &policy_of_size(6000), PolicyKind::Managed).unwrap();
    assert!((5000..=6144).contains(&policy.size()), "{}", policy.size());
}
