//! Unit tests for the model: loading, patterns, decoding details.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::pattern::{Pattern, translate};
use super::*;

fn iam() -> &'static Model {
    Model::iam().unwrap()
}

fn sts() -> &'static Model {
    Model::sts().unwrap()
}

#[test]
fn both_models_load() {
    assert_eq!(iam().metadata().api_version, "2010-05-08");
    assert_eq!(iam().metadata().protocol, "query");
    assert_eq!(sts().metadata().api_version, "2011-06-15");
    assert_eq!(sts().metadata().endpoint_prefix, "sts");
}

#[test]
fn every_pattern_compiles_in_both_models() {
    // Loading compiles them all; this also checks none was skipped.
    for model in [iam(), sts()] {
        let mut expected: Vec<&str> = model
            .shapes()
            .filter_map(|(_, s)| match s.kind() {
                ShapeKind::String(StringShape {
                    pattern: Some(p), ..
                }) => Some(model.pattern(*p).unwrap().source()),
                _ => None,
            })
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(expected.len(), model.patterns().len());
        assert!(!expected.is_empty());
    }
}

#[test]
fn translation_follows_java() {
    assert_eq!(translate(r"[\w+=,.@-]+").unwrap(), "[0-9A-Za-z_+=,.@-]+");
    assert_eq!(
        translate(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)").unwrap(),
        r"(\x{002F})|(\x{002F}[\x{0021}-\x{007E}]+\x{002F})"
    );
    assert_eq!(translate(r"\d{12}").unwrap(), "[0-9]{12}");
    // Java reads `\u10000` as U+1000 followed by `0`.
    assert_eq!(translate(r"\u10000").unwrap(), r"\x{1000}0");
    assert!(translate("a(?!b)").is_err());
}

