//! One request from flags: decisions as AWS documents them for seed 000's force-MFA
//! policy, and how they are explained.

use super::{seed_000, stderr, stdout};

#[test]
fn long_term_keys_are_denied_because_the_mfa_key_is_absent() {
    // AWS: long-term access keys carry no aws:MultiFactorAuthPresent, and
    // BoolIfExists is true for an absent key, so the Deny applies.
    let output = seed_000(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("Decision: explicitDeny\n"), "{text}");
    let deciding = text
        .split("Deciding statements:")
        .nth(1)
        .and_then(|rest| rest.split("Other statements:").next())
        .unwrap();
    assert!(
        deciding.contains(
            "Deny Sid DenyAllExceptListedIfNoMFA, lines 31-47 of examples/seed-000-force-mfa.json"
        ),
        "{deciding}"
    );
    assert!(
        deciding.contains(
            "condition BoolIfExists on aws:MultiFactorAuthPresent held only because aws:MultiFactorAuthPresent is absent from the request"
        ),
        "{deciding}"
    );
    assert!(
        text.contains("Allow statement 1 (line 1): applies, but the explicit Deny overrides it"),
        "{text}"
    );
    assert!(
        text.contains("Missing context values: aws:MultiFactorAuthPresent\n"),
        "{text}"
    );
    assert!(
        text.contains("aws:username = simulated-user (string)"),
        "{text}"
    );
}

#[test]
fn a_session_without_mfa_is_denied_by_the_value() {
    let output = seed_000(&["--no-mfa"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("Decision: explicitDeny\n"), "{text}");
    assert!(text.contains("Sid DenyAllExceptListedIfNoMFA"), "{text}");
    // The key is present this time: nothing held because it was absent.
    assert!(!text.contains("held only because"), "{text}");
    assert!(
        text.contains("aws:MultiFactorAuthPresent = false (boolean)"),
        "{text}"
    );
    assert!(text.contains("Missing context values: none"), "{text}");
}

#[test]
fn a_session_with_mfa_is_allowed_by_administrator_access() {
    let output = seed_000(&["--mfa"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("Decision: allowed\n"), "{text}");
    assert!(
        text.contains("Allow statement 1, line 1 of examples/AdministratorAccess.json"),
        "{text}"
    );
    assert!(
        text.contains("Deny Sid DenyAllExceptListedIfNoMFA (lines 31-47): does not apply: condition BoolIfExists on aws:MultiFactorAuthPresent does not hold, the request has true (boolean)"),
        "{text}"
    );
    assert!(
        text.contains("aws:MultiFactorAuthAge = 0 (numeric)"),
        "{text}"
    );
}

#[test]
fn listed_actions_stay_open_without_mfa() {
    // The Deny's NotAction exempts iam:ListMFADevices; AllowManageOwnUserMFA allows it
    // on the caller's own user through ${aws:username}.
    let output = super::ironiam(&[
        "simulate",
        "--policy",
        "examples/seed-000-force-mfa.json",
        "--action",
        "iam:ListMFADevices",
        "--resource",
        "arn:aws:iam::123456789012:user/simulated-user",
    ]);
    let text = stdout(&output);
    assert!(text.starts_with("Decision: allowed\n"), "{text}");
    assert!(text.contains("Allow Sid AllowManageOwnUserMFA"), "{text}");
}

#[test]
fn json_output_has_the_batch_fields_and_the_trace() {
    let output = seed_000(&["--json"]);
    assert_eq!(output.status.code(), Some(0));
    let result: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["EvalDecision"], "explicitDeny");
    assert_eq!(result["EvalActionName"], "ec2:DescribeInstances");
    assert_eq!(result["EvalResourceName"], "*");
    assert_eq!(result["ReasonCode"], "ExplicitDeny");
    assert!(result["Reason"].as_str().unwrap().contains("explicit Deny"));
    assert_eq!(
        result["MissingContextValues"],
        serde_json::json!(["aws:MultiFactorAuthPresent"])
    );
    let matched = result["MatchedStatements"].as_array().unwrap();
    assert_eq!(matched.len(), 1);
    let deny = &matched[0];
    assert_eq!(deny["SourcePolicyId"], "PolicyInputList.1");
    assert_eq!(deny["SourcePolicyType"], "IAM Policy");
    assert_eq!(deny["SourcePolicyFile"], "examples/seed-000-force-mfa.json");
    assert_eq!(deny["Sid"], "DenyAllExceptListedIfNoMFA");
    // AWS's convention: from just after the previous statement's `}` (line 30) to just
    // after this one's.
    assert_eq!(
        deny["StartPosition"],
        serde_json::json!({"Line": 30, "Column": 2})
    );
    assert_eq!(
        deny["EndPosition"],
        serde_json::json!({"Line": 47, "Column": 2})
    );
    assert_eq!(
        deny["HeldBecauseAbsent"],
        serde_json::json!([{"Operator": "BoolIfExists", "Key": "aws:MultiFactorAuthPresent"}])
    );
    let statements = result["Statements"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        5,
        "four statements in seed 000, one in AdministratorAccess"
    );
    let outcomes: Vec<&str> = statements
        .iter()
        .map(|s| s["Outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "actionNotMatched",
            "actionNotMatched",
            "actionNotMatched",
            "applied",
            "applied"
        ]
    );
}

#[test]
fn json_reports_a_failed_condition_and_why() {
    let output = seed_000(&["--json", "--mfa"]);
    let result: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["EvalDecision"], "allowed");
    let deny = &result["Statements"][3];
    assert_eq!(deny["Outcome"], "conditionNotMet");
    assert_eq!(
        deny["Condition"],
        serde_json::json!({"Operator": "BoolIfExists", "Key": "aws:MultiFactorAuthPresent", "Failure": "valueMismatch"})
    );
}

#[test]
fn expect_exits_1_only_on_a_different_decision() {
    assert_eq!(
        seed_000(&["--expect", "explicitDeny"]).status.code(),
        Some(0)
    );
    assert_eq!(
        seed_000(&["--mfa", "--expect", "allowed"]).status.code(),
        Some(0)
    );
    let output = seed_000(&["--expect", "allowed"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("expected allowed, got explicitDeny"));
    assert_eq!(
        seed_000(&["--no-mfa", "--expect", "implicitDeny"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn scp_requiring_mfa_denies_even_an_administrator() {
    // Seed 004's SCP: Deny * with BoolIfExists; an explicit Deny in an SCP beats the
    // account's AdministratorAccess.
    let base = [
        "simulate",
        "--policy",
        "examples/AdministratorAccess.json",
        "--scp",
        "examples/AdministratorAccess.json",
        "--scp",
        "examples/AdministratorAccess.json,examples/seed-004-require-mfa-scp.json",
        "--action",
        "s3:ListAllMyBuckets",
        "--expect",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        super::ironiam(&args)
    };
    let output = run(&["explicitDeny"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("Sid RequireMFAAccess"), "{text}");
    assert!(
        text.contains("(SCP, level 2, ServiceControlPolicies.2.2)"),
        "{text}"
    );
    assert_eq!(run(&["allowed", "--mfa"]).status.code(), Some(0));
}

#[test]
fn explicit_context_beats_the_mfa_flag() {
    let output = seed_000(&["--mfa", "--context", "aws:MultiFactorAuthPresent=false"]);
    assert!(stdout(&output).starts_with("Decision: explicitDeny\n"));
}
