//! Requests decoded and validated against the embedded IAM and STS models,
//! with AWS's exact `ValidationError` messages.

use ironiam_protocol::model::{InputError, Model, Value};
use ironiam_protocol::query::{QueryError, QueryParams};

fn iam() -> &'static Model {
    Model::iam().unwrap()
}

fn run(model: &Model, action: &str, pairs: &[(&str, &str)]) -> Result<Value, InputError> {
    let op = model.operation(action).unwrap();
    let mut all = vec![
        ("Action", action),
        ("Version", &*model.metadata().api_version),
    ];
    all.extend_from_slice(pairs);
    let params = QueryParams::from_pairs(all.iter().copied());
    model.decode_input(op, &params).map(|d| d.value)
}

fn message(model: &Model, action: &str, pairs: &[(&str, &str)]) -> String {
    let err = run(model, action, pairs).unwrap_err();
    assert_eq!(err.code(), "ValidationError", "{err:?}");
    assert_eq!(err.status(), 400);
    err.aws_message()
}

#[test]
fn every_iam_and_sts_operation_resolves() {
    for model in [iam(), Model::sts().unwrap()] {
        let mut count = 0;
        for op in model.operations() {
            assert_eq!(model.operation(op.name()).unwrap().name(), op.name());
            assert_eq!(op.http_method(), "POST");
            for id in op
                .input()
                .into_iter()
                .chain(op.output())
                .chain(op.errors().iter().copied())
            {
                assert!(model.shape(id).is_some());
            }
            for id in op.errors() {
                assert!(model.shape(*id).unwrap().error().is_some(), "{}", op.name());
            }
            if op.output().is_some() {
                assert_eq!(
                    op.result_wrapper(),
                    Some(format!("{}Result", op.name()).as_str())
                );
            }
            // An empty request decodes for every operation; only `required`
            // can fail it.
            let params = QueryParams::from_pairs([("Action", op.name())]);
            match model.decode_input(op, &params) {
                Ok(_) => {}
                Err(InputError::Validation(e)) => assert!(
                    e.aws_message().contains("Member must not be null"),
                    "{}: {}",
                    op.name(),
                    e.aws_message()
                ),
                Err(other) => panic!("{}: {other:?}", op.name()),
            }
            count += 1;
        }
        assert!(count >= 11);
    }
    assert!(iam().operation("CreateUser").is_some());
    assert!(Model::sts().unwrap().operation("AssumeRole").is_some());
    assert!(iam().operation("AssumeRole").is_none());
}

#[test]
fn valid_create_user_decodes() {
    let value = run(
        iam(),
        "CreateUser",
        &[("UserName", "alice"), ("Path", "/ops/")],
    )
    .unwrap();
    assert_eq!(value.str_member("UserName"), Some("alice"));
    assert_eq!(value.str_member("Path"), Some("/ops/"));
    assert_eq!(value.get("Tags"), None);
}

#[test]
fn user_name_too_long() {
    let name = "a".repeat(65);
    assert_eq!(
        message(iam(), "CreateUser", &[("UserName", &name)]),
        format!(
            "1 validation error detected: Value '{name}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"
        )
    );
}

#[test]
fn bad_path_gives_the_pattern_message() {
    assert_eq!(
        message(
            iam(),
            "CreateUser",
            &[("UserName", "alice"), ("Path", "ops")]
        ),
        "1 validation error detected: Value 'ops' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
    );
}

