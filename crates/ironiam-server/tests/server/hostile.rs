//! Hostile clients on the handler level (issue 10): requests whose signature is
//! reused for something it did not sign, the reset endpoint from a browser, the
//! sign-in throttle and Argon2 under parallel attempts.

use axum::body::Body;
use axum::http::Request;
use ironiam_protocol::sigv4::{self, SecretKey};
use ironiam_protocol::time::UnixTime;

use crate::harness::*;
use crate::organizations::{TARGET_PREFIX, send_json};

/// A JSON 1.1 request signed over `signed` headers only (lowercase names, sorted), as
/// a client that leaves some headers out of `SignedHeaders` would send it. The
/// headers sent are those of a normal call; `sent_target` replaces the signed target
/// on the wire afterwards (an attacker's edit of a captured request).
fn json_signed_over(signed: &[&str], target: &str, sent_target: &str, body: &str) -> Request<Body> {
    let amz_date = UnixTime::from_secs(NOW).to_amz_date();
    let scope = format!("{}/us-east-1/organizations/aws4_request", &amz_date[..8]);
    let all = [
        ("content-type", "application/x-amz-json-1.1"),
        ("host", "organizations.us-east-1.amazonaws.com"),
        ("x-amz-date", amz_date.as_str()),
        ("x-amz-target", target),
    ];
    let signed_list = signed.join(";");
    let auth = |signature: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential={ROOT_ID}/{scope}, SignedHeaders={signed_list}, Signature={signature}"
        )
    };
    let placeholder = auth(&"0".repeat(64));
    let mut headers: Vec<(&str, &str)> = all.to_vec();
    headers.push(("authorization", &placeholder));
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "POST",
        path: "/",
        query: &Default::default(),
        headers: &headers,
        body: body.as_bytes(),
    })
    .unwrap();
    let signature = inputs.signature_for(&SecretKey::new(ROOT_SECRET)).unwrap();
    let mut builder = Request::builder().method("POST").uri("/");
    for (name, value) in all {
        let value = if name == "x-amz-target" {
            sent_target
        } else {
            value
        };
        builder = builder.header(name, value);
    }
    builder
        .header("authorization", auth(&signature))
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn a_captured_json_call_cannot_become_another_operation() {
    let h = harness();
    let describe = format!("{TARGET_PREFIX}.DescribeOrganization");
    let create = format!("{TARGET_PREFIX}.CreateOrganization");
    // Signed without X-Amz-Target, then retargeted: refused, and nothing created.
    let signed = ["content-type", "host", "x-amz-date"];
    let reply = send_json(&h, json_signed_over(&signed, &describe, &create, "{}")).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.code(), "InvalidSignatureException");
    assert!(
        reply
            .message()
            .contains("'X-Amz-Target' must be a 'SignedHeader'"),
        "{}",
        reply.message()
    );
    let check = send_json(&h, json_signed_over(&signed, &describe, &describe, "{}")).await;
    assert_eq!(
        check.code(),
        "InvalidSignatureException",
        "unsigned target refused even unchanged"
    );
    let org = crate::organizations::org_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "DescribeOrganization",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        org.code(),
        "AWSOrganizationsNotInUseException",
        "{}",
        org.body
    );

    // Variant: X-Amz-Target signed but Content-Type not.
    let signed = ["host", "x-amz-date", "x-amz-target"];
    let reply = send_json(&h, json_signed_over(&signed, &describe, &describe, "{}")).await;
    assert_eq!(reply.code(), "InvalidSignatureException");
    assert!(
        reply.message().contains("'Content-Type'"),
        "{}",
        reply.message()
    );

    // Both signed: the ordinary call works.
    let signed = ["content-type", "host", "x-amz-date", "x-amz-target"];
    let reply = send_json(&h, json_signed_over(&signed, &create, &create, "{}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// A presigned GET URL's query (`?` not included) for `params`, each given already
/// encoded as it goes on the wire, signed by root.
fn presigned_query(params: &[(&str, &str)]) -> String {
    let amz_date = UnixTime::from_secs(NOW).to_amz_date();
    let credential = format!(
        "{ROOT_ID}%2F{}%2Fus-east-1%2Fiam%2Faws4_request",
        &amz_date[..8]
    );
    let mut raw: Vec<String> = vec![
        "X-Amz-Algorithm=AWS4-HMAC-SHA256".to_owned(),
        format!("X-Amz-Credential={credential}"),
        format!("X-Amz-Date={amz_date}"),
        "X-Amz-Expires=300".to_owned(),
        "X-Amz-SignedHeaders=host".to_owned(),
    ];
    raw.extend(params.iter().map(|(k, v)| format!("{k}={v}")));
    let unsigned = raw.join("&");
    let with_placeholder = format!("{unsigned}&X-Amz-Signature={}", "0".repeat(64));
    let query = sigv4::QueryParams::decode(with_placeholder.as_bytes()).unwrap();
    let headers = [("host", "iam.amazonaws.com")];
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "GET",
        path: "/",
        query: &query,
        headers: &headers,
        body: b"",
    })
    .unwrap();
    let signature = inputs.signature_for(&SecretKey::new(ROOT_SECRET)).unwrap();
    format!("{unsigned}&X-Amz-Signature={signature}")
}

