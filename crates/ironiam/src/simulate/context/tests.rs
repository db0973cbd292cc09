#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use ironiam_policy::{Context, ValueType};

use super::{add_aws_entries, add_cli_entries, add_mfa, add_no_mfa, parse_list, parse_single};

#[test]
fn well_known_keys_get_their_documented_type() {
    let (key, value) = parse_single("aws:MultiFactorAuthPresent=true").unwrap();
    assert_eq!(key, "aws:MultiFactorAuthPresent");
    assert_eq!(value.value_type, ValueType::Boolean);
    assert!(!value.multivalued);
    let (_, value) = parse_single("aws:MultiFactorAuthAge=300").unwrap();
    assert_eq!(value.value_type, ValueType::Numeric);
    let (_, value) = parse_single("aws:SourceIp=203.0.113.7").unwrap();
    assert_eq!(value.value_type, ValueType::Ip);
    let (_, value) = parse_single("aws:PrincipalTag/team=blue").unwrap();
    assert_eq!(value.value_type, ValueType::String);
}

#[test]
fn an_explicit_type_follows_the_key() {
    let (key, value) = parse_single("ec2:ResourceTag/cost:numeric=12.5").unwrap();
    assert_eq!(key, "ec2:ResourceTag/cost");
    assert_eq!(value.value_type, ValueType::Numeric);
    assert_eq!(value.values, ["12.5"]);
    // Values may hold colons and `=`: only the first `=` splits.
    let (_, value) = parse_single("aws:CurrentTime=2024-05-01T12:00:00Z").unwrap();
    assert_eq!(value.value_type, ValueType::Date);
    let (_, value) = parse_single("s3:x-amz-content-sha256:binary=aGVsbG8=").unwrap();
    assert_eq!(value.values, ["aGVsbG8="]);
}

#[test]
fn values_must_read_as_their_type() {
    for bad in [
        "aws:MultiFactorAuthPresent=yes",
        "aws:MultiFactorAuthAge=soon",
        "aws:SourceIp=10.0.0.300",
        "aws:SourceIp=10.0.0.0/33",
        "aws:CurrentTime=yesterday",
        "aws:CurrentTime=2024-13-01",
        "s3:x:binary=not base64!",
    ] {
        let error = parse_single(bad).unwrap_err().to_string();
        assert!(error.contains("is not a"), "{bad}: {error}");
    }
}

#[test]
fn malformed_entries_are_refused() {
    assert!(parse_single("aws:MultiFactorAuthPresent").is_err());
    assert!(parse_single("=true").is_err());
    assert!(parse_single("NoService=1").is_err());
    let error = parse_single("aws:TagKeys:stringList=a")
        .unwrap_err()
        .to_string();
    assert!(error.contains("--context-list"), "{error}");
}

#[test]
fn lists_split_on_commas_and_may_be_empty() {
    let (_, value) = parse_list("aws:TagKeys=env,team").unwrap();
    assert!(value.multivalued);
    assert_eq!(value.values, ["env", "team"]);
    let (_, value) = parse_list("aws:TagKeys=").unwrap();
    assert!(value.multivalued && value.values.is_empty());
    let (_, value) = parse_list("aws:SourceIp:ipList=10.0.0.1,192.0.2.0/24").unwrap();
    assert_eq!(value.value_type, ValueType::Ip);
    assert!(parse_list("ec2:x:numericList=1,two").is_err());
}

#[test]
fn a_key_given_twice_is_refused_in_any_case() {
    let mut context = Context::new();
    let singles = vec![
        "aws:SourceIp=10.0.0.1".to_string(),
        "AWS:SOURCEIP=10.0.0.2".to_string(),
    ];
    assert!(add_cli_entries(&mut context, &singles, &[]).is_err());
}

#[test]
fn mfa_flags_leave_explicit_entries_alone() {
    let mut context = Context::new();
    add_cli_entries(
        &mut context,
        &["aws:MultiFactorAuthAge=900".to_string()],
        &[],
    )
    .unwrap();
    add_mfa(&mut context);
    assert_eq!(
        context.get("aws:MultiFactorAuthAge").unwrap().values,
        ["900"]
    );
    assert_eq!(
        context.get("aws:MultiFactorAuthPresent").unwrap().values,
        ["true"]
    );

    let mut context = Context::new();
    add_no_mfa(&mut context);
    assert_eq!(
        context.get("aws:MultiFactorAuthPresent").unwrap().values,
        ["false"]
    );
    assert!(context.get("aws:MultiFactorAuthAge").is_none());
}

#[test]
fn aws_entries_follow_context_key_type() {
    let entries = serde_json::from_str(
        r#"[
          {"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": [true], "ContextKeyType": "boolean"},
          {"ContextKeyName": "aws:TagKeys", "ContextKeyValues": ["env"], "ContextKeyType": "stringList"},
          {"ContextKeyName": "aws:MultiFactorAuthAge", "ContextKeyValues": [60]},
          {"ContextKeyName": "ec2:InstanceType", "ContextKeyValues": ["t3.micro", "t3.small"]}
        ]"#,
    )
    .unwrap();
    let mut context = Context::new();
    add_aws_entries(&mut context, entries).unwrap();
    let mfa = context.get("aws:multifactorauthpresent").unwrap();
    assert_eq!(
        (mfa.value_type, mfa.multivalued),
        (ValueType::Boolean, false)
    );
    let tags = context.get("aws:TagKeys").unwrap();
    assert!(tags.multivalued);
    let age = context.get("aws:MultiFactorAuthAge").unwrap();
    assert_eq!(
        (age.value_type, age.values.as_slice()),
        (ValueType::Numeric, &["60".to_string()][..])
    );
    assert!(context.get("ec2:InstanceType").unwrap().multivalued);
}

#[test]
fn aws_entries_with_a_bad_type_or_arity_are_refused() {
    for entries in [
        r#"[{"ContextKeyName": "k:x", "ContextKeyValues": ["a"], "ContextKeyType": "text"}]"#,
        r#"[{"ContextKeyName": "k:x", "ContextKeyValues": ["a", "b"], "ContextKeyType": "string"}]"#,
        r#"[{"ContextKeyName": "k:x", "ContextKeyValues": ["maybe"], "ContextKeyType": "boolean"}]"#,
        r#"[{"ContextKeyName": "k:x", "ContextKeyValues": [{"a": 1}]}]"#,
    ] {
        let mut context = Context::new();
        assert!(
            add_aws_entries(&mut context, serde_json::from_str(entries).unwrap()).is_err(),
            "{entries}"
        );
    }
}
