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

mod signin {
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::time::Duration;

    use axum::body::{Body, to_bytes};
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    use ironiam_server::clock::FixedClock;
    use ironiam_server::{AppState, Config, router};
    use tower::ServiceExt;

    use crate::console::{Browser, ROOT_PASSWORD, console_harness, console_user};
    use crate::harness::*;

    const PASSWORD: &str = "Correct-Horse-9";

    /// A sign-in POST ready to send from `peer`, with `browser`'s cookie and CSRF
    /// token (it has visited the form).
    fn sign_in_request(
        browser: &Browser<'_>,
        path: &str,
        fields: &[(&str, &str)],
        peer: SocketAddr,
    ) -> Request<Body> {
        let token = browser.last.as_ref().and_then(|p| p.csrf()).unwrap();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        let mut request = Request::builder()
            .method("POST")
            .uri(path)
            .header("host", "console.test")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", browser.cookie.clone().unwrap())
            .body(Body::from(form(&all)))
            .unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }

    /// Sends every request at once; the statuses, sorted.
    async fn all_at_once(h: &Harness, requests: Vec<Request<Body>>) -> Vec<(u16, String)> {
        let handles: Vec<_> = requests
            .into_iter()
            .map(|request| {
                let app = h.app.clone();
                tokio::spawn(async move {
                    let response = app.oneshot(request).await.unwrap();
                    let status = response.status().as_u16();
                    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
                    (status, String::from_utf8_lossy(&body).into_owned())
                })
            })
            .collect();
        let mut out = Vec::new();
        for handle in handles {
            out.push(handle.await.unwrap());
        }
        out
    }

