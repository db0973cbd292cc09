//! The console through `Router::oneshot`: routing beside the API, cookies, CSRF,
//! security headers and session timeouts. `Browser` keeps a cookie and the last page's
//! CSRF token, like a browser would.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::Request;
use ironiam_server::clock::FixedClock;
use ironiam_server::{AppState, Config, router};
use tower::ServiceExt;

use crate::harness::*;

pub const ROOT_PASSWORD: &str = "Root-Passw0rd!";

/// A harness whose root user has a console password.
pub fn console_harness() -> Harness {
    let mut config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
    config.root_password = Some(ROOT_PASSWORD.to_owned());
    let clock = FixedClock::at(NOW);
    let (state, _) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
    Harness {
        app: router(state.clone()),
        clock,
        state,
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    pub csp: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Page {
    pub fn csrf(&self) -> Option<String> {
        between(&self.body, "name=\"csrf\" value=\"", "\"").map(str::to_owned)
    }
}

pub struct Browser<'h> {
    pub h: &'h Harness,
    pub cookie: Option<String>,
    pub last: Option<Page>,
    pub peer: SocketAddr,
    pub forwarded_https: bool,
}

impl<'h> Browser<'h> {
    pub fn new(h: &'h Harness) -> Self {
        Self {
            h,
            cookie: None,
            last: None,
            peer: SocketAddr::from(([192, 0, 2, 10], 50000)),
            forwarded_https: false,
        }
    }

    async fn send(&mut self, mut request: Request<Body>) -> Page {
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.h.app.clone().oneshot(request).await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let page = Page {
            status: response.status().as_u16(),
            location: header("location"),
            set_cookie: header("set-cookie"),
            csp: header("content-security-policy"),
            content_type: header("content-type"),
            body: String::new(),
        };
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let page = Page {
            body: String::from_utf8_lossy(&body).into_owned(),
            ..page
        };
        if let Some(cookie) = &page.set_cookie {
            let value = cookie.split(';').next().unwrap();
            let (_, id) = value.split_once('=').unwrap();
            self.cookie = (!id.is_empty()).then(|| value.to_owned());
        }
        if page.csrf().is_some() {
            self.last = Some(page.clone());
        }
        page
    }

    fn builder(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "console.test")
            .header("user-agent", "console-test");
        if let Some(cookie) = &self.cookie {
            builder = builder.header("cookie", cookie);
        }
        if self.forwarded_https {
            builder = builder.header("x-forwarded-proto", "https");
        }
        builder
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.builder("GET", path).body(Body::empty()).unwrap();
        self.send(request).await
    }

    /// GET, following redirects.
    pub async fn visit(&mut self, path: &str) -> Page {
        let mut page = self.get(path).await;
        for _ in 0..5 {
            match page.location.clone() {
                Some(to) if page.status == 303 => page = self.get(&to).await,
                _ => break,
            }
        }
        page
    }

    /// POSTs a form with the last page's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.last.as_ref().and_then(Page::csrf).unwrap_or_default();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &form(&all)).await
    }

    pub async fn post_raw(&mut self, path: &str, body: &str) -> Page {
        let request = self
            .builder("POST", path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }

    /// POSTs and follows the redirect, if any.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.post(path, fields).await;
        match page.location.clone() {
            Some(to) if page.status == 303 => self.visit(&to).await,
            _ => page,
        }
    }

    pub async fn sign_in_root(&mut self) -> Page {
        self.visit("/console/signin/root").await;
        self.submit(
            "/console/signin/root",
            &[("account", ACCOUNT), ("password", ROOT_PASSWORD)],
        )
        .await
    }

    pub async fn sign_in(&mut self, user: &str, password: &str) -> Page {
        self.visit("/console/signin").await;
        self.submit(
            "/console/signin",
            &[
                ("account", ACCOUNT),
                ("username", user),
                ("password", password),
            ],
        )
        .await
    }
}

