//! Adversarial wildcard patterns at the largest sizes IAM takes (issue 10, found item 7):
//! one decision each, through `decide`, as the server and the simulator make it.
//!
//! Sizes: a policy document of 131,072 characters (botocore's `policyDocumentType`, the
//! simulator's `PolicyInputList` members), or 10,240 (the largest stored policy: a role's
//! inline policies, IAM User Guide, "IAM and AWS STS quotas"); a resource ARN or context
//! value of 2,048 characters (`ResourceNameType`, and the simulator's cap on context
//! values); an action name of 128 (`ActionNameType`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use ironiam_policy::{
    Action, Caller, Context, ContextValue, Policy, PolicyKind, PolicySet, Request, decide,
};

const MAX_POLICY: usize = 131_072;
const MAX_STORED_POLICY: usize = 10_240;
const MAX_TEXT: usize = 2048;

/// One statement allowing `action` on `resource` when `condition` holds.
fn statement(action: &str, resource: &str, condition: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"{condition}}}"#)
}

fn document(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// A case: its name, the policy, and the request's action, resource and context value
/// (under `aws:username` and `aws:SourceArn`).
struct Case {
    name: &'static str,
    policy: String,
    action: String,
    resource: String,
    value: String,
}

fn cases() -> Vec<Case> {
    let a_b = format!("{}b", "a".repeat(MAX_TEXT - 1));
    // The issue's family: as many `*a` as the value has `a`s, so the literals occur in
    // order and a matcher must really decide; each step of the old walk visited every
    // offset.
    let chain = format!("{}*b", "*a".repeat(MAX_TEXT / 2 - 1));
    let like = |op: &str, key: &str, pattern: &str| {
        format!(r#","Condition":{{"{op}":{{"{key}":"{pattern}"}}}}"#)
    };
    let arn_value = format!("arn:aws:s3:::{}b", "a".repeat(MAX_TEXT - 14));
    let mut out = vec![
        Case {
            name: "stringlike-star-chain",
            policy: document(&[statement(
                "s3:GetObject",
                "*",
                &like("StringLike", "aws:username", &chain),
            )]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: a_b.clone(),
        },
        // A near miss: the final `b` is missing, so every segment is searched to the end.
        Case {
            name: "stringlike-star-chain-miss",
            policy: document(&[statement(
                "s3:GetObject",
                "*",
                &like(
                    "StringLike",
                    "aws:username",
                    &format!("{}*a*c", "*a".repeat(MAX_TEXT / 2 - 2)),
                ),
            )]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: format!("{}c", "a".repeat(MAX_TEXT - 2)),
        },
        // The same family filling a whole simulator policy.
        Case {
            name: "stringlike-star-chain-131072",
            policy: document(&[statement(
                "s3:GetObject",
                "*",
                &like(
                    "StringLike",
                    "aws:username",
                    &format!("{}*b", "*a".repeat(MAX_POLICY / 2 - 100)),
                ),
            )]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: a_b.clone(),
        },
        // `?`-heavy: one segment of 1,000 units, past one machine word.
        Case {
            name: "stringlike-question-segment",
            policy: document(&[statement(
                "s3:GetObject",
                "*",
                &like(
                    "StringLike",
                    "aws:username",
                    &format!("*{}c*", "a?".repeat(500)),
                ),
            )]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: a_b.clone(),
        },
        Case {
            name: "stringlike-question-chain",
            policy: document(&[statement(
                "s3:GetObject",
                "*",
                &like(
                    "StringLike",
                    "aws:username",
                    &format!("{}*b", "*a?".repeat(MAX_TEXT / 3 - 1)),
                ),
            )]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: a_b.clone(),
        },
        // ArnLike: the chain in the sixth component.
        Case {
            name: "arnlike-star-chain",
            policy: document(&[statement(
                "s3:GetObject",
                "*",
                &like(
                    "ArnLike",
                    "aws:SourceArn",
                    &format!("arn:aws:s3:::{}*b", "*a".repeat(MAX_TEXT / 2 - 8)),
                ),
            )]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: arn_value.clone(),
        },
        // Resource stars that keep to their ARN segment (the bit walk).
        Case {
            name: "resource-segment-stars",
            policy: document(&[statement(
                "s3:GetObject",
                &format!("arn:aws:s3:::{}*b", "*a".repeat(MAX_TEXT / 2 - 8)),
                "",
            )]),
            action: "s3:GetObject".into(),
            resource: arn_value.clone(),
            value: "alice".into(),
        },
        Case {
            name: "resource-segment-stars-131072",
            policy: document(&[statement(
                "s3:GetObject",
                &format!("arn:aws:s3:::{}*b", "*a?".repeat(MAX_POLICY / 3 - 100)),
                "",
            )]),
            action: "s3:GetObject".into(),
            resource: arn_value.clone(),
            value: "alice".into(),
        },
        Case {
            name: "action-star-chain",
            policy: document(&[statement(&format!("s3:{}*b", "*a".repeat(61)), "*", "")]),
            action: format!("s3:{}b", "a".repeat(124)),
            resource: "*".into(),
            value: "alice".into(),
        },
    ];
    // Many statements, each with a chain that scans the whole value and misses.
    for (name, size) in [
        ("many-statements-10240", MAX_STORED_POLICY),
        ("many-statements-131072", MAX_POLICY),
    ] {
        let one = statement(
            "s3:GetObject",
            "*",
            &like("StringLike", "aws:username", "*a*a*a*a*a*a*c"),
        );
        let count = (size - 60) / (one.len() + 1);
        out.push(Case {
            name,
            policy: document(&vec![one; count]),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            value: a_b.clone(),
        });
    }
    out
}

pub fn worst_case(c: &mut Criterion) {
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    let mut group = c.benchmark_group("worst-case");
    for case in cases() {
        assert!(
            case.policy.len() <= MAX_POLICY,
            "{}: {}",
            case.name,
            case.policy.len()
        );
        assert!(case.resource.len() <= MAX_TEXT && case.value.len() <= MAX_TEXT);
        assert!(case.action.len() <= 128);
        let policy = Policy::new(case.name, &case.policy, PolicyKind::Identity).unwrap();
        let identity = [&policy];
        let set = PolicySet {
            identity: &identity,
            ..PolicySet::default()
        };
        let mut context = Context::new();
        context.insert("aws:username", ContextValue::string(&case.value));
        context.insert("aws:SourceArn", ContextValue::string(&case.value));
        let action = Action::new(&case.action);
        let request = Request {
            caller: &caller,
            action: &action,
            resource: &case.resource,
            resource_account: None,
            context: &context,
        };
        group.bench_with_input(
            BenchmarkId::new("decide", case.name),
            &request,
            |b, request| b.iter(|| decide(black_box(&set), black_box(request))),
        );
    }
    group.finish();
}
