//! The web console, served under `/console/` on the API's port.
//!
//! - [`session`]: server-side sessions (random 256-bit ids, idle and absolute
//!   timeouts) and their sign-in stage; [`throttle`]: failed sign-in backoff.
//! - [`signin`]: IAM user and root sign-in, the MFA step, the forced password change and
//!   the forced MFA enrollment; [`mfa`]: where sign-in meets the MFA devices.
//! - [`caller`]: every console action runs the IAM operation handler the Query API runs,
//!   decoded by the same model and authorized by the same engine with the session's
//!   principal (`aws:MultiFactorAuthPresent` from the session); [`denied`] renders the
//!   engine's explanation when a policy says no.
//! - [`page`]: the pages; [`html`]: escaping, layout and labelled form controls;
//!   [`xml`]: reading an operation's output back.
//!
//! Routing with the API on `/` is in [`crate::http`]: signed requests go to the API,
//! a browser's plain `GET /` is redirected here. Every response carries a strict
//! Content-Security-Policy; every POST must carry the session's CSRF token. See
//! `docs/console.md`.

pub(crate) mod caller;
pub(crate) mod denied;
pub(crate) mod html;
pub(crate) mod mfa;
pub(crate) mod page;
pub(crate) mod route;
pub(crate) mod session;
pub(crate) mod signin;
pub(crate) mod throttle;
pub(crate) mod xml;

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ironiam_policy::Caller as PolicyCaller;
use ironiam_protocol::query::QueryParams;
use ironiam_store::StoreExt;
use ironiam_store::record::ConsoleSettings;
use ironiam_store::secret::PasswordHash;

use crate::authz::{Principal, SessionFacts, SessionKind};
use crate::http::error::ApiError;
use crate::state::AppState;
use html::{Chrome, Page};
use session::{Lookup, Session, Sessions};
use throttle::Throttle;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "ironiam_console";

/// The Content-Security-Policy of every console response: nothing from elsewhere, no
/// inline script or style, images only from here or `data:` (the QR code).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// What the console keeps between requests: sessions, sign-in throttling, and the
/// root password from the configuration.
#[derive(Debug, Default)]
pub struct ConsoleState {
    pub(crate) sessions: Sessions,
    pub(crate) throttle: Throttle,
    root_password: Option<PasswordHash>,
}

impl ConsoleState {
    /// The console state; `root_password` (from `--root-password`) is hashed here,
    /// once.
    ///
    /// # Errors
    /// When hashing fails.
    pub fn new(root_password: Option<&str>) -> Result<Self, ApiError> {
        let root_password = root_password
            .map(|p| {
                PasswordHash::create(p, &mut ironiam_store::id::OsRandom)
                    .map_err(ApiError::internal)
            })
            .transpose()?;
        Ok(Self {
            root_password,
            ..Self::default()
        })
    }

    /// Stores the configured root password as the account's root console password
    /// (at every start, and after an ephemeral reset).
    ///
    /// # Errors
    /// A store fault.
    pub fn install_root_password(
        &self,
        store: &dyn ironiam_store::Store,
        account: &str,
    ) -> Result<(), ApiError> {
        let Some(hash) = &self.root_password else {
            return Ok(());
        };
        store.write(|tx| -> Result<(), ApiError> {
            let mut record = tx.get_account(account)?;
            record.root_password = Some(hash.clone());
            tx.update_account(&record)?;
            Ok(())
        })
    }

    /// Ends every session and forgets every failure (ephemeral reset).
    pub fn reset(&self) {
        self.sessions.clear();
        self.throttle.clear();
    }

    /// How many sessions exist.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }
}

/// What a page handler answers.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A page in the layout.
    Page(Page),
    /// 303 See Other.
    Redirect(String),
    /// A file to save.
    Download {
        filename: String,
        content_type: &'static str,
        body: Vec<u8>,
    },
}

/// Why a page could not be served at all (denials are shown inside pages instead).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConsoleError {
    /// No such page or entity.
    #[error("not found")]
    NotFound,
    /// The session's user is gone: sign in again.
    #[error("the session's user no longer exists")]
    SessionEnded,
    /// A server fault, logged and answered with a generic page.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// One request as a page handler sees it.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a AppState,
    pub(crate) now: i64,
    pub(crate) peer: String,
    pub(crate) user_agent: String,
    pub(crate) host: String,
    pub(crate) secure: bool,
    pub(crate) session: Session,
    pub(crate) query: QueryParams,
    pub(crate) form: QueryParams,
    /// Issue a new session id when the request ends (sign-in steps: no fixation).
    pub(crate) renew: bool,
    /// End the session when the request ends (sign-out).
    pub(crate) end: bool,
}

impl<'a> Ctx<'a> {
    /// A query-string parameter, or "".
    pub(crate) fn q(&self, name: &str) -> &str {
        self.query.get(name).ok().flatten().unwrap_or_default()
    }

    /// A form field, or "" (also when sent twice).
    pub(crate) fn f(&self, name: &str) -> &str {
        self.form.get(name).ok().flatten().unwrap_or_default()
    }

