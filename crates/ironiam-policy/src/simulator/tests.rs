#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use super::*;
use crate::{
    Action, Caller, Context, ContextValue, PolicyKind, PolicySet, Request, ValueType, explain,
    parse,
};

fn at(line: usize, column: usize) -> Location {
    Location { line, column }
}

/// AWS's AdministratorAccess as GetPolicyVersion returns it. AWS's simulator reports its
/// statement at 3:17 to 8:6 (a published `simulate-principal-policy` output).
const ADMINISTRATOR_ACCESS: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";

#[test]
fn positions_follow_aws_published_outputs() {
    let policy = Policy::new("admin", ADMINISTRATOR_ACCESS, PolicyKind::Managed).unwrap();
    assert_eq!(policy.simulator_position(0), Some((at(3, 17), at(8, 6))));
    assert_eq!(policy.simulator_position(1), None);

    // Terraform's compact JSON: AWS reported an inline role policy's statement from
    // column 38 (just after the `[`) to the character after its `}`.
    let compact = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ssm:GetParameters","Resource":"*"}]}"#;
    let policy = Policy::new("inline", compact, PolicyKind::Identity).unwrap();
    // The statement's `}` is the one before `]`; the end is the column after it.
    let close = compact.rfind("}]").unwrap();
    assert_eq!(
        policy.simulator_position(0),
        Some((at(1, 38), at(1, close + 2)))
    );

    // json.dumps' default separators: AWS reported column 41.
    let spaced = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let policy = Policy::new("spaced", spaced, PolicyKind::Identity).unwrap();
    assert_eq!(policy.simulator_position(0).unwrap().0, at(1, 41));
}

#[test]
fn a_later_statement_starts_where_the_previous_one_ends() {
    // As in AWS's answer for a two-statement S3 bucket policy: the second statement's
    // StartPosition is the first one's EndPosition (the comma is read with the next
    // statement).
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"} , {"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#;
    let policy = Policy::new("two", text, PolicyKind::Identity).unwrap();
    let (first_start, first_end) = policy.simulator_position(0).unwrap();
    let (second_start, second_end) = policy.simulator_position(1).unwrap();
    assert_eq!(first_start, at(1, 38));
    assert_eq!(second_start, first_end);
    let first_close = text.find("} ,").unwrap();
    assert_eq!(first_end, at(1, first_close + 2));
    assert_eq!(second_end, at(1, text.len() - 1));
}

#[test]
fn a_single_statement_object_starts_after_its_brace() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":\n  {\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}";
    let policy = Policy::new("one", text, PolicyKind::Identity).unwrap();
    let line = text.lines().nth(1).unwrap();
    let close = line.rfind("}}").unwrap();
    assert_eq!(
        policy.simulator_position(0),
        Some((at(2, 4), at(2, close + 2)))
    );
}

#[test]
fn source_policy_types_are_aws_words() {
    assert_eq!(source_policy_type(SetKind::Identity), "IAM Policy");
    assert_eq!(source_policy_type(SetKind::Resource), "Resource Policy");
    assert_eq!(
        source_policy_type(SetKind::PermissionsBoundary),
        "Permissions Boundary Policy"
    );
}

