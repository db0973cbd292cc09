#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use crate::encoding::form_encode;
use proptest::prelude::*;

fn params(text: &str) -> QueryParams {
    QueryParams::decode(text.as_bytes()).unwrap()
}

#[test]
fn decodes_in_order_with_plus_and_escapes() {
    let p =
        params("Action=CreateUser&Version=2010-05-08&UserName=bob+smith%2Bx&Path=%2Fdev%2F&&Flag");
    assert_eq!(p.action().unwrap(), "CreateUser");
    assert_eq!(p.version().unwrap(), Some("2010-05-08"));
    assert_eq!(p.required("UserName").unwrap(), "bob smith+x");
    assert_eq!(p.get("Path").unwrap(), Some("/dev/"));
    assert_eq!(p.get("Flag").unwrap(), Some(""));
    let keys: Vec<&str> = p.pairs().map(|(k, _)| k).collect();
    assert_eq!(keys, ["Action", "Version", "UserName", "Path", "Flag"]);
}

#[test]
fn query_string_and_body_combine() {
    let p = QueryParams::decode_request("Action=GetUser", b"UserName=bob").unwrap();
    assert_eq!(p.action().unwrap(), "GetUser");
    assert_eq!(p.required("UserName").unwrap(), "bob");
}

#[test]
fn malformed_input_is_malformed_query_string() {
    for bad in ["a=%zz", "a=%", "%FF=1", "a=%C3%28"] {
        let err = QueryParams::decode(bad.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "MalformedQueryString", "{bad}");
        assert_eq!(err.status(), 404);
    }
    let err = QueryParams::decode(b"ok=1&bad=%G0").unwrap_err();
    assert_eq!(
        err.to_string(),
        "pair 2 is malformed: invalid percent escape at byte 0"
    );
    assert!(QueryParams::decode(&[b'a', b'=', 0xff]).is_err());
}

#[test]
fn action_errors() {
    assert_eq!(
        params("Version=1").action().unwrap_err(),
        QueryError::MissingAction
    );
    assert_eq!(
        params("Action=").action().unwrap_err().code(),
        "MissingAction"
    );
    assert_eq!(
        params("Action=A&Action=B").action().unwrap_err().code(),
        "ValidationError"
    );
    let invalid = QueryError::InvalidAction {
        action: "Nope".into(),
        version: "2010-05-08".into(),
    };
    assert_eq!(invalid.code(), "InvalidAction");
    assert_eq!(
        invalid.aws_message(),
        "Could not find operation Nope for version 2010-05-08"
    );
}

#[test]
fn missing_parameter_reads_like_aws_validation() {
    let err = params("Action=GetUser").required("UserName").unwrap_err();
    assert_eq!(err.code(), "ValidationError");
    assert_eq!(
        err.aws_message(),
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn lists_are_ordered_by_index_not_arrival() {
    let p = params("Names.member.2=b&Names.member.1=a&Names.member.3=c&Other=x");
    assert_eq!(p.list("Names").unwrap(), ["a", "b", "c"]);
    assert_eq!(p.list("Absent").unwrap(), Vec::<&str>::new());
    assert_eq!(params("Names=").list("Names").unwrap(), Vec::<&str>::new());
}

#[test]
fn list_gaps_and_garbage_are_errors() {
    let cases = [
        (
            "Names.member.1=a&Names.member.3=c",
            QueryError::Gap {
                name: "Names.member.2".into(),
            },
        ),
        (
            "Names.member.2=b",
            QueryError::Gap {
                name: "Names.member.1".into(),
            },
        ),
        (
            "Names.member.0=a",
            QueryError::BadIndex {
                key: "Names.member.0".into(),
            },
        ),
        (
            "Names.member.01=a",
            QueryError::BadIndex {
                key: "Names.member.01".into(),
            },
        ),
        (
            "Names.member.x=a",
            QueryError::BadIndex {
                key: "Names.member.x".into(),
            },
        ),
        (
            "Names.member.-1=a",
            QueryError::BadIndex {
                key: "Names.member.-1".into(),
            },
        ),
        (
            "Names.member.99999999999=a",
            QueryError::BadIndex {
                key: "Names.member.99999999999".into(),
            },
        ),
        (
            "Names.member.1=a&Names.member.1=b",
            QueryError::Duplicate {
                name: "Names.member.1".into(),
            },
        ),
        (
            "Names=a",
            QueryError::NotAList {
                name: "Names".into(),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(params(text).list("Names").unwrap_err(), expected, "{text}");
    }
}

#[test]
fn maps_pair_keys_with_values() {
    let p = params(
        "Attrs.entry.2.key=b&Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.value=2",
    );
    assert_eq!(p.map("Attrs").unwrap(), [("a", "1"), ("b", "2")]);
    assert_eq!(
        params("Attrs.entry.1.key=a").map("Attrs").unwrap_err(),
        QueryError::IncompleteEntry {
            name: "Attrs.entry.1.value".into()
        }
    );
    assert_eq!(
        params("Attrs.entry.1.kee=a").map("Attrs").unwrap_err(),
        QueryError::BadIndex {
            key: "Attrs.entry.1.kee".into()
        }
    );
    assert_eq!(
        params("Attrs.entry.2.key=a&Attrs.entry.2.value=b")
            .map("Attrs")
            .unwrap_err(),
        QueryError::Gap {
            name: "Attrs.entry.1".into()
        }
    );
}

#[test]
fn tags_decode_as_structures() {
    let p = params(
        "Action=TagUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=iam&Tags.member.2.Key=env&Tags.member.2.Value=",
    );
    let tags = p.structs("Tags").unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags[0].required("Key").unwrap(), "team");
    assert_eq!(tags[0].required("Value").unwrap(), "iam");
    assert_eq!(tags[1].required("Key").unwrap(), "env");
    assert_eq!(tags[1].get("Value").unwrap(), Some(""));
    let nested = params("Stmts.member.1.Actions.member.1=a&Stmts.member.1.Actions.member.2=b");
    let stmts = nested.structs("Stmts").unwrap();
    assert_eq!(stmts[0].list("Actions").unwrap(), ["a", "b"]);
    assert_eq!(
        params("Tags.member.1=x").structs("Tags").unwrap_err(),
        QueryError::BadIndex {
            key: "Tags.member.1".into()
        }
    );
    assert_eq!(
        params("Tags.member.2.Key=x").structs("Tags").unwrap_err(),
        QueryError::Gap {
            name: "Tags.member.1".into()
        }
    );
}

proptest! {
    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        if let Ok(p) = QueryParams::decode(&bytes) {
            let _ = p.action();
            let _ = p.list("A");
            let _ = p.map("A");
            let _ = p.structs("A");
        }
    }

    #[test]
    fn encoded_pairs_round_trip(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..8)) {
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v))).collect();
        let decoded = QueryParams::decode(text.join("&").as_bytes()).unwrap();
        prop_assert_eq!(decoded, QueryParams::from_pairs(pairs.clone()));
    }

    #[test]
    fn lists_round_trip(items in proptest::collection::vec("[a-z]{0,5}", 1..10)) {
        let text: Vec<String> = items.iter().enumerate().rev().map(|(i, v)| format!("L.member.{}={v}", i + 1)).collect();
        let decoded = QueryParams::decode(text.join("&").as_bytes()).unwrap();
        prop_assert_eq!(decoded.list("L").unwrap(), items.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
