//! Policy engine benchmarks. Run with `cargo bench -p ironiam-bench --bench policy`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ironiam_bench::{
    ADMINISTRATOR_ACCESS, SEED_000_FORCE_MFA, policy_of_size, policy_set, policy_text,
};
use ironiam_policy::{
    Action, Caller, Context, ContextValue, Policy, PolicyKind, PolicySet, Request, decide, explain,
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

/// AdministratorAccess + seed 000's force-MFA policy: the seed tutorial's user.
fn seed_user(c: &mut Criterion) {
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
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    let cases = [
        (
            "outside-notaction/no-mfa",
            "ec2:DescribeInstances",
            "*",
            false,
        ),
        ("outside-notaction/mfa", "ec2:DescribeInstances", "*", true),
        (
            "inside-notaction/no-mfa",
            "iam:EnableMFADevice",
            "arn:aws:iam::111122223333:user/alice",
            false,
        ),
        (
            "inside-notaction/mfa",
            "iam:EnableMFADevice",
            "arn:aws:iam::111122223333:user/alice",
            true,
        ),
    ];
    let mut group = c.benchmark_group("seed-user");
    for (name, action, resource, mfa) in cases {
        let action = Action::new(action);
        let context = context(&caller, mfa);
        let request = Request {
            caller: &caller,
            action: &action,
            resource,
            resource_account: None,
            context: &context,
        };
        group.bench_function(BenchmarkId::new("decide", name), |b| {
            b.iter(|| decide(black_box(&set), black_box(&request)))
        });
        group.bench_function(BenchmarkId::new("explain", name), |b| {
            b.iter(|| explain(black_box(&set), black_box(&request)))
        });
    }
    // The whole request as a server builds it: caller, action and context included.
    group.bench_function("decide-with-request-setup/outside-notaction/no-mfa", |b| {
        b.iter(|| {
            let caller = Caller::parse(black_box("arn:aws:iam::111122223333:user/alice")).unwrap();
            let action = Action::new(black_box("ec2:DescribeInstances"));
            let context = context(&caller, false);
            let request = Request {
                caller: &caller,
                action: &action,
                resource: "*",
                resource_account: None,
                context: &context,
            };
            decide(&set, &request)
        })
    });
    group.finish();
}

/// 10 policies of 20 statements with two conditions each.
fn ten_by_twenty(c: &mut Criterion) {
    let policies = policy_set(10, 20);
    let refs: Vec<&Policy> = policies.iter().collect();
    let set = PolicySet {
        identity: &refs,
        ..PolicySet::default()
    };
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    let context = context(&caller, true);
    let mut group = c.benchmark_group("10x20");
    for (name, action, resource) in [
        (
            "allowed",
            "s3:GetObject",
            "arn:aws:s3:us-east-1:111122223333:thing/10/x",
        ),
        (
            "implicit-deny",
            "s3:PutObject",
            "arn:aws:s3:us-east-1:111122223333:thing/10/x",
        ),
        (
            "explicit-deny",
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:111122223333:thing/5/x",
        ),
    ] {
        let action = Action::new(action);
        let request = Request {
            caller: &caller,
            action: &action,
            resource,
            resource_account: None,
            context: &context,
        };
        group.bench_function(BenchmarkId::new("decide", name), |b| {
            b.iter(|| decide(black_box(&set), black_box(&request)))
        });
        group.bench_function(BenchmarkId::new("explain", name), |b| {
            b.iter(|| explain(black_box(&set), black_box(&request)))
        });
    }
    group.finish();
}

/// Parse, validate and compile a managed policy of about 6 KB (the compiled policy is
/// dropped inside the timed loop, so freeing it is counted too).
fn parse_compile(c: &mut Criterion) {
    let text = policy_of_size(6000);
    let mut group = c.benchmark_group("parse-compile");
    group.bench_function("6KB", |b| {
        b.iter(|| Policy::new("big", black_box(&text), PolicyKind::Managed).unwrap())
    });
    group.bench_function("6KB-parse-only", |b| {
        b.iter(|| ironiam_policy::parse(black_box(&text), PolicyKind::Managed).unwrap())
    });
    // The baseline, run in the same process: serde_json reading the same text into a
    // `Value` (no validation, no compilation). Ratios against it survive a noisy machine.
    group.bench_function("baseline-serde_json-6KB", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.finish();
}

/// One policy of N statements; only ten of them name the request's service (`kms`).
/// The index keeps the cost flat as N grows; `explain`, which visits every statement,
/// is the unindexed baseline.
fn scaling(c: &mut Criterion) {
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    let context = context(&caller, true);
    let action = Action::new("kms:GetKeyPolicy");
    let request = Request {
        caller: &caller,
        action: &action,
        resource: "arn:aws:kms:us-east-1:111122223333:thing/7/x",
        resource_account: None,
        context: &context,
    };
    let mut group = c.benchmark_group("scaling");
    for total in [10usize, 100, 1000] {
        // Ten kms statements, the rest spread over other services.
        let others = [
            "s3", "ec2", "iam", "sqs", "sns", "dynamodb", "lambda", "logs", "rds",
        ];
        let mut statements: Vec<String> = Vec::new();
        let kms = policy_text(10, &["kms"], 0);
        let rest = policy_text(total - 10, &others, 10);
        for text in [&kms, &rest] {
            let inner = text.split_once('[').unwrap().1.rsplit_once(']').unwrap().0;
            if !inner.trim().is_empty() {
                statements.push(inner.to_string());
            }
        }
        let doc = format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
            statements.join(",")
        );
        let policy = Policy::new("scaling", &doc, PolicyKind::Identity).unwrap();
        let identity = [&policy];
        let set = PolicySet {
            identity: &identity,
            ..PolicySet::default()
        };
        group.bench_with_input(BenchmarkId::new("decide", total), &set, |b, set| {
            b.iter(|| decide(black_box(set), black_box(&request)))
        });
        group.bench_with_input(BenchmarkId::new("explain", total), &set, |b, set| {
            b.iter(|| explain(black_box(set), black_box(&request)))
        });
    }
    group.finish();
}

#[path = "policy/worst_case.rs"]
mod worst_case;

criterion_group!(
    benches,
    seed_user,
    ten_by_twenty,
    parse_compile,
    scaling,
    worst_case::worst_case
);
criterion_main!(benches);
