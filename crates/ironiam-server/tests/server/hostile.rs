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
        query: "",
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