    /// Every value of a repeated form field (checkbox groups).
    pub(crate) fn f_all(&self, name: &str) -> Vec<&str> {
        self.form
            .pairs()
            .filter(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v)
            .collect()
    }

    /// The CSRF token for forms.
    pub(crate) fn csrf(&self) -> &str {
        &self.session.csrf
    }

    /// Shows `message` on the next page.
    pub(crate) fn flash(&mut self, message: impl Into<String>) {
        self.session.flash = Some(session::Flash {
            error: false,
            text: message.into(),
        });
    }

    /// Shows an error on the next page.
    pub(crate) fn flash_error(&mut self, message: impl Into<String>) {
        self.session.flash = Some(session::Flash {
            error: true,
            text: message.into(),
        });
    }

    /// The account's console settings.
    pub(crate) fn settings(&self, account: &str) -> Result<ConsoleSettings, ConsoleError> {
        Ok(self
            .state
            .store
            .read(|tx| -> Result<_, ApiError> { Ok(tx.get_console_settings(account)?) })?)
    }

    /// The signed-in caller as the policy engine sees it: the user read afresh, and the
    /// session's facts (MFA time) for the context keys.
    pub(crate) fn principal(&self) -> Result<Principal, ConsoleError> {
        let Some(signer) = &self.session.signer else {
            return Err(ConsoleError::SessionEnded);
        };
        let (user, arn) = match &signer.user {
            None => (None, format!("arn:aws:iam::{}:root", signer.account_id)),
            Some((id, _)) => {
                let user = self
                    .state
                    .store
                    .read(|tx| tx.get_user_by_id(id))
                    .map_err(|_| ConsoleError::SessionEnded)?;
                let arn = user.arn.clone();
                (Some(user), arn)
            }
        };
        let caller = PolicyCaller::parse(&arn).map_err(|e| ApiError::internal(e.0))?;
        let org = self
            .state
            .store
            .read(|tx| crate::authz::principal_org(tx, &signer.account_id))?;
        Ok(Principal {
            account_id: signer.account_id.clone(),
            access_key_id: String::new(),
            user,
            role: None,
            caller,
            session: Some(SessionFacts {
                kind: SessionKind::Console,
                issued_at: signer.signed_in_at,
                expires_at: self.session.expires_at(),
                mfa_authenticated_at: self.session.mfa_at,
                policy: None,
                policy_arns: Vec::new(),
                source_identity: None,
                tags: Vec::new(),
                transitive_tag_keys: Vec::new(),
            }),
            org,
        })
    }

    /// The caller for console actions (it borrows only the shared state, so the
    /// session stays writable while it lives).
    pub(crate) fn caller(&self) -> Result<caller::Caller<'a>, ConsoleError> {
        Ok(caller::Caller::new(
            self.state,
            self.principal()?,
            self.now,
            &self.peer,
            &self.user_agent,
        ))
    }

    /// The layout's view of the session; takes the flash.
    fn chrome(&mut self) -> Chrome {
        let identity = self.session.signer.as_ref().map(|s| match &s.user {
            Some((_, name)) => format!("{name} @ {}", s.account_id),
            None => format!("root user @ {}", s.account_id),
        });
        Chrome {
            identity,
            mfa: self.session.mfa_at.is_some(),
            csrf: self.session.csrf.clone(),
            navigation: self.session.stage == session::Stage::Active,
            flash: self.session.flash.take(),
        }
    }
}