    fn count(replies: &[(u16, String)], status: u16) -> usize {
        replies.iter().filter(|(s, _)| *s == status).count()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn parallel_wrong_passwords_get_exactly_the_free_attempts() {
        let h = console_harness();
        console_user(&h, "alice", PASSWORD, false, &[]).await;
        let mut requests = Vec::new();
        for i in 0..60u16 {
            let mut browser = Browser::new(&h);
            browser.visit("/console/signin").await;
            let fields = [
                ("account", ACCOUNT),
                ("username", "alice"),
                ("password", "wrong-password"),
            ];
            let peer = SocketAddr::from(([192, 0, 2, 20], 40000 + i));
            requests.push(sign_in_request(&browser, "/console/signin", &fields, peer));
        }
        let replies = all_at_once(&h, requests).await;
        // The docs promise 5 free failures per user name: 5 passwords checked, the
        // other 55 refused before any Argon2 work.
        assert_eq!(
            count(&replies, 401),
            5,
            "{:?}",
            replies.iter().map(|r| r.0).collect::<Vec<_>>()
        );
        assert_eq!(count(&replies, 429), 55);

        // Variant: the root user's sign-in page, from many addresses at once.
        let mut requests = Vec::new();
        for i in 0..30u8 {
            let mut browser = Browser::new(&h);
            browser.visit("/console/signin/root").await;
            let fields = [("account", ACCOUNT), ("password", "wrong-password")];
            let peer = SocketAddr::from(([198, 51, 100, i], 40000));
            requests.push(sign_in_request(
                &browser,
                "/console/signin/root",
                &fields,
                peer,
            ));
        }
        let replies = all_at_once(&h, requests).await;
        assert_eq!(count(&replies, 401), 5);
        assert_eq!(count(&replies, 429), 25);
    }

    /// A harness whose Argon2 gate has one permit and a short wait.
    fn gated_harness() -> Harness {
        let mut config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
        config.root_password = Some(ROOT_PASSWORD.to_owned());
        config.argon_permits = 1;
        config.argon_wait = Duration::from_millis(100);
        let clock = FixedClock::at(NOW);
        let (state, _) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
        Harness {
            app: router(state.clone()),
            clock,
            state,
        }
    }

    /// Holds the gate's only permit until the returned sender is dropped or sent to.
    fn hold_gate(state: &AppState) -> std::sync::mpsc::Sender<()> {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (held, is_held) = std::sync::mpsc::channel::<()>();
        let state = state.clone();
        std::thread::spawn(move || {
            state
                .argon
                .run(move || {
                    held.send(()).unwrap();
                    let _ = wait.recv();
                })
                .unwrap();
        });
        is_held.recv().unwrap();
        release
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_busy_argon2_gate_answers_try_again_and_costs_no_attempt() {
        let h = gated_harness();
        console_user(&h, "alice", PASSWORD, false, &[]).await;
        let release = hold_gate(&h.state);
        // The console: 503 with a page that says to try again; repeated, it does not
        // use up the user's free attempts.
        for _ in 0..8 {
            let mut browser = Browser::new(&h);
            browser.visit("/console/signin").await;
            let page = browser
                .post(
                    "/console/signin",
                    &[
                        ("account", ACCOUNT),
                        ("username", "alice"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(page.status, 503, "{}", page.body);
            assert!(
                page.body.contains("Wait a moment and try again."),
                "{}",
                page.body
            );
        }
        // The API: AWS's ServiceUnavailable, for every Argon2 user.
        let reply = h
            .root(
                "CreateLoginProfile",
                &[("UserName", "alice"), ("Password", PASSWORD)],
            )
            .await;
        assert_eq!(reply.status, 503, "{}", reply.body);
        assert_eq!(reply.code(), Some("ServiceUnavailable"));
        // It says when to come back, so SDKs back off rather than retry at once.
        assert_eq!(reply.retry_after.as_deref(), Some("1"));
        let reply = h
            .root(
                "UpdateLoginProfile",
                &[("UserName", "alice"), ("Password", "Another-Horse-7")],
            )
            .await;
        assert_eq!(reply.code(), Some("ServiceUnavailable"));
        drop(release);
        // Free again: the right password signs in (no throttle left behind).
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut browser = Browser::new(&h);
        let page = browser.sign_in("alice", PASSWORD).await;
        assert!(page.body.contains("IAM dashboard"), "{}", page.body);
    }
}

mod reset {
    use axum::body::Body;
    use axum::http::Request;
    use ironiam_protocol::sigv4::{self, SecretKey};
    use ironiam_protocol::time::UnixTime;

    use crate::harness::*;

    fn post(headers: &[(&str, &str)], body: &str) -> Request<Body> {
        let mut builder = Request::post("/_ironiam/reset").header("host", "127.0.0.1:4626");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::from(body.to_owned())).unwrap()
    }

    /// A reset signed with SigV4 by `key`.
    fn signed_reset(key: (&str, &str)) -> Request<Body> {
        let amz_date = UnixTime::from_secs(NOW).to_amz_date();
        let scope = format!("{}/us-east-1/iam/aws4_request", &amz_date[..8]);
        let auth = |signature: &str| {
            format!(
                "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=host;x-amz-date, Signature={signature}",
                key.0
            )
        };
        let placeholder = auth(&"0".repeat(64));
        let headers = [
            ("host", "127.0.0.1:4626"),
            ("x-amz-date", amz_date.as_str()),
            ("authorization", placeholder.as_str()),
        ];
        let inputs = sigv4::prepare(&sigv4::Request {
            method: "POST",
            path: "/_ironiam/reset",
            query: &Default::default(),
            headers: &headers,
            body: b"",
        })
        .unwrap();
        let signature = inputs.signature_for(&SecretKey::new(key.1)).unwrap();
        Request::post("/_ironiam/reset")
            .header("host", "127.0.0.1:4626")
            .header("x-amz-date", amz_date.as_str())
            .header("authorization", auth(&signature))
            .body(Body::empty())
            .unwrap()
    }

    async fn survived(h: &Harness) -> bool {
        h.root("GetUser", &[("UserName", "keep")]).await.status == 200
    }

    #[tokio::test]
    async fn a_browser_form_cannot_reset_the_server() {
        let h = harness();
        assert_eq!(
            h.root("CreateUser", &[("UserName", "keep")]).await.status,
            200
        );
        let (user_key, user_secret) = h.user_with_key("admin").await;
        // What a cross-site HTML form sends: no custom header, no signature.
        let form = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", "https://evil.example"),
        ];
        for (headers, body) in [
            (&[][..], ""),
            (&form[..], "x-ironiam-reset=1"),
            // The header, but from another site's script, or a sandboxed/file: page.
            (
                &[("x-ironiam-reset", "1"), ("origin", "https://evil.example")][..],
                "",
            ),
            (&[("x-ironiam-reset", "1"), ("origin", "null")][..], ""),
            (
                &[("x-ironiam-reset", "1"), ("sec-fetch-site", "cross-site")][..],
                "",
            ),
            (&[("x-ironiam-reset", "yes")][..], ""),
        ] {
            let reply = h.send(post(headers, body)).await;
            assert_eq!(reply.status, 403, "{headers:?}: {}", reply.body);
            assert!(survived(&h).await, "{headers:?}");
        }
        // Signed, but by an IAM user rather than root.
        let reply = h.send(signed_reset((&user_key, &user_secret))).await;
        assert_eq!(reply.status, 403, "{}", reply.body);
        assert!(survived(&h).await);

        // The header from a same-origin page or a script: reset.
        let reply = h
            .send(post(
                &[
                    ("x-ironiam-reset", "1"),
                    ("origin", "http://127.0.0.1:4626"),
                ],
                "",
            ))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(!survived(&h).await);
        assert_eq!(
            h.root("CreateUser", &[("UserName", "keep")]).await.status,
            200
        );
        // Signed by root, no header: reset.
        let reply = h.send(signed_reset((ROOT_ID, ROOT_SECRET))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(!survived(&h).await);
    }

    #[tokio::test]
    async fn metrics_can_leave_the_main_router() {
        use tower::ServiceExt;
        let h = harness();
        let get = || Request::get("/metrics").body(Body::empty()).unwrap();
        let main = ironiam_server::http::app_router(h.state.clone());
        assert_eq!(main.oneshot(get()).await.unwrap().status(), 404);
        let metrics = ironiam_server::http::metrics_router(h.state.clone());
        assert_eq!(metrics.oneshot(get()).await.unwrap().status(), 200);
        // Without --metrics-listen, the main router serves them as before.
        assert_eq!(h.app.clone().oneshot(get()).await.unwrap().status(), 200);
    }
}

#[test]
fn secrets_on_the_command_line_are_noticed() {
    use ironiam_server::config::secrets_on_command_line;
    let found =
        secrets_on_command_line(&["serve", "--root-password", "x", "--listen", "127.0.0.1:0"]);
    assert_eq!(found, vec![("--root-password", "IRONIAM_ROOT_PASSWORD")]);
    let found = secrets_on_command_line(&[
        "serve",
        "--root-secret-access-key=abc",
        "--root-access-key-id",
        "AKIA",
    ]);
    assert_eq!(
        found,
        vec![("--root-secret-access-key", "IRONIAM_ROOT_SECRET_ACCESS_KEY")]
    );
    assert!(
        secrets_on_command_line(&["serve", "--ephemeral", "--root-access-key-id", "AKIA"])
            .is_empty()
    );
}
