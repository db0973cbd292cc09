//! JSON-protocol bodies decoded and validated against the embedded Organizations
//! model.

use ironiam_protocol::model::{Constraint, InputError, Model, ShapeKind, StringShape, Value};

fn organizations() -> &'static Model {
    Model::organizations().unwrap()
}

fn decode(operation: &str, body: &str) -> Result<Value, InputError> {
    let model = organizations();
    let op = model.operation(operation).unwrap();
    model
        .decode_json_input(op, body.as_bytes())
        .map(|d| d.value)
}

fn violations(operation: &str, body: &str) -> Vec<(String, Constraint)> {
    match decode(operation, body) {
        Err(InputError::Validation(errors)) => errors
            .violations()
            .iter()
            .map(|v| (v.path.clone(), v.constraint.clone()))
            .collect(),
        other => panic!("expected a validation failure, got {other:?}"),
    }
}

#[test]
fn the_organizations_model_is_json_1_1_with_its_target_prefix() {
    let meta = organizations().metadata();
    assert_eq!(meta.protocol, "json");
    assert_eq!(meta.json_version.as_deref(), Some("1.1"));
    assert_eq!(
        meta.target_prefix.as_deref(),
        Some("AWSOrganizationsV20161128")
    );
    assert_eq!(meta.endpoint_prefix, "organizations");
    assert_eq!(meta.api_version, "2016-11-28");
    // The Query models have no target prefix.
    assert_eq!(Model::iam().unwrap().metadata().target_prefix, None);
}

#[test]
fn every_operation_resolves_and_every_pattern_compiles() {
    let model = organizations();
    let mut count = 0;
    for op in model.operations() {
        for id in op
            .input()
            .into_iter()
            .chain(op.output())
            .chain(op.errors().iter().copied())
        {
            assert!(model.shape(id).is_some(), "{}", op.name());
        }
        for id in op.errors() {
            assert!(model.shape(*id).unwrap().error().is_some(), "{}", op.name());
        }
        // An empty body decodes for every operation; only `required` can fail it.
        match model.decode_json_input(op, b"") {
            Ok(_) => {}
            Err(InputError::Validation(e)) => {
                assert!(e.aws_message().contains("Member must not be null"));
            }
            Err(other) => panic!("{}: {other:?}", op.name()),
        }
        count += 1;
    }
    assert!(count >= 60);
    let patterns = model
        .shapes()
        .filter(|(_, s)| {
            matches!(
                s.kind(),
                ShapeKind::String(StringShape {
                    pattern: Some(_),
                    ..
                })
            )
        })
        .count();
    assert!(patterns > 20);
    assert!(!model.patterns().is_empty());
}

#[test]
fn a_create_account_body_decodes_by_member_name() {
    let value = decode(
        "CreateAccount",
        r#"{"Email": "dev@example.com", "AccountName": "dev", "RoleName": "Admin",
            "Tags": [{"Key": "env", "Value": "dev"}], "Unknown": 1, "IamUserAccessToBilling": null}"#,
    )
    .unwrap();
    assert_eq!(value.str_member("Email"), Some("dev@example.com"));
    assert_eq!(value.str_member("RoleName"), Some("Admin"));
    // A null member is a member left out.
    assert_eq!(value.get("IamUserAccessToBilling"), None);
    let tags = value.get("Tags").and_then(Value::as_list).unwrap();
    assert_eq!(tags[0].str_member("Key"), Some("env"));
}

#[test]
fn unknown_members_are_ignored_and_reported() {
    let model = organizations();
    let op = model.operation("ListRoots").unwrap();
    let decoded = model
        .decode_json_input(op, br#"{"MaxResults": 5, "Extra": {"a": 1}}"#)
        .unwrap();
    assert_eq!(decoded.unknown, vec!["Extra".to_owned()]);
    assert_eq!(
        decoded.value.get("MaxResults").and_then(Value::as_i64),
        Some(5)
    );
}

#[test]
fn wrong_types_are_serialization_errors() {
    for (body, expected) in [
        (
            r#"{"MaxResults": "5"}"#,
            "Expected an integer at 'MaxResults', found a string.",
        ),
        (
            r#"{"MaxResults": 2.5}"#,
            "Expected an integer at 'MaxResults', found a number.",
        ),
        (
            r#"{"MaxResults": 99999999999}"#,
            "Expected an integer at 'MaxResults', found a number.",
        ),
        (
            r#"{"NextToken": ["a"]}"#,
            "Expected a string at 'NextToken', found an array.",
        ),
        (
            "[1, 2]",
            "The request body must be a JSON object, not an array.",
        ),
    ] {
        let err = decode("ListRoots", body).unwrap_err();
        assert_eq!(err.code(), "SerializationException", "{body}");
        assert_eq!(err.status(), 400);
        assert_eq!(err.aws_message(), expected, "{body}");
    }
    let err = decode("ListRoots", "{not json").unwrap_err();
    assert_eq!(err.code(), "SerializationException");
    assert!(
        err.aws_message()
            .starts_with("The request body is not valid JSON")
    );
    let err = decode(
        "CreateAccount",
        r#"{"Email": "a@b.co", "AccountName": "x", "Tags": [null]}"#,
    )
    .unwrap_err();
    assert_eq!(err.aws_message(), "The list element 'Tags[0]' is null.");
}

#[test]
fn deep_nesting_is_refused_without_recursing_forever() {
    let body = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let err = decode("ListRoots", &format!(r#"{{"NextToken": {body}}}"#)).unwrap_err();
    assert_eq!(err.code(), "SerializationException");
}

#[test]
fn model_constraints_are_checked() {
    assert_eq!(
        violations("DescribeAccount", r#"{"AccountId": "12345"}"#),
        vec![(
            "accountId".to_owned(),
            Constraint::Pattern("^\\d{12}$".to_owned())
        )]
    );
    assert_eq!(
        violations("DescribeAccount", "{}"),
        vec![("accountId".to_owned(), Constraint::NotNull)]
    );
    assert_eq!(
        violations("ListAccounts", r#"{"MaxResults": 21}"#),
        vec![("maxResults".to_owned(), Constraint::MaxValue(20))]
    );
    let enum_failure = violations("ListPolicies", r#"{"Filter": "NOT_A_TYPE"}"#);
    assert_eq!(enum_failure.len(), 1);
    assert!(
        matches!(&enum_failure[0].1, Constraint::Enum(values) if values.contains(&"SERVICE_CONTROL_POLICY".to_owned()))
    );
    // The parent pattern accepts a root or an OU, and nothing else.
    assert!(
        decode(
            "ListChildren",
            r#"{"ParentId": "r-ab12", "ChildType": "ACCOUNT"}"#
        )
        .is_ok()
    );
    assert!(
        decode(
            "ListChildren",
            r#"{"ParentId": "ou-ab12-abcdefgh", "ChildType": "ORGANIZATIONAL_UNIT"}"#
        )
        .is_ok()
    );
    let bad_parent = violations(
        "ListChildren",
        r#"{"ParentId": "o-abcdefghij", "ChildType": "ACCOUNT"}"#,
    );
    assert_eq!(bad_parent.len(), 1);
    assert_eq!(bad_parent[0].0, "parentId");
}