fn explained(identity: &[&str], boundary: Option<&str>, scps: &[&[&str]]) -> Explanation {
    let identity: Vec<Policy> = identity
        .iter()
        .map(|text| Policy::new("i", text, PolicyKind::Identity).unwrap())
        .collect();
    let boundary = boundary.map(|text| Policy::new("b", text, PolicyKind::Identity).unwrap());
    let levels: Vec<Vec<Policy>> = scps
        .iter()
        .map(|level| {
            level
                .iter()
                .map(|text| Policy::new("s", text, PolicyKind::ServiceControl).unwrap())
                .collect()
        })
        .collect();
    let identity_refs: Vec<&Policy> = identity.iter().collect();
    let level_refs: Vec<Vec<&Policy>> = levels.iter().map(|l| l.iter().collect()).collect();
    let set = PolicySet {
        identity: &identity_refs,
        permissions_boundary: boundary.as_ref(),
        service_control: (!level_refs.is_empty()).then_some(level_refs.as_slice()),
        ..PolicySet::default()
    };
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    let action = Action::new("ec2:DescribeInstances");
    let mut context = Context::new();
    caller.add_derived_keys(&mut context);
    let request = Request {
        caller: &caller,
        action: &action,
        resource: "*",
        resource_account: None,
        context: &context,
    };
    explain(&set, &request)
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const DENY_EC2: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ec2:*","Resource":"*"}}"#;
const ALLOW_S3: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;

#[test]
fn per_type_decisions() {
    let explanation = explained(&[ALLOW_ALL], Some(ALLOW_S3), &[]);
    assert_eq!(explanation.decision, EvalDecision::ImplicitDeny);
    assert_eq!(
        explanation.decision_of(|set| set == SetKind::Identity),
        EvalDecision::Allowed
    );
    assert_eq!(
        explanation.decision_of(|set| set == SetKind::PermissionsBoundary),
        EvalDecision::ImplicitDeny
    );
    let explanation = explained(&[ALLOW_ALL], Some(DENY_EC2), &[]);
    assert_eq!(
        explanation.decision_of(|set| set == SetKind::PermissionsBoundary),
        EvalDecision::ExplicitDeny
    );
}

#[test]
fn organizations_allow_only_when_every_level_allows_and_none_denies() {
    assert!(explained(&[ALLOW_ALL], None, &[]).allowed_by_service_control(0));
    let explanation = explained(&[ALLOW_ALL], None, &[&[ALLOW_ALL], &[ALLOW_ALL]]);
    assert!(explanation.allowed_by_service_control(2));
    let explanation = explained(&[ALLOW_ALL], None, &[&[ALLOW_ALL], &[ALLOW_S3]]);
    assert!(!explanation.allowed_by_service_control(2));
    assert_eq!(explanation.decision, EvalDecision::ImplicitDeny);
    let explanation = explained(&[ALLOW_ALL], None, &[&[ALLOW_ALL, DENY_EC2]]);
    assert!(!explanation.allowed_by_service_control(1));
    assert_eq!(explanation.decision, EvalDecision::ExplicitDeny);
}

#[test]
fn matched_statements_leave_out_what_only_permits() {
    let explanation = explained(&[ALLOW_ALL], Some(ALLOW_ALL), &[&[ALLOW_ALL]]);
    assert_eq!(explanation.decision, EvalDecision::Allowed);
    assert_eq!(explanation.matched.len(), 3);
    let listed: Vec<SetKind> = explanation
        .simulator_matched()
        .map(|statement| statement.set)
        .collect();
    assert_eq!(listed, [SetKind::Identity]);
    // A Deny is listed wherever it is.
    let explanation = explained(&[ALLOW_ALL], Some(DENY_EC2), &[&[ALLOW_ALL]]);
    let listed: Vec<SetKind> = explanation
        .simulator_matched()
        .map(|statement| statement.set)
        .collect();
    assert_eq!(listed, [SetKind::PermissionsBoundary]);
}

#[test]
fn resource_owner_takes_an_account_or_its_root_arn() {
    assert_eq!(
        resource_owner_account("111122223333").as_deref(),
        Some("111122223333")
    );
    assert_eq!(
        resource_owner_account("arn:aws:iam::111122223333:root").as_deref(),
        Some("111122223333")
    );
    for bad in [
        "1111",
        "arn:aws:iam::111122223333:user/x",
        "abcdefghijkl",
        "",
    ] {
        assert_eq!(resource_owner_account(bad), None, "{bad}");
    }
}

#[test]
fn context_entries_are_typed_and_checked() {
    let value = context_entry(
        "aws:MultiFactorAuthPresent",
        vec!["true".into()],
        Some("boolean"),
    )
    .unwrap();
    assert_eq!(value, ContextValue::boolean(true));
    let value = context_entry("aws:MultiFactorAuthAge", vec!["30".into()], None).unwrap();
    assert_eq!(value.value_type, ValueType::Numeric);
    assert!(!value.multivalued);
    let value = context_entry("aws:TagKeys", vec!["a".into()], None).unwrap();
    assert!(value.multivalued);
    let value = context_entry("ec2:x", vec!["1".into(), "2".into()], Some("numericList")).unwrap();
    assert_eq!(value.values, ["1", "2"]);
    assert_eq!(
        context_entry("aws:SourceIp", vec!["nope".into()], Some("ip")),
        Err(ContextEntryError::BadValue {
            value: "nope".into(),
            type_name: "ip"
        })
    );
    assert_eq!(
        context_entry("k:k", vec!["a".into(), "b".into()], Some("string")),
        Err(ContextEntryError::NotSingle {
            type_name: "string",
            count: 2
        })
    );
    assert!(matches!(
        context_entry("k:k", vec![], Some("text")),
        Err(ContextEntryError::UnknownType(_))
    ));
}

fn keys(text: &str) -> Vec<String> {
    referenced_context_keys(&parse(text, PolicyKind::Resource).unwrap())
}

#[test]
fn context_keys_as_aws_lists_them() {
    // Cases recorded from AWS's GetContextKeysForCustomPolicy (order aside).
    let mut found = keys(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/Team}/${aws:username}",
            "Condition":{"StringEquals":{"s3:ExistingObjectTag/Owner":"${aws:PrincipalTag/Team}"},
                         "Null":{"AWS:SourceIp":"false"}}}}"#,
    );
    found.sort();
    assert_eq!(
        found,
        [
            "AWS:SourceIp",
            "aws:PrincipalTag/Team",
            "aws:username",
            "s3:ExistingObjectTag/Owner"
        ]
    );
    let mut found = keys(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:::bucket/${aws:username, 'default'}/${*}/${?}/${$}"}}"#,
    );
    found.sort();
    assert_eq!(found, ["$", "*", "?", "aws:username"]);
    // 2008-10-17: variables are literal text.
    assert!(
        keys(r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}}"#)
            .is_empty()
    );
    // Exact-case duplicates collapse, other spellings stay.
    let mut found = keys(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:::bucket/${aws:username}/${AWS:username}",
            "Condition":{"StringEquals":{"aws:username":"${aws:username}","AWS:username":"a"}}}}"#,
    );
    found.sort();
    assert_eq!(found, ["AWS:username", "aws:username"]);
    // Not from Action; a key written as a variable is listed as written.
    assert_eq!(
        keys(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:Get${x}","Resource":"*",
            "Condition":{"StringEquals":{"${aws:username}":"a"}}}}"#
        ),
        ["${aws:username}"]
    );
    // A variable in a numeric condition's value counts too.
    assert_eq!(
        keys(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",
            "Condition":{"NumericEquals":{"aws:MultiFactorAuthAge":"${aws:PrincipalTag/Age}"}}}}"#
        ),
        ["aws:MultiFactorAuthAge", "aws:PrincipalTag/Age"]
    );
}