/// `GET|POST /console...`: read the body, then do everything else on a blocking thread
/// (the store is synchronous and Argon2 is deliberately slow).
pub(crate) async fn handle(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    if let Some(asset) = static_asset(parts.uri.path()) {
        return asset;
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    let bytes = match to_bytes(body, state.body_limit).await {
        Ok(bytes) => bytes,
        Err(err) if crate::http::conn::timed_out(&err) => {
            return plain(
                StatusCode::REQUEST_TIMEOUT,
                "request body not received in time\n",
            );
        }
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n"),
    };
    let st = state.clone();
    let (token, guard) = crate::cancel::Token::new();
    let work = move || crate::cancel::scope(&token, || dispatch(&st, &parts, &bytes, peer));
    let done = tokio::task::spawn_blocking(work).await;
    guard.finish();
    match done {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(%err, "console task failed");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response();
    harden(&mut response);
    response
}

fn static_asset(path: &str) -> Option<Response> {
    let (body, content_type) = match path {
        "/console/static/console.css" => (
            include_str!("console/static/console.css"),
            "text/css; charset=utf-8",
        ),
        "/console/static/console.js" => (
            include_str!("console/static/console.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return None,
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response();
    harden(&mut response);
    Some(response)
}

/// The headers every console response carries.
fn harden(response: &mut Response) {
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

fn header_text(parts: &Parts, name: header::HeaderName) -> &str {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The session id from the `Cookie` header.
fn cookie_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn set_cookie(id: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={id}; Path=/console; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

fn dispatch(state: &AppState, parts: &Parts, body: &[u8], peer: String) -> Response {
    let now = state.clock.now().as_secs();
    // Behind a TLS-terminating proxy the cookie must be Secure. Trusting the header
    // only ever makes the cookie stricter.
    let secure = header_text(parts, header::HeaderName::from_static("x-forwarded-proto"))
        .eq_ignore_ascii_case("https");
    let presented = cookie_id(parts);
    let (mut id, session, expired) = match presented
        .as_deref()
        .map(|id| state.console.sessions.get(id, now))
    {
        Some(Lookup::Live(session)) => (presented.clone(), Some(*session), false),
        Some(Lookup::Expired) => (None, None, true),
        Some(Lookup::Missing) | None => (None, None, false),
    };
    let session = match session {
        Some(session) => session,
        None => match Session::anonymous(now) {
            Ok(mut fresh) => {
                if expired {
                    fresh.flash = Some(session::Flash {
                        error: false,
                        text: "Your session has ended. Sign in again.".to_owned(),
                    });
                }
                fresh
            }
            Err(err) => {
                tracing::error!(%err, "cannot start a console session");
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n");
            }
        },
    };
    let form = if parts.method == Method::POST {
        QueryParams::decode(body).unwrap_or_default()
    } else {
        QueryParams::default()
    };
    let mut ctx = Ctx {
        state,
        now,
        peer,
        user_agent: header_text(parts, header::USER_AGENT).to_owned(),
        host: header_text(parts, header::HOST).to_owned(),
        secure,
        session,
        query: QueryParams::decode(parts.uri.query().unwrap_or_default().as_bytes())
            .unwrap_or_default(),
        form,
        renew: false,
        end: false,
    };
    let reply = if parts.method == Method::POST && !csrf_ok(&ctx, id.is_some()) {
        Ok(Reply::Page(Page::new(
            "Form expired",
            format!(
                "{}<p>{}</p>",
                html::error_block(
                    "This form could not be accepted: it is older than your session or came from another site."
                ),
                html::link("/console/", "Go back to the console and try again")
            ),
        ).with_status(403)))
    } else if parts.method != Method::GET && parts.method != Method::POST {
        Ok(Reply::Page(
            Page::new("Method not allowed", String::new()).with_status(405),
        ))
    } else {
        route::route(&mut ctx, parts.method == Method::POST, parts.uri.path())
    };
    let reply = match reply {
        Ok(reply) => reply,
        Err(ConsoleError::NotFound) => Reply::Page(
            Page::new(
                "Not found",
                format!(
                    "<p>There is no such page or entity.</p><p>{}</p>",
                    html::link("/console/home", "Go to the dashboard")
                ),
            )
            .with_status(404),
        ),
        Err(ConsoleError::SessionEnded) => {
            ctx.end = true;
            Reply::Redirect("/console/signin".to_owned())
        }
        Err(ConsoleError::Api(err)) => {
            tracing::error!(error = %err, "console page failed");
            Reply::Page(
                Page::new(
                    "Something went wrong",
                    html::error_block("The server could not complete this page. Try again."),
                )
                .with_status(500),
            )
        }
    };
    let chrome = match &reply {
        Reply::Page(_) => Some(ctx.chrome()),
        _ => None,
    };
    // Persist the session, or end or renew it.
    let mut cookie = None;
    if ctx.end {
        if let Some(old) = &id {
            state.console.sessions.remove(old);
        }
        cookie = Some(clear_cookie(ctx.secure));
    } else {
        if ctx.renew
            && let Some(old) = id.take()
        {
            state.console.sessions.remove(&old);
        }
        match &id {
            Some(current) => state.console.sessions.update(current, ctx.session.clone()),
            None => match state.console.sessions.insert(ctx.session.clone(), now) {
                Ok(new_id) => cookie = Some(set_cookie(&new_id, ctx.secure)),
                Err(err) => {
                    tracing::error!(%err, "cannot store a console session");
                    return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n");
                }
            },
        }
    }
    let mut response = match reply {
        Reply::Page(page) => {
            let chrome = chrome.unwrap_or_default();
            let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
            (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html::layout(&page, &chrome),
            )
                .into_response()
        }
        Reply::Redirect(location) => {
            let mut r = StatusCode::SEE_OTHER.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, value);
            }
            r
        }
        Reply::Download {
            filename,
            content_type,
            body,
        } => {
            let mut r = ([(header::CONTENT_TYPE, content_type)], body).into_response();
            if let Ok(value) =
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, value);
            }
            r
        }
    };
    if let Some(cookie) = cookie
        && let Ok(value) = HeaderValue::from_str(&cookie)
    {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    harden(&mut response);
    response
}

/// Every POST carries the session's token: a form from another site has neither the
/// cookie (SameSite=Strict) nor the token.
fn csrf_ok(ctx: &Ctx<'_>, had_session: bool) -> bool {
    had_session && session::same_token(ctx.f("csrf"), &ctx.session.csrf)
}
