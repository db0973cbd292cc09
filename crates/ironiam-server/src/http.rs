//! The HTTP layer: router, the Query endpoint, health, metrics and reset.
//!
//! `/` serves both the API and, for browsers, the console: every POST and every GET
//! that carries a query string (`Action=...`, presigned `X-Amz-Signature=...`) or an
//! `Authorization` header is an API request, exactly as before; a bare `GET /` (a
//! browser opening the address) is redirected to the console at `/console/`. A POST
//! with `X-Amz-Target` is a JSON-protocol call (Organizations); any other POST is the
//! Query protocol (IAM, STS).

pub mod authenticate;
pub mod conn;
pub mod error;
pub mod json;
mod query;
mod reset;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::bootstrap;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::state::{AppState, StartError};

/// The router for `state`, `/metrics` included.
pub fn router(state: AppState) -> Router {
    app_router(state.clone()).merge(metrics_router(state))
}

/// `/metrics` alone, for `--metrics-listen`.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Everything but `/metrics` (the main address under `--metrics-listen`).
pub fn app_router(state: AppState) -> Router {
    Router::new()
        .route("/", get(root).post(post_root))
        .route(
            "/console",
            get(crate::console::handle).post(crate::console::handle),
        )
        .route(
            "/console/",
            get(crate::console::handle).post(crate::console::handle),
        )
        .route(
            "/console/{*rest}",
            get(crate::console::handle).post(crate::console::handle),
        )
        .route("/health", get(health))
        .route("/_ironiam/reset", post(reset::handle))
        .with_state(state)
}

/// `GET /`: the API when the request is one, else the console.
async fn root(state: State<AppState>, request: Request<Body>) -> Response {
    let api = request.uri().query().is_some_and(|q| !q.is_empty())
        || request.headers().contains_key(header::AUTHORIZATION);
    if api {
        return query::handle(state, request).await;
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/console/")]).into_response()
}

/// `POST /`: the JSON protocols name their operation in `X-Amz-Target`; everything
/// else is the Query protocol.
async fn post_root(state: State<AppState>, request: Request<Body>) -> Response {
    if request
        .headers()
        .contains_key(ironiam_protocol::json::TARGET_HEADER)
    {
        json::handle(state, request).await
    } else {
        query::handle(state, request).await
    }
}

async fn health() -> &'static str {
    "ok\n"
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// Why `serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Startup failed.
    #[error(transparent)]
    Start(#[from] StartError),
    /// Listening or serving failed.
    #[error("cannot serve on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The credentials file could not be written.
    #[error(transparent)]
    Bootstrap(#[from] bootstrap::BootstrapError),
}

/// Runs the server until SIGINT or SIGTERM.
///
/// # Errors
/// When startup or the listener fails.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let clock = Arc::new(SystemClock);
    let cfg = config.clone();
    let (state, identity) = tokio::task::spawn_blocking(move || AppState::open(&cfg, clock))
        .await
        .map_err(|e| ServeError::Io {
            addr: config.listen,
            source: std::io::Error::other(e.to_string()),
        })??;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Io {
            addr: config.listen,
            source,
        })?;
    let local = listener.local_addr().map_err(|source| ServeError::Io {
        addr: config.listen,
        source,
    })?;
    let endpoint = format!("http://{local}");
    tracing::info!(%endpoint, account = %identity.account_id, ephemeral = config.ephemeral, "ironiam listening");
    if let Some(secret) = &identity.new_secret {
        let mut note = String::new();
        if !config.ephemeral {
            let path = bootstrap::write_credentials(
                &config.data_dir,
                &endpoint,
                &identity.root_access_key_id,
                secret.expose(),
            )?;
            note = format!(
                "\n# Or use the profile written to {}:\n#   export AWS_SHARED_CREDENTIALS_FILE={} AWS_PROFILE=ironiam\n",
                path.display(),
                path.display()
            );
        }
        println!(
            "# ironiam root credentials (shown once); paste into your shell:\n{}{note}",
            bootstrap::export_lines(&endpoint, &identity.root_access_key_id, secret.expose())
        );
    } else {
        println!(
            "# ironiam: account {} at {endpoint}; root access key {} (secret in {}/credentials)",
            identity.account_id,
            identity.root_access_key_id,
            config.data_dir.display()
        );
    }
    // Where a browser signs in: IAM users with the account ID, root with its password.
    println!(
        "# console: {endpoint}/console/signin?account={} (root user: {})",
        identity.account_id,
        if config.root_password.is_some() {
            "sign in with --root-password"
        } else {
            "start with --root-password to sign in"
        }
    );
    let mut limits = config.limits;
    if let Some(files) = conn::open_files_limit() {
        // Leave room for the database, the audit log and the listeners.
        let room = files.saturating_sub(64).max(1);
        if limits.max_connections > room {
            tracing::warn!(
                max_connections = limits.max_connections,
                open_files = files,
                "connection cap lowered to {room} to stay below the open-files limit (raise `ulimit -n` for more)"
            );
            limits.max_connections = room;
        }
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let app = match config.metrics_listen {
        Some(addr) => {
            let metrics = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::Io { addr, source })?;
            tracing::info!(metrics = %addr, "metrics served on their own address");
            let mut stopped = stopped.clone();
            let router = metrics_router(state.clone());
            tokio::spawn(async move {
                let until = async move {
                    let _ = stopped.changed().await;
                };
                if let Err(err) = conn::serve_connections(metrics, router, limits, until).await {
                    tracing::error!(%err, "metrics listener failed");
                }
            });
            app_router(state)
        }
        None => router(state),
    };
    let served = conn::serve_connections(listener, app, limits, async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    })
    .await;
    drop(stopped);
    served.map_err(|source| ServeError::Io {
        addr: local,
        source,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// An API answer: its status, body and content type, with the request ID AWS's SDKs
/// read from `x-amzn-RequestId`. Every 503 (a bound was reached: Argon2 workers busy,
/// say) says when to come back, as the connection cap's does, so that clients back off
/// instead of retrying at once.
pub(crate) fn api_answer(
    status: u16,
    content_type: &'static str,
    body: String,
    request_id: &str,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = axum::http::HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", value);
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
    }
    response
}

/// A fresh request ID in AWS's UUID form: the `x-amzn-RequestId` of every API answer
/// and the `requestID` of audit records made outside a request.
pub fn new_request_id() -> String {
    use ironiam_store::id::{OsRandom, RandomSource};
    let mut bytes = [0u8; 16];
    if OsRandom.fill(&mut bytes).is_err() {
        return "00000000-0000-4000-8000-000000000000".to_owned();
    }
    let hex = ironiam_protocol::encoding::hex_lower(&bytes);
    let part = |range: std::ops::Range<usize>| hex.get(range).unwrap_or_default().to_owned();
    format!(
        "{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}
