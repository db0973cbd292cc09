//! Server throughput for MFA sessions, in process: the real router (SigV4, caller
//! lookup, policy engine, store, MFA verification, session tokens) driven by 16
//! concurrent callers on a fixed clock, without sockets.
//!
//! - `GetSessionToken` with MFA: 256 devices (32 users with 8 each), and the clock
//!   moves one TOTP step between rounds, so every request carries a code that has
//!   never been used for its device, as replay protection demands. Each call reads
//!   and writes its device's verification state in the store.
//! - `GetUser` by a user under AdministratorAccess and seed 000's force-MFA policy,
//!   signed with the user's long-term key, and then with the credentials of an MFA
//!   session: the ratio shows what a session token costs.
//!
//! Codes are computed with ironiam-mfa here: this measures speed, and the codes'
//! correctness is what the test suite checks against pyotp and oathtool.
//!
//! Run: `cargo bench -p ironiam-bench --bench sessions` (prints medians of 5 runs);
//! with `BENCH_DATA_DIR=$(mktemp -d)` the store is a durable SQLite file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::Request;
use ironiam_protocol::encoding::{base64_decode, form_encode};
use ironiam_protocol::sigv4::{self, SecretKey};
use ironiam_protocol::time::UnixTime;
use ironiam_server::clock::FixedClock;
use ironiam_server::{AppState, Config, router};
use tower::ServiceExt;

const ACCOUNT: &str = "123456789012";
const ROOT: (&str, &str) = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
);
const T0: i64 = 1_700_000_010;
const CONCURRENCY: usize = 16;
const USERS: usize = 32;
const DEVICES_PER_USER: usize = 8;
const RUNS: usize = 5;

#[derive(Clone)]
struct Creds {
    id: String,
    secret: String,
    token: Option<String>,
}

/// A signed request, kept as parts so it can be rebuilt for every send.
#[derive(Clone)]
struct Signed {
    headers: Vec<(String, String)>,
    body: String,
}

impl Signed {
    fn request(&self) -> Request<Body> {
        let mut builder = Request::builder().method("POST").uri("/");
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(Body::from(self.body.clone())).unwrap()
    }
}

fn sign(service: &str, params: &[(&str, &str)], creds: &Creds, time: i64) -> Signed {
    let body = params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let amz_date = UnixTime::from_secs(time).to_amz_date();
    let scope = format!("{}/us-east-1/{service}/aws4_request", &amz_date[..8]);
    let mut headers = vec![
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
        ("host".to_owned(), format!("{service}.amazonaws.com")),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    if let Some(token) = &creds.token {
        headers.push(("x-amz-security-token".to_owned(), token.clone()));
    }
    let signed_headers = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let auth = |signature: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            creds.id
        )
    };
    let placeholder = auth(&"0".repeat(64));
    let mut refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    refs.push(("authorization", placeholder.as_str()));
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "POST",
        path: "/",
        query: &Default::default(),
        headers: &refs,
        body: body.as_bytes(),
    })
    .unwrap();
    let signature = inputs
        .signature_for(&SecretKey::new(creds.secret.as_str()))
        .unwrap();
    headers.push(("authorization".to_owned(), auth(&signature)));
    Signed { headers, body }
}

async fn send(app: &Router, signed: &Signed) -> (u16, String) {
    let response = app.clone().oneshot(signed.request()).await.unwrap();
    let status = response.status().as_u16();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn field<'a>(body: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + open.len();
    let end = body[start..].find(&format!("</{name}>")).unwrap() + start;
    &body[start..end]
}