fn get(query: &str) -> Request<Body> {
    Request::builder()
        .method("GET")
        .uri(format!("/?{query}"))
        .header("host", "iam.amazonaws.com")
        .body(Body::empty())
        .unwrap()
}

fn create_tagged(user: &str, value: &str) -> Vec<(String, String)> {
    [
        ("Action", "CreateUser"),
        ("Version", "2010-05-08"),
        ("UserName", user),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", value),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

fn refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn tag_of(h: &Harness, user: &str) -> Option<String> {
    let reply = h.root("ListUserTags", &[("UserName", user)]).await;
    reply.field("Value").map(str::to_owned)
}

#[tokio::test]
async fn a_presigned_url_value_cannot_be_changed_by_swapping_plus_and_percent_2b() {
    let h = harness();
    // Signed for the tag value `a+b` (sent as `a%2Bb`), then sent with `a+b`, which a
    // form decoder reads as `a b`: the signature must no longer match.
    let signed = presigned_query(&refs(&create_tagged("alice", "a%2Bb")));
    let tampered = signed.replace("a%2Bb", "a+b");
    let reply = h.send(get(&tampered)).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(
        h.root("GetUser", &[("UserName", "alice")]).await.code(),
        Some("NoSuchEntity")
    );
    // Untampered, the URL creates the user with the value it was signed for.
    let reply = h.send(get(&signed)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(tag_of(&h, "alice").await.as_deref(), Some("a+b"));

    // Variant: a name's `+` swapped the other way (`%2B` sent for a signed `+`).
    let signed = presigned_query(&refs(&create_tagged("bob", "a+b")));
    let reply = h.send(get(&signed.replace("a+b", "a%2Bb"))).await;
    assert_eq!(
        reply.code(),
        Some("SignatureDoesNotMatch"),
        "{}",
        reply.body
    );
    // ...while `+` and `%20`, one value on both sides, are the same signed request.
    let reply = h.send(get(&signed.replace("a+b", "a%20b"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(tag_of(&h, "bob").await.as_deref(), Some("a b"));
}

#[tokio::test]
async fn a_form_body_reads_plus_as_space_and_is_covered_by_the_signature() {
    let h = harness();
    let form_body = |user: &str, value: &str| {
        format!(
            "Action=CreateUser&Version=2010-05-08&UserName={user}&Tags.member.1.Key=team&Tags.member.1.Value={value}"
        )
    };
    // `%20` and `+` are both a space in a form body, `%2B` a plus.
    for (user, wire, read) in [
        ("u1", "a%20b", "a b"),
        ("u2", "a+b", "a b"),
        ("u3", "a%2Bb", "a+b"),
    ] {
        let reply = h
            .send(signed(&form_body(user, wire), ROOT_ID, ROOT_SECRET, NOW))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(tag_of(&h, user).await.as_deref(), Some(read), "{wire}");
    }
    // The body's bytes are signed: swapping `%2B` for `+` after signing is refused.
    let request = signed(&form_body("u4", "a%2Bb"), ROOT_ID, ROOT_SECRET, NOW);
    let (parts, _) = request.into_parts();
    let tampered = Request::from_parts(parts, Body::from(form_body("u4", "a+b")));
    let reply = h.send(tampered).await;
    assert_eq!(
        reply.code(),
        Some("SignatureDoesNotMatch"),
        "{}",
        reply.body
    );
}
