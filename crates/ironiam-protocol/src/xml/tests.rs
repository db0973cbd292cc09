#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use proptest::prelude::*;

#[test]
fn error_document_matches_aws_shape() {
    let doc = error_response(
        STS_NAMESPACE,
        Fault::Sender,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
        "89b682e5-ac18-4fac-a917-2155723ed59b",
    );
    assert_eq!(
        doc,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error><RequestId>89b682e5-ac18-4fac-a917-2155723ed59b</RequestId></ErrorResponse>"
    );
    assert_eq!(Fault::from_status(503), Fault::Receiver);
    assert_eq!(Fault::from_status(403), Fault::Sender);
}

#[test]
fn success_response_with_nested_members() {
    let names = ActionNames {
        response: "ListUsersResponse",
        result: "ListUsersResult",
    };
    let users = [("bob", "/"), ("a<b&c", "/x/")];
    let doc = success_response(names, IAM_NAMESPACE, "req-1", |w| {
        w.members("Users", users, |w, (name, path)| {
            w.element("UserName", name).element("Path", path);
        });
        w.element("IsTruncated", "false");
        w.optional_element("Marker", None);
    });
    assert_eq!(
        doc,
        "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListUsersResult><Users><member><UserName>bob</UserName><Path>/</Path></member><member><UserName>a&lt;b&amp;c</UserName><Path>/x/</Path></member></Users><IsTruncated>false</IsTruncated></ListUsersResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ListUsersResponse>"
    );
}

#[test]
fn empty_response_has_only_metadata() {
    assert_eq!(
        empty_response("DeleteUserResponse", IAM_NAMESPACE, "r"),
        "<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteUserResponse>"
    );
}

#[test]
fn escaping() {
    let mut out = String::new();
    escape_text("a&b<c>d\"e'f\u{0}g\r", &mut out);
    assert_eq!(out, "a&amp;b&lt;c&gt;d\"e'f\u{FFFD}g&#xD;");
    let mut out = String::new();
    escape_attr("a\"b'c\td\n&", &mut out);
    assert_eq!(out, "a&quot;b&apos;c&#x9;d&#xA;&amp;");
}

#[test]
fn writer_balances_and_string_members() {
    let mut w = XmlWriter::new();
    w.start("A").string_members("L", ["x", "<y>"]).start("B");
    w.end().end().end();
    assert_eq!(
        w.finish(),
        "<A><L><member>x</member><member>&lt;y&gt;</member></L><B></B></A>"
    );
    let mut w = XmlWriter::new();
    w.start("A").start("B").text("t");
    assert_eq!(w.finish(), "<A><B>t</B></A>");
}

proptest! {
    #[test]
    fn escaped_text_has_no_markup(text in any::<String>()) {
        let mut out = String::new();
        escape_text(&text, &mut out);
        prop_assert!(!out.contains('<') && !out.contains('>'));
        prop_assert!(out.chars().all(is_xml_char));
        // Every `&` starts an entity we wrote.
        for (i, _) in out.match_indices('&') {
            let rest = &out[i..];
            prop_assert!(["&amp;", "&lt;", "&gt;", "&#xD;"].iter().any(|e| rest.starts_with(e)));
        }
    }

    #[test]
    fn escaped_attr_has_no_quotes(text in any::<String>()) {
        let mut out = String::new();
        escape_attr(&text, &mut out);
        prop_assert!(!out.contains('"') && !out.contains('<') && !out.contains('\n'));
    }
}
