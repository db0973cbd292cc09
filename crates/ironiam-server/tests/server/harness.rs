//! A router over an ephemeral store, a fixed clock and a minimal SigV4 signer.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::Request;
use ironiam_protocol::encoding::form_encode;
use ironiam_protocol::sigv4::{self, SecretKey};
use ironiam_protocol::time::UnixTime;
use ironiam_server::clock::FixedClock;
use ironiam_server::{AppState, Config, router};
use tower::ServiceExt;

pub const ACCOUNT: &str = "123456789012";
pub const ROOT_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const ROOT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const NOW: i64 = 1_700_000_000;

pub struct Harness {
    pub app: Router,
    pub clock: FixedClock,
    pub state: AppState,
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub request_id: String,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

impl Reply {
    pub fn code(&self) -> Option<&str> {
        between(&self.body, "<Code>", "</Code>")
    }
    pub fn message(&self) -> Option<&str> {
        between(&self.body, "<Message>", "</Message>")
    }
    pub fn field(&self, name: &str) -> Option<&str> {
        between(&self.body, &format!("<{name}>"), &format!("</{name}>"))
    }
}

pub fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

pub fn harness() -> Harness {
    let config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
    let clock = FixedClock::at(NOW);
    let (state, _) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
    Harness {
        app: router(state.clone()),
        clock,
        state,
    }
}

pub fn form(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs a POST form request at `time` with the header form of SigV4.
pub fn signed(body: &str, key_id: &str, secret: &str, time: i64) -> Request<Body> {
    let amz_date = UnixTime::from_secs(time).to_amz_date();
    let date = &amz_date[..8];
    let scope = format!("{date}/us-east-1/iam/aws4_request");
    let signed_headers = "content-type;host;x-amz-date";
    let placeholder = format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed_headers}, Signature={}",
        "0".repeat(64)
    );
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let mut headers = vec![
        ("host", "iam.amazonaws.com"),
        ("content-type", content_type),
        ("x-amz-date", amz_date.as_str()),
        ("authorization", placeholder.as_str()),
    ];
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "POST",
        path: "/",
        query: &Default::default(),
        headers: &headers,
        body: body.as_bytes(),
    })
    .unwrap();
    let signature = inputs.signature_for(&SecretKey::new(secret)).unwrap();
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    headers.pop();
    let mut builder = Request::builder().method("POST").uri("/");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder
        .header("authorization", authorization)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

impl Harness {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-amzn-RequestId")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Reply {
            status,
            body: String::from_utf8(body.to_vec()).unwrap(),
            request_id,
            retry_after,
        }
    }

    pub async fn call_as(&self, key: (&str, &str), action: &str, params: &[(&str, &str)]) -> Reply {
        let mut all = vec![("Action", action), ("Version", "2010-05-08")];
        all.extend_from_slice(params);
        let now = self.clock_now();
        self.send(signed(&form(&all), key.0, key.1, now)).await
    }

    pub async fn root(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.call_as((ROOT_ID, ROOT_SECRET), action, params).await
    }

    fn clock_now(&self) -> i64 {
        use ironiam_server::clock::Clock;
        self.clock.now().as_secs()
    }

    /// Creates a user with an access key; returns (key id, secret).
    pub async fn user_with_key(&self, name: &str) -> (String, String) {
        assert_eq!(
            self.root("CreateUser", &[("UserName", name)]).await.status,
            200
        );
        let reply = self.root("CreateAccessKey", &[("UserName", name)]).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        (
            reply.field("AccessKeyId").unwrap().to_owned(),
            reply.field("SecretAccessKey").unwrap().to_owned(),
        )
    }
}

/// Signs a POST form request for `service` (`iam`, `sts`) at `time`, with the session
/// token, when there is one, as a signed header (as the AWS CLI sends it).
pub fn signed_with(
    service: &str,
    body: &str,
    key_id: &str,
    secret: &str,
    token: Option<&str>,
    time: i64,
) -> Request<Body> {
    let amz_date = UnixTime::from_secs(time).to_amz_date();
    let scope = format!("{}/us-east-1/{service}/aws4_request", &amz_date[..8]);
    let host = format!("{service}.amazonaws.com");
    let mut headers = vec![
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("host", host.as_str()),
        ("x-amz-date", amz_date.as_str()),
    ];
    if let Some(token) = token {
        headers.push(("x-amz-security-token", token));
    }
    let signed_headers = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let authorization = |signature: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
        )
    };
    let placeholder = authorization(&"0".repeat(64));
    let mut with_auth = headers.clone();
    with_auth.push(("authorization", placeholder.as_str()));
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "POST",
        path: "/",
        query: &Default::default(),
        headers: &with_auth,
        body: body.as_bytes(),
    })
    .unwrap();
    let signature = inputs.signature_for(&SecretKey::new(secret)).unwrap();
    let mut builder = Request::builder().method("POST").uri("/");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder
        .header("authorization", authorization(&signature))
        .body(Body::from(body.to_owned()))
        .unwrap()
}