#[test]
fn max_items_range() {
    assert_eq!(
        message(iam(), "ListUsers", &[("MaxItems", "0")]),
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert_eq!(
        message(iam(), "ListUsers", &[("MaxItems", "1001")]),
        "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"
    );
    let ok = run(iam(), "ListUsers", &[("MaxItems", "1000")]).unwrap();
    assert_eq!(ok.get("MaxItems").and_then(Value::as_i64), Some(1000));
}

#[test]
fn missing_required_member_is_value_null() {
    assert_eq!(
        message(iam(), "CreateUser", &[]),
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
    );
    assert_eq!(
        message(
            Model::sts().unwrap(),
            "AssumeRole",
            &[("RoleSessionName", "s1")]
        ),
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn two_errors_use_the_plural_and_semicolons() {
    assert_eq!(
        message(
            iam(),
            "CreateUser",
            &[("UserName", "bad/name"), ("Path", "ops")]
        ),
        "2 validation errors detected: \
         Value 'ops' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); \
         Value 'bad/name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    );
}

#[test]
fn empty_string_breaks_length_and_pattern() {
    assert_eq!(
        message(iam(), "GetUser", &[("UserName", "")]),
        "2 validation errors detected: \
         Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    );
}

#[test]
fn tags_decode_as_a_list_of_structures() {
    let value = run(
        iam(),
        "CreateUser",
        &[
            ("UserName", "alice"),
            ("Tags.member.2.Key", "team"),
            ("Tags.member.2.Value", "ops"),
            ("Tags.member.1.Key", "env"),
            ("Tags.member.1.Value", "prod"),
        ],
    )
    .unwrap();
    let tags = value.get("Tags").and_then(Value::as_list).unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags[0].str_member("Key"), Some("env"));
    assert_eq!(tags[1].str_member("Value"), Some("ops"));
}

#[test]
fn nested_tag_violations_name_the_element() {
    assert_eq!(
        message(
            iam(),
            "CreateUser",
            &[
                ("UserName", "alice"),
                ("Tags.member.1.Key", "env"),
                ("Tags.member.1.Value", "a&b"),
            ]
        ),
        "1 validation error detected: Value 'a&b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"
    );
    assert_eq!(
        message(
            iam(),
            "CreateUser",
            &[("UserName", "alice"), ("Tags.member.1.Value", "x")]
        ),
        "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn list_of_strings_and_empty_list() {
    let value = run(
        iam(),
        "CreateOpenIDConnectProvider",
        &[
            ("Url", "https://example.com"),
            ("ClientIDList.member.1", "a"),
            ("ClientIDList.member.2", "b"),
        ],
    )
    .unwrap();
    let ids: Vec<&str> = value
        .get("ClientIDList")
        .and_then(Value::as_list)
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(ids, ["a", "b"]);
    let empty = run(
        iam(),
        "CreateOpenIDConnectProvider",
        &[("Url", "https://example.com"), ("ClientIDList", "")],
    )
    .unwrap();
    assert_eq!(empty.get("ClientIDList"), Some(&Value::List(vec![])));
}

#[test]
fn list_length_limit() {
    let keys: Vec<(String, String)> = (1..=51)
        .flat_map(|i| {
            [
                (format!("Tags.member.{i}.Key"), format!("k{i}")),
                (format!("Tags.member.{i}.Value"), "v".to_owned()),
            ]
        })
        .collect();
    let mut pairs: Vec<(&str, &str)> = vec![("UserName", "alice")];
    pairs.extend(keys.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let msg = message(iam(), "CreateUser", &pairs);
    assert!(
        msg.starts_with("1 validation error detected: Value '[{Key=k1, Value=v}, "),
        "{msg}"
    );
    assert!(
        msg.ends_with("' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"),
        "{msg}"
    );
}

#[test]
fn maps_decode() {
    let op = iam().operation("PutAccountProperties").unwrap();
    let ironiam_protocol::model::ShapeKind::Structure(s) =
        iam().shape(op.input().unwrap()).unwrap().kind()
    else {
        panic!("not a structure")
    };
    let map_member = s.members().iter().find(|m| {
        matches!(
            iam().shape(m.shape()).unwrap().kind(),
            ironiam_protocol::model::ShapeKind::Map(_)
        )
    });
    let map_member = map_member.unwrap();
    let name = map_member.wire_name().to_owned();
    let k1 = format!("{name}.entry.1.key");
    let v1 = format!("{name}.entry.1.value");
    let params = QueryParams::from_pairs([(k1.as_str(), "a"), (v1.as_str(), "b")]);
    let decoded = ironiam_protocol::model::decode::decode(iam(), op, &params).unwrap();
    let Some(Value::Map(map)) = decoded.value.get(map_member.name()) else {
        panic!("{decoded:?}")
    };
    assert_eq!(map.len(), 1);
    assert!(map.contains_key("a"));
}

#[test]
fn booleans_and_malformed_numbers() {
    let value = run(
        iam(),
        "ListPolicies",
        &[("OnlyAttached", "true"), ("Scope", "Local")],
    )
    .unwrap();
    assert_eq!(
        value.get("OnlyAttached").and_then(Value::as_bool),
        Some(true)
    );
    let err = run(iam(), "ListPolicies", &[("OnlyAttached", "yes")]).unwrap_err();
    assert!(matches!(err, InputError::Malformed { .. }));
    let err = run(iam(), "ListUsers", &[("MaxItems", "ten")]).unwrap_err();
    assert_eq!(err.code(), "ValidationError");
    assert_eq!(err.status(), 400);
}

#[test]
fn enum_violation() {
    assert_eq!(
        message(iam(), "ListPolicies", &[("Scope", "Everything")]),
        "1 validation error detected: Value 'Everything' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"
    );
}

#[test]
fn sensitive_values_are_not_echoed() {
    let long = "p".repeat(200);
    let msg = message(
        iam(),
        "CreateLoginProfile",
        &[("UserName", "alice"), ("Password", &long)],
    );
    assert_eq!(
        msg,
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128"
    );
}

#[test]
fn unknown_parameters_are_ignored_and_reported() {
    let op = iam().operation("CreateUser").unwrap();
    let params = QueryParams::from_pairs([
        ("Action", "CreateUser"),
        ("UserName", "alice"),
        ("Colour", "blue"),
        ("Tags.member.1.Key", "k"),
        ("Tags.member.1.Value", "v"),
        ("Tags.member.1.Extra", "x"),
    ]);
    let decoded = iam().decode_input(op, &params).unwrap();
    assert_eq!(decoded.unknown, ["Colour", "Tags.member.1.Extra"]);
}

#[test]
fn structural_errors_keep_query_codes() {
    let err = run(
        iam(),
        "CreateUser",
        &[
            ("UserName", "alice"),
            ("Tags.member.2.Key", "k"),
            ("Tags.member.2.Value", "v"),
        ],
    )
    .unwrap_err();
    assert!(
        matches!(err, InputError::Query(QueryError::Gap { .. })),
        "{err:?}"
    );
    let err = run(iam(), "CreateUser", &[("UserName", "a"), ("UserName", "b")]).unwrap_err();
    assert!(matches!(
        err,
        InputError::Query(QueryError::Duplicate { .. })
    ));
    let err = run(iam(), "CreateUser", &[("UserName", "a"), ("Tags", "x")]).unwrap_err();
    assert!(matches!(
        err,
        InputError::Query(QueryError::NotAList { .. })
    ));
    let err = run(
        iam(),
        "CreateUser",
        &[("UserName", "a"), ("Tags.member.x.Key", "k")],
    )
    .unwrap_err();
    assert!(matches!(
        err,
        InputError::Query(QueryError::BadIndex { .. })
    ));
}

#[test]
fn sts_assume_role_with_policy_arns_and_tags() {
    let sts = Model::sts().unwrap();
    let value = run(
        sts,
        "AssumeRole",
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/demo"),
            ("RoleSessionName", "s1"),
            ("DurationSeconds", "3600"),
            (
                "PolicyArns.member.1.arn",
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
            ),
            ("Tags.member.1.Key", "k"),
            ("Tags.member.1.Value", "v"),
        ],
    )
    .unwrap();
    assert_eq!(
        value.get("DurationSeconds").and_then(Value::as_i64),
        Some(3600)
    );
    assert_eq!(
        value
            .get("PolicyArns")
            .and_then(Value::as_list)
            .map(<[_]>::len),
        Some(1)
    );
    assert_eq!(
        message(
            sts,
            "AssumeRole",
            &[
                ("RoleArn", "arn:aws:iam::123456789012:role/demo"),
                ("RoleSessionName", "s1"),
                ("DurationSeconds", "899"),
            ]
        ),
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn key() -> impl Strategy<Value = String> {
        let segment = prop_oneof![
            Just("UserName".to_owned()),
            Just("Path".to_owned()),
            Just("Tags".to_owned()),
            Just("member".to_owned()),
            Just("entry".to_owned()),
            Just("Key".to_owned()),
            Just("Value".to_owned()),
            Just("MaxItems".to_owned()),
            "[0-9]{1,2}",
            "[a-z]{0,3}",
        ];
        proptest::collection::vec(segment, 1..5).prop_map(|s| s.join("."))
    }

    proptest! {
        /// Any parameters decode to a value or a typed error, never a panic,
        /// and every validation message has AWS's shape.
        #[test]
        fn decode_is_total(pairs in proptest::collection::vec((key(), "[a-z/0-9]{0,5}"), 0..12)) {
            for action in ["CreateUser", "ListUsers", "TagUser"] {
                let op = iam().operation(action).unwrap();
                let params = QueryParams::from_pairs(pairs.iter().cloned());
                match iam().decode_input(op, &params) {
                    Ok(_) => {}
                    Err(InputError::Validation(e)) => {
                        let n = e.violations().len();
                        prop_assert!(n > 0);
                        let msg = e.aws_message();
                        let prefix = format!("{n} validation error");
                        prop_assert!(msg.starts_with(&prefix));
                        prop_assert_eq!(msg.matches("failed to satisfy constraint").count(), n);
                    }
                    Err(other) => prop_assert_eq!(other.status(), 400),
                }
            }
        }
    }
}
