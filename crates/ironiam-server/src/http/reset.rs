//! `POST /_ironiam/reset` (ephemeral mode): wipes the server back to its first start.
//!
//! Any web page can make a browser POST a form to `http://127.0.0.1:4626/...`, so a
//! bare POST must not wipe a developer's state. A reset needs either a SigV4 request
//! signed by the root user, or the `X-Ironiam-Reset: 1` header, which an HTML form
//! cannot send and a cross-origin `fetch` can only send after a CORS preflight that
//! ironiam never answers. A request whose `Origin` is another site (or `null`, as
//! sandboxed frames and `file:` pages send) or whose `Sec-Fetch-Site` says
//! `cross-site` is refused whatever it carries.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ironiam_protocol::query::QueryParams;

use super::authenticate::authenticate;
use crate::state::AppState;

/// The header that marks a reset as not coming from an HTML form.
pub const RESET_HEADER: &str = "x-ironiam-reset";

pub(super) async fn handle(State(state): State<AppState>, request: Request<Body>) -> Response {
    if !state.ephemeral {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (parts, body) = request.into_parts();
    if cross_site(&parts.headers) {
        return refused("a reset from another site's page is refused");
    }
    let marked = parts
        .headers
        .get(RESET_HEADER)
        .is_some_and(|v| v.as_bytes() == b"1");
    let Ok(body) = to_bytes(body, state.body_limit).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response();
    };
    let st = state.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        if !marked && !signed_by_root(&st, &parts, &body) {
            return Ok(false);
        }
        st.reset().map(|()| true)
    })
    .await;
    match outcome {
        Ok(Ok(true)) => (StatusCode::OK, "reset\n").into_response(),
        Ok(Ok(false)) => refused(
            "a reset needs a request signed by the root user or the header `X-Ironiam-Reset: 1`",
        ),
        Ok(Err(err)) => {
            tracing::error!(%err, "reset failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(err) => {
            tracing::error!(%err, "reset task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn refused(why: &'static str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{why}\n"),
    )
        .into_response()
}

/// Whether the browser says the request comes from another site's page.
fn cross_site(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    // `scheme://host[:port]`; `null` and anything unparsable are another site.
    let authority = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    authority.is_none_or(|a| host.is_empty() || !a.eq_ignore_ascii_case(host))
}

/// Whether the request carries a valid SigV4 signature of the root user (scoped to
/// IAM or STS).
fn signed_by_root(state: &AppState, parts: &Parts, body: &[u8]) -> bool {
    let Ok(query) = QueryParams::decode(parts.uri.query().unwrap_or_default().as_bytes()) else {
        return false;
    };
    let now = state.clock.now();
    authenticate(state, parts, &query, body, now, &["iam", "sts"], &[])
        .is_ok_and(|a| a.snapshot.principal.is_root() && a.snapshot.principal.session.is_none())
}