#[test]
fn patterns_are_anchored_and_ascii_word() {
    let name = Pattern::compile(r"[\w+=,.@-]+").unwrap();
    assert!(name.is_match("alice+ops@example.com"));
    assert!(!name.is_match("bad/name"));
    assert!(!name.is_match(""));
    // Java's `\w` is ASCII: no accented letters.
    assert!(!name.is_match("zoë"));
    let path = Pattern::compile(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)").unwrap();
    assert!(path.is_match("/"));
    assert!(path.is_match("/division_abc/subdivision_xyz/"));
    assert!(!path.is_match("/no-trailing"));
    assert!(!path.is_match("x/"));
    let tag = Pattern::compile(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*").unwrap();
    assert!(tag.is_match("Zoë 42"));
    assert!(!tag.is_match("a&b"));
}

#[test]
fn lookahead_rewrite_is_equivalent() {
    let p = Pattern::compile("^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$").unwrap();
    assert!(p.is_match("abc"));
    assert!(p.is_match("a-b-c"));
    assert!(!p.is_match("a--b"));
    assert!(!p.is_match("-ab"));
    assert!(!p.is_match("ab-"));
    assert!(!p.is_match("ab"));
    assert!(p.is_match(&"a".repeat(63)));
    assert!(!p.is_match(&"a".repeat(64)));
}

#[test]
fn operations_carry_http_and_result_wrapper() {
    let op = iam().operation("CreateUser").unwrap();
    assert_eq!(op.http_method(), "POST");
    assert_eq!(op.request_uri(), "/");
    assert_eq!(op.result_wrapper(), Some("CreateUserResult"));
    let input = iam().shape(op.input().unwrap()).unwrap();
    assert_eq!(input.name(), "CreateUserRequest");
    let ShapeKind::Structure(s) = input.kind() else {
        panic!("not a structure")
    };
    assert!(s.member("UserName").unwrap().is_required());
    assert!(!s.member("Path").unwrap().is_required());
    let errors: Vec<&str> = op
        .errors()
        .iter()
        .map(|id| iam().shape(*id).unwrap().error().unwrap().code.as_str())
        .collect();
    assert!(errors.contains(&"EntityAlreadyExists"));
    assert!(errors.contains(&"LimitExceeded"));
}

#[test]
fn error_shapes_have_codes_and_statuses() {
    let e = iam()
        .error_by_code("NoSuchEntity")
        .unwrap()
        .error()
        .unwrap();
    assert_eq!((e.http_status, e.sender_fault), (404, true));
    let e = iam()
        .error_by_code("EntityAlreadyExists")
        .unwrap()
        .error()
        .unwrap();
    assert_eq!(e.http_status, 409);
    let e = iam()
        .error_by_code("ServiceFailure")
        .unwrap()
        .error()
        .unwrap();
    assert_eq!((e.http_status, e.sender_fault), (500, false));
    let e = sts()
        .error_by_code("ExpiredTokenException")
        .unwrap()
        .error()
        .unwrap();
    assert_eq!(e.http_status, 400);
}

#[test]
fn output_side_names() {
    let op = iam().operation("ListUsers").unwrap();
    assert_eq!(op.result_wrapper(), Some("ListUsersResult"));
    let ShapeKind::Structure(out) = iam().shape(op.output().unwrap()).unwrap().kind() else {
        panic!("not a structure")
    };
    let users = out.member("Users").unwrap();
    assert_eq!(users.wire_name(), "Users");
    let ShapeKind::List(list) = iam().shape(users.shape()).unwrap().kind() else {
        panic!("not a list")
    };
    assert_eq!(list.member().wire_name(), "member");
    assert!(!list.is_flattened());
}

#[test]
fn members_keep_model_order() {
    let op = iam().operation("CreateUser").unwrap();
    let ShapeKind::Structure(s) = iam().shape(op.input().unwrap()).unwrap().kind() else {
        panic!("not a structure")
    };
    let names: Vec<&str> = s.members().iter().map(Member::name).collect();
    assert_eq!(names, ["Path", "UserName", "PermissionsBoundary", "Tags"]);
}

#[test]
fn sensitive_shapes_are_marked() {
    let id = iam().shape_id("passwordType").unwrap();
    assert!(iam().shape(id).unwrap().is_sensitive());
}

#[test]
fn lower_camel_only_lowers_the_first_letter() {
    assert_eq!(lower_camel("UserName"), "userName");
    assert_eq!(
        lower_camel("OpenIDConnectProviderArn"),
        "openIDConnectProviderArn"
    );
    assert_eq!(lower_camel(""), "");
}

#[test]
fn bad_models_are_refused() {
    assert!(matches!(Model::from_json("{}"), Err(ModelError::Json(_))));
    let dangling = r#"{"metadata":{"apiVersion":"1","protocol":"query","serviceId":"X","endpointPrefix":"x"},
        "operations":{"Op":{"name":"Op","http":{"method":"POST","requestUri":"/"},"input":{"shape":"Nope"}}},
        "shapes":{}}"#;
    assert!(matches!(
        Model::from_json(dangling),
        Err(ModelError::UnknownShape { .. })
    ));
}

#[test]
fn base64_blobs() {
    use super::decode::base64_decode;
    assert_eq!(base64_decode("").unwrap(), b"");
    assert_eq!(base64_decode("Zg==").unwrap(), b"f");
    assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
    assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
    assert_eq!(base64_decode("Zm9vYmFy").unwrap(), b"foobar");
    assert!(base64_decode("Zm9").is_none());
    assert!(base64_decode("Zg==Zg==").is_none());
    assert!(base64_decode("Z===").is_none());
    assert!(base64_decode("Zm9!").is_none());
}

#[test]
fn violations_render_like_aws() {
    let v = Violation {
        path: "maxItems".to_owned(),
        value: validate::Shown::Text("0".to_owned()),
        constraint: Constraint::MinValue(1),
    };
    assert_eq!(
        v.to_string(),
        "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    let hidden = Violation {
        value: validate::Shown::Hidden,
        ..v
    };
    assert!(hidden.to_string().starts_with("Value at 'maxItems'"));
}

#[test]
fn negated_shorthands_inside_a_class_unite_as_in_java() {
    let any = Pattern::compile(r"[\s\S]*").unwrap();
    assert!(any.is_match(""));
    assert!(any.is_match("line one\nline two\t{\"json\": true}"));
    let not_space_or_at = Pattern::compile(r"[^\s@]+@[^\s@]+\.[^\s@]+").unwrap();
    assert!(not_space_or_at.is_match("dev@example.com"));
    assert!(!not_space_or_at.is_match("dev @example.com"));
    let digits_or_dash = Pattern::compile(r"[\D-]+").unwrap();
    assert!(digits_or_dash.is_match("ab-"));
    assert!(!digits_or_dash.is_match("a1"));
}