async fn call(
    app: &Router,
    clock: &FixedClock,
    service: &str,
    creds: &Creds,
    params: &[(&str, &str)],
) -> String {
    use ironiam_server::clock::Clock;
    let version = if service == "sts" {
        "2011-06-15"
    } else {
        "2010-05-08"
    };
    let mut all = vec![("Version", version)];
    all.extend_from_slice(params);
    let (status, body) = send(app, &sign(service, &all, creds, clock.now().as_secs())).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn code(secret: &[u8], time: i64) -> String {
    ironiam_mfa::totp::TotpParams::default()
        .code_string_at(secret, u64::try_from(time).unwrap() / 30)
}

/// Sends every request, `CONCURRENCY` at a time; returns the elapsed seconds.
async fn drive(app: &Router, requests: Vec<Signed>) -> f64 {
    let requests = Arc::new(requests);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..CONCURRENCY {
        let app = app.clone();
        let requests = Arc::clone(&requests);
        workers.push(tokio::spawn(async move {
            for signed in requests.iter().skip(worker).step_by(CONCURRENCY) {
                let (status, body) = send(&app, signed).await;
                assert_eq!(status, 200, "{body}");
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    use ironiam_server::clock::Clock;
    // BENCH_DATA_DIR=DIR measures the durable store (SQLite file, synchronous=FULL)
    // instead of the in-memory one.
    let mut config = Config::ephemeral_for_tests(ACCOUNT, ROOT.0, ROOT.1);
    if let Some(dir) = std::env::var_os("BENCH_DATA_DIR") {
        config.ephemeral = false;
        config.data_dir = std::path::PathBuf::from(dir);
        println!("store: SQLite file in {}", config.data_dir.display());
    } else {
        println!("store: in memory (--ephemeral)");
    }
    let clock = FixedClock::at(T0);
    let (state, _) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
    let app = router(state);
    let root = Creds {
        id: ROOT.0.to_owned(),
        secret: ROOT.1.to_owned(),
        token: None,
    };
    let seed_000 = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/seed-000-force-mfa.json"),
    )
    .unwrap();

    // Users with keys, AdministratorAccess and seed 000, and 8 enabled devices each.
    let mut devices: Vec<(Creds, String, Vec<u8>)> = Vec::new();
    for u in 0..USERS {
        let name = format!("user{u}");
        call(
            &app,
            &clock,
            "iam",
            &root,
            &[("Action", "CreateUser"), ("UserName", &name)],
        )
        .await;
        call(
            &app,
            &clock,
            "iam",
            &root,
            &[
                ("Action", "AttachUserPolicy"),
                ("UserName", &name),
                ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ],
        )
        .await;
        call(
            &app,
            &clock,
            "iam",
            &root,
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", &name),
                ("PolicyName", "ForceMFA"),
                ("PolicyDocument", &seed_000),
            ],
        )
        .await;
        let key = call(
            &app,
            &clock,
            "iam",
            &root,
            &[("Action", "CreateAccessKey"), ("UserName", &name)],
        )
        .await;
        let creds = Creds {
            id: field(&key, "AccessKeyId").to_owned(),
            secret: field(&key, "SecretAccessKey").to_owned(),
            token: None,
        };
        for d in 0..DEVICES_PER_USER {
            let device_name = format!("{name}-{d}");
            let created = call(
                &app,
                &clock,
                "iam",
                &root,
                &[
                    ("Action", "CreateVirtualMFADevice"),
                    ("VirtualMFADeviceName", &device_name),
                ],
            )
            .await;
            let serial = field(&created, "SerialNumber").to_owned();
            let base32 =
                String::from_utf8(base64_decode(field(&created, "Base32StringSeed")).unwrap())
                    .unwrap();
            let secret = ironiam_mfa::base32::decode(&base32).unwrap();
            let now = clock.now().as_secs();
            call(
                &app,
                &clock,
                "iam",
                &root,
                &[
                    ("Action", "EnableMFADevice"),
                    ("UserName", &name),
                    ("SerialNumber", &serial),
                    ("AuthenticationCode1", &code(&secret, now - 30)),
                    ("AuthenticationCode2", &code(&secret, now)),
                ],
            )
            .await;
            devices.push((creds.clone(), serial, secret));
        }
    }

    // GetSessionToken with MFA: each round is one new TOTP step for every device.
    let rounds_per_run = 8;
    let mut gst = Vec::new();
    for _ in 0..RUNS {
        let mut elapsed = 0.0;
        let mut count = 0;
        for _ in 0..rounds_per_run {
            clock.advance(30);
            let now = clock.now().as_secs();
            let requests: Vec<Signed> = devices
                .iter()
                .map(|(creds, serial, secret)| {
                    sign(
                        "sts",
                        &[
                            ("Action", "GetSessionToken"),
                            ("Version", "2011-06-15"),
                            ("SerialNumber", serial),
                            ("TokenCode", &code(secret, now)),
                        ],
                        creds,
                        now,
                    )
                })
                .collect();
            count += requests.len();
            elapsed += drive(&app, requests).await;
        }
        gst.push(count as f64 / elapsed);
    }

    // GetUser: long-term key against an MFA session, alternating runs.
    clock.advance(30);
    let now = clock.now().as_secs();
    let (creds, serial, secret) = devices[0].clone();
    let session_reply = call(
        &app,
        &clock,
        "sts",
        &creds,
        &[
            ("Action", "GetSessionToken"),
            ("SerialNumber", &serial),
            ("TokenCode", &code(&secret, now)),
        ],
    )
    .await;
    let session = Creds {
        id: field(&session_reply, "AccessKeyId").to_owned(),
        secret: field(&session_reply, "SecretAccessKey").to_owned(),
        token: Some(field(&session_reply, "SessionToken").to_owned()),
    };
    let get_user = [("Action", "GetUser"), ("Version", "2010-05-08")];
    let per_run = 20_000;
    let long_term_request = sign("iam", &get_user, &creds, now);
    let session_request = sign("iam", &get_user, &session, now);
    // Warm both callers' snapshots.
    drive(
        &app,
        vec![long_term_request.clone(), session_request.clone()],
    )
    .await;
    let (mut long_term, mut with_session) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let secs = drive(&app, vec![long_term_request.clone(); per_run]).await;
        long_term.push(per_run as f64 / secs);
        let secs = drive(&app, vec![session_request.clone(); per_run]).await;
        with_session.push(per_run as f64 / secs);
    }
    let (lt, se) = (median(long_term.clone()), median(with_session.clone()));
    println!(
        "GetSessionToken with MFA: median {:.0}/s over {RUNS} runs of {} calls ({:?})",
        median(gst.clone()),
        rounds_per_run * devices.len(),
        gst.iter().map(|v| v.round()).collect::<Vec<_>>()
    );
    println!(
        "GetUser, long-term key:   median {lt:.0}/s ({:?})",
        long_term.iter().map(|v| v.round()).collect::<Vec<_>>()
    );
    println!(
        "GetUser, MFA session:     median {se:.0}/s ({:?})",
        with_session.iter().map(|v| v.round()).collect::<Vec<_>>()
    );
    // Each session run follows a long-term run at once, so the ratio of a pair is less
    // exposed to the host's drift than the ratio of the two medians.
    let ratios: Vec<f64> = with_session
        .iter()
        .zip(&long_term)
        .map(|(s, l)| s / l)
        .collect();
    println!(
        "session / long-term: {:.3} (medians); per-pair median {:.3} ({:?})",
        se / lt,
        median(ratios.clone()),
        ratios
            .iter()
            .map(|r| (r * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
}
