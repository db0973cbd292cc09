#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use proptest::prelude::*;

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn now() -> UnixTime {
    UnixTime::parse_amz_date("20150830T123600Z").unwrap()
}

fn keys(id: &str) -> Option<SecretKey> {
    (id == "AKIDEXAMPLE").then(|| SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
}

fn run(headers: &[(&str, &str)], query: &str, body: &[u8]) -> Result<VerifiedRequest, SigV4Error> {
    let query = QueryParams::decode(query.as_bytes()).unwrap();
    let request = Request {
        method: "GET",
        path: "/",
        query: &query,
        headers,
        body,
    };
    verify(&request, now(), &keys, ExpectedScope::default())
}

fn vanilla(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        ("Host", "example.amazonaws.com"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Authorization", AUTH),
    ];
    headers.extend_from_slice(extra);
    headers
}

#[test]
fn vanilla_verifies() {
    let verified = run(&vanilla(&[]), "", b"").unwrap();
    assert_eq!(verified.access_key_id, "AKIDEXAMPLE");
    assert_eq!(
        verified.scope.to_scope_string(),
        "20150830/us-east-1/service/aws4_request"
    );
}

#[test]
fn no_authentication_at_all() {
    let err = run(
        &[("Host", "example.amazonaws.com")],
        "Action=ListUsers",
        b"",
    )
    .unwrap_err();
    assert_eq!(err, SigV4Error::MissingAuthenticationToken);
    assert_eq!(err.code(), "MissingAuthenticationToken");
    assert_eq!(err.status(), 403);
    assert_eq!(err.aws_message(), "Request is missing Authentication Token");
}

#[test]
fn non_sigv4_authorization_lists_every_missing_part() {
    let err = run(&[("Host", "h"), ("Authorization", "Bearer abc")], "", b"").unwrap_err();
    assert_eq!(err.code(), "IncompleteSignature");
    assert_eq!(err.status(), 400);
    assert_eq!(
        err.aws_message(),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    );
    assert!(!err.aws_message().contains("abc"));
}

#[test]
fn malformed_authorization_components() {
    let cases = [
        (
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders",
            "MalformedPair",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=x, Credential=y, SignedHeaders=host, Signature=00",
            "DuplicatePart",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam, SignedHeaders=host, Signature=00",
            "MalformedCredential",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws5_request, SignedHeaders=host, Signature=00",
            "BadTerminator",
        ),
        (
            "AWS4-ECDSA-P256-SHA256 Credential=AKID/20150830/iam/aws4_request",
            "UnsupportedAlgorithm",
        ),
    ];
    for (value, expected) in cases {
        let headers = [
            ("Host", "h"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", value),
        ];
        let err = run(&headers, "", b"").unwrap_err();
        let SigV4Error::IncompleteSignature(reason) = &err else {
            panic!("{value}: {err:?}")
        };
        assert!(
            format!("{reason:?}").starts_with(expected),
            "{value}: {reason:?}"
        );
        assert_eq!(err.status(), 400);
    }
}

#[test]
fn bad_and_duplicate_dates() {
    let err = run(
        &[
            ("Host", "h"),
            ("X-Amz-Date", "2015-08-30"),
            ("Authorization", AUTH),
        ],
        "",
        b"",
    )
    .unwrap_err();
    assert_eq!(
        err.aws_message(),
        "Date must be in ISO-8601 'basic format'. Got '2015-08-30'. See http://en.wikipedia.org/wiki/ISO_8601"
    );
    let err = run(&vanilla(&[("X-Amz-Date", "20150830T123600Z")]), "", b"").unwrap_err();
    assert_eq!(err, IncompleteSignature::Duplicate("X-Amz-Date").into());
}

#[test]
fn skew_messages_follow_aws() {
    let request = Request {
        method: "GET",
        path: "/",
        query: &QueryParams::default(),
        headers: &vanilla(&[]),
        body: b"",
    };
    let later = now().saturating_add(20 * 60);
    let err = verify(&request, later, &keys, ExpectedScope::default()).unwrap_err();
    assert_eq!(err.status(), 403);
    assert_eq!(
        err.aws_message(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)"
    );
    let earlier = now().saturating_add(-20 * 60);
    let err = verify(&request, earlier, &keys, ExpectedScope::default()).unwrap_err();
    assert_eq!(
        err.aws_message(),
        "Signature not yet current: 20150830T123600Z is still later than 20150830T123100Z (20150830T121600Z + 15 min.)"
    );
}

#[test]
fn scope_date_must_match_request_date() {
    let auth = AUTH.replace("20150830/", "20150831/");
    let headers = [
        ("Host", "example.amazonaws.com"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Authorization", auth.as_str()),
    ];
    let err = run(&headers, "", b"").unwrap_err();
    assert_eq!(
        err.aws_message(),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'."
    );
}

#[test]
fn host_must_be_signed() {
    let auth = AUTH.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date");
    let headers = [
        ("Host", "h"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Authorization", auth.as_str()),
    ];
    assert_eq!(
        run(&headers, "", b"").unwrap_err(),
        Mismatch::HostNotSigned.into()
    );
}

#[test]
fn content_sha256_must_match_the_body() {
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    // Claiming the empty-body hash while sending a body is caught before the
    // signature, even though the header is not signed here.
    let err = run(
        &vanilla(&[("X-Amz-Content-Sha256", empty)]),
        "",
        b"tampered",
    )
    .unwrap_err();
    assert_eq!(err, SigV4Error::ContentSha256Mismatch);
    assert_eq!(err.code(), "XAmzContentSHA256Mismatch");
    // The right hash is accepted.
    assert!(run(&vanilla(&[("X-Amz-Content-Sha256", empty)]), "", b"").is_ok());
}

#[test]
fn both_auth_forms_at_once_is_rejected() {
    let err = run(&vanilla(&[]), "X-Amz-Algorithm=AWS4-HMAC-SHA256", b"").unwrap_err();
    assert_eq!(err, IncompleteSignature::MultipleAuthMechanisms.into());
}

#[test]
fn presigned_parameter_errors() {
    let host = [("Host", "example.amazonaws.com")];
    let cases = [
        (
            "X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fiam%2Faws4_request",
            "AWS query-string parameters must include 'X-Amz-Algorithm'. Re-examine the query-string parameters.",
        ),
        (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters.",
        ),
        (
            "X-Amz-Algorithm=HMAC",
            "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"",
        ),
        (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2Fb%2Fc%2Fd%2Faws4_request&X-Amz-Signature=00&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=week",
            "X-Amz-Expires should be a number",
        ),
        (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2Fb%2Fc%2Fd%2Faws4_request&X-Amz-Signature=00&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=604801",
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        ),
        (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "'X-Amz-Algorithm' must not be specified more than once.",
        ),
    ];
    for (query, message) in cases {
        let err = run(&host, query, b"").unwrap_err();
        assert_eq!(err.aws_message(), message, "{query}");
        assert_eq!(err.code(), "IncompleteSignature");
    }
}

#[test]
fn unknown_key_and_wrong_signature_messages() {
    let none = |_: &str| None;
    let request = Request {
        method: "GET",
        path: "/",
        query: &QueryParams::default(),
        headers: &vanilla(&[]),
        body: b"",
    };
    let err = verify(&request, now(), &none, ExpectedScope::default()).unwrap_err();
    assert_eq!(
        err.aws_message(),
        "The security token included in the request is invalid."
    );
    assert_eq!(err.status(), 403);
    let err = run(&vanilla(&[]), "", b"x").unwrap_err();
    assert_eq!(err.aws_message(), SIGNATURE_MISMATCH_MESSAGE);
    assert_eq!(err.status(), 403);
}

#[test]
fn debug_output_never_shows_secrets_or_signatures() {
    let secret = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    assert!(!format!("{secret:?}").contains("wJal"));
    let headers = vanilla(&[("X-Amz-Security-Token", "TOKENVALUE")]);
    let request = Request {
        method: "GET",
        path: "/",
        query: &QueryParams::default(),
        headers: &headers,
        body: b"",
    };
    let inputs = prepare(&request).unwrap();
    let debug = format!("{inputs:?}");
    assert!(!debug.contains("5fa00fa3"), "{debug}");
    let verified = verify(&request, now(), &keys, ExpectedScope::default()).unwrap();
    let debug = format!("{verified:?}");
    assert!(!debug.contains("TOKENVALUE"), "{debug}");
    assert_eq!(verified.security_token.unwrap().as_str(), "TOKENVALUE");
    for err in [
        run(&vanilla(&[]), "", b"x").unwrap_err(),
        verify(
            &request,
            now().saturating_add(3600),
            &keys,
            ExpectedScope::default(),
        )
        .unwrap_err(),
    ] {
        let shown = format!("{err} {err:?} {}", err.aws_message());
        assert!(
            !shown.contains("5fa00fa3") && !shown.contains("wJal"),
            "{shown}"
        );
    }
}

#[test]
fn canonical_uri_normalizes_like_the_suite() {
    for (path, expected) in [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/./", "/"),
        ("/example/..", "/"),
        ("/a/b/..", "/a/"),
        ("/a/./b", "/a/b"),
        ("//example//", "/example/"),
        ("/../..", "/"),
        ("/example space/", "/example%20space/"),
        ("/%E1%88%B4", "/%25E1%2588%25B4"),
        ("relative", "/relative"),
    ] {
        assert_eq!(canonical_uri(path), expected, "{path}");
    }
}

#[test]
fn canonical_query_sorts_and_reencodes() {
    let canonical = |raw: &str, exclude| {
        canonical_query(&QueryParams::decode(raw.as_bytes()).unwrap(), exclude)
    };
    assert_eq!(canonical("b=2&a=1&a=0", false), "a=0&a=1&b=2");
    // `+` is a space, as the operation reads it; `%2B` is a plus.
    assert_eq!(canonical("a&b=&&c=%7e+", false), "a=&b=&c=~%20");
    assert_eq!(canonical("c=%2B", false), "c=%2B");
    assert_eq!(canonical("X-Amz-Signature=ff&a=1", true), "a=1");
    // A malformed escape is no query at all: the decoder refuses it.
    assert!(QueryParams::decode(b"%zz=1").is_err());
}

proptest! {
    #[test]
    fn verify_never_panics(
        method in "[A-Z]{0,6}",
        path in any::<String>(),
        query in any::<String>(),
        headers in proptest::collection::vec((any::<String>(), any::<String>()), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..32),
        secs in any::<i64>(),
    ) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let query = QueryParams::decode(query.as_bytes()).unwrap_or_default();
        let request = Request { method: &method, path: &path, query: &query, headers: &headers, body: &body };
        let _ = verify(&request, UnixTime::from_secs(secs), &keys, ExpectedScope::default());
    }

    #[test]
    fn near_miss_authorization_headers_never_panic(
        tail in "[A-Za-z0-9=/;, _-]{0,80}",
        date in "[0-9TZ]{0,17}",
    ) {
        let auth = format!("AWS4-HMAC-SHA256 {tail}");
        let headers = [("Host", "h"), ("X-Amz-Date", date.as_str()), ("Authorization", auth.as_str())];
        let _ = run(&headers, "", b"");
    }
}