/// A user with a console password (through the API, as root), optionally with policies
/// attached by ARN.
pub async fn console_user(h: &Harness, name: &str, password: &str, reset: bool, policies: &[&str]) {
    assert_eq!(
        h.root("CreateUser", &[("UserName", name)]).await.status,
        200
    );
    let reply = h
        .root(
            "CreateLoginProfile",
            &[
                ("UserName", name),
                ("Password", password),
                (
                    "PasswordResetRequired",
                    if reset { "true" } else { "false" },
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    for arn in policies {
        let reply = h
            .root(
                "AttachUserPolicy",
                &[("UserName", name), ("PolicyArn", arn)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
}

/// A customer managed policy from a document; returns its ARN.
pub async fn managed_policy(h: &Harness, name: &str, document: &str) -> String {
    let reply = h
        .root(
            "CreatePolicy",
            &[("PolicyName", name), ("PolicyDocument", document)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.field("Arn").unwrap().to_owned()
}

#[tokio::test]
async fn bare_get_of_root_redirects_browsers_and_api_requests_keep_working() {
    let h = console_harness();
    let mut browser = Browser::new(&h);
    let page = browser.get("/").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/console/"));
    // A GET with Action is the API, unsigned: AWS's error, not the console.
    let page = browser.get("/?Action=ListUsers&Version=2010-05-08").await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("MissingAuthenticationToken"),
        "{}",
        page.body
    );
    // A signed POST to / is unchanged.
    let reply = h.root("ListUsers", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Any GET with an Authorization header goes to the API.
    let request = Request::builder()
        .uri("/")
        .header("authorization", "AWS4-HMAC-SHA256 Credential=x")
        .body(Body::empty())
        .unwrap();
    let reply = h.send(request).await;
    assert!(reply.code().is_some(), "{}", reply.body);
}

#[tokio::test]
async fn the_session_cookie_is_random_httponly_strict_and_secure_behind_tls() {
    let h = console_harness();
    let mut browser = Browser::new(&h);
    let page = browser.get("/console/signin").await;
    assert_eq!(page.status, 200);
    let cookie = page.set_cookie.unwrap();
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    assert_eq!(id.len(), 64, "{cookie}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
    assert!(cookie.contains("Path=/console"));
    assert!(!cookie.contains("Secure"));
    let mut other = Browser::new(&h);
    let second = other.get("/console/signin").await.set_cookie.unwrap();
    assert_ne!(cookie, second);

    let mut tls = Browser::new(&h);
    tls.forwarded_https = true;
    let cookie = tls.get("/console/signin").await.set_cookie.unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn every_page_has_a_strict_content_security_policy_and_headings() {
    let h = console_harness();
    let mut browser = Browser::new(&h);
    for path in [
        "/console/signin",
        "/console/signin/root",
        "/console/static/console.css",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let csp = page.csp.unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(csp.contains("script-src 'self'"));
        assert!(!csp.contains("unsafe-inline"));
        if path.ends_with(".css") {
            assert!(page.content_type.unwrap().starts_with("text/css"));
        } else {
            assert!(page.body.contains("<h1>"));
            assert!(page.body.contains("<label for=\"account\">"));
        }
    }
}

#[tokio::test]
async fn posts_without_the_sessions_csrf_token_are_refused() {
    let h = console_harness();
    let fields = [("account", ACCOUNT), ("password", ROOT_PASSWORD)];
    // No cookie at all (a cross-site form).
    let mut browser = Browser::new(&h);
    let page = browser
        .post_raw("/console/signin/root", &form(&fields))
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("Form expired"));
    // A cookie but no token, then a wrong token.
    browser.get("/console/signin/root").await;
    let page = browser
        .post_raw("/console/signin/root", &form(&fields))
        .await;
    assert_eq!(page.status, 403);
    let mut with_wrong = vec![("csrf", "0".repeat(64))];
    with_wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let body = with_wrong
        .iter()
        .map(|(k, v)| format!("{k}={}", ironiam_protocol::encoding::form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let page = browser.post_raw("/console/signin/root", &body).await;
    assert_eq!(page.status, 403);
    // Another session's token does not work either.
    let mut other = Browser::new(&h);
    other.get("/console/signin/root").await;
    browser.last = other.last.clone();
    let page = browser.post("/console/signin/root", &fields).await;
    assert_eq!(page.status, 403);
    // The session's own token does.
    browser.get("/console/signin/root").await;
    let page = browser.post("/console/signin/root", &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/console/home"));
}

#[tokio::test]
async fn sign_in_renews_the_session_id_and_sign_out_ends_it() {
    let h = console_harness();
    let mut browser = Browser::new(&h);
    browser.get("/console/signin/root").await;
    let before = browser.cookie.clone().unwrap();
    let page = browser
        .post(
            "/console/signin/root",
            &[("account", ACCOUNT), ("password", ROOT_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 303);
    let after = browser.cookie.clone().unwrap();
    assert_ne!(before, after, "the id must change at sign-in");
    // The pre-sign-in id is dead.
    let mut fixated = Browser::new(&h);
    fixated.cookie = Some(before);
    assert_eq!(
        fixated.get("/console/home").await.location.as_deref(),
        Some("/console/signin")
    );

    let home = browser.visit("/console/home").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("IAM dashboard"));
    let signed_in = browser.cookie.clone().unwrap();
    let page = browser.post("/console/signout", &[]).await;
    assert_eq!(page.status, 303);
    assert!(page.set_cookie.unwrap().contains("Max-Age=0"));
    let mut stale = Browser::new(&h);
    stale.cookie = Some(signed_in);
    assert_eq!(
        stale.get("/console/home").await.location.as_deref(),
        Some("/console/signin")
    );
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let h = console_harness();
    let mut browser = Browser::new(&h);
    assert!(browser.sign_in_root().await.body.contains("IAM dashboard"));
    // Active every 14 minutes: alive.
    h.clock.advance(14 * 60);
    assert_eq!(browser.get("/console/home").await.status, 200);
    // Idle for 15 minutes: over.
    h.clock.advance(15 * 60);
    let page = browser.visit("/console/home").await;
    assert!(
        page.body.contains("Your session has ended"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<h1>Sign in</h1>"));

    let mut browser = Browser::new(&h);
    browser.sign_in_root().await;
    let mut elapsed = 0;
    while elapsed + 10 * 60 < 12 * 60 * 60 {
        h.clock.advance(10 * 60);
        elapsed += 10 * 60;
        assert_eq!(browser.get("/console/home").await.status, 200, "{elapsed}");
    }
    h.clock.advance(12 * 60 * 60 - elapsed);
    assert_eq!(
        browser.get("/console/home").await.location.as_deref(),
        Some("/console/signin")
    );
}

#[tokio::test]
async fn signed_out_visitors_reach_only_the_sign_in_pages() {
    let h = console_harness();
    let mut browser = Browser::new(&h);
    for path in [
        "/console/",
        "/console/home",
        "/console/users",
        "/console/account",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location.as_deref(), Some("/console/signin"), "{path}");
    }
    let page = browser.get("/console/signin?account=%3Cb%3E").await;
    assert!(page.body.contains("value=\"&lt;b&gt;\""), "{}", page.body);
}
