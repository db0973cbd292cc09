//! Accepting connections, with the limits a server facing hostile clients needs.
//!
//! `axum::serve` has no header, body or idle timeout and no connection cap: about
//! 20,000 idle partial connections once made `/health` time out. This loop serves
//! each connection with hyper's HTTP/1 builder and watches it:
//!
//! - **header timeout**: a request's headers must be complete within this long of
//!   its first byte (of the accept, for a connection's first request): slowloris;
//! - **idle timeout**: a kept-alive connection may wait this long for its next
//!   request to begin;
//! - **body timeout**: the body must be complete within this long of the headers;
//!   a body that trickles in slower is answered `RequestTimeout` (408) and the
//!   connection closed;
//! - **connection cap**: beyond it a new connection gets an AWS-style
//!   `ServiceUnavailable` (503, `Retry-After`) and is closed, so the connections
//!   already in are not starved.
//!
//! A closed or timed-out connection drops its request's future; the blocking work it
//! started learns it through its cancellation flag ([`crate::cancel`]).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// The default time for a request's headers.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time for a request's body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time a kept-alive connection may wait for its next request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The default connection cap.
pub const DEFAULT_MAX_CONNECTIONS: usize = 2000;
/// How long a refused connection's 503 may take to write.
const REFUSE_WRITE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long shutdown waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The limits of [`serve_connections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From a request's first byte to the end of its headers.
    pub header_timeout: Duration,
    /// From the end of the headers to the end of the body.
    pub body_timeout: Duration,
    /// A kept-alive connection's wait for its next request.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets
/// open connections finish (for at most ten seconds).
///
/// # Errors
/// Never today; accept errors (such as running out of file descriptors) are logged
/// and retried after a pause.
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let active = Arc::new(AtomicUsize::new(0));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                // EMFILE and friends: pause rather than spin; timeouts free slots.
                tracing::warn!(%err, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if active.load(Ordering::Acquire) >= limits.max_connections {
            tokio::spawn(refuse(stream));
            continue;
        }
        active.fetch_add(1, Ordering::AcqRel);
        let guard = Active(Arc::clone(&active));
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            let _guard = guard;
            connection(stream, peer, app, limits, stopped).await;
        });
    }
    let _ = stop.send(true);
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while active.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Counts a connection while it lives.
struct Active(Arc<AtomicUsize>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The body of the answer to a connection beyond the cap: AWS's Query error shape.
const REFUSED_BODY: &str = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Too many open connections. Retry later.</Message></Error><RequestId></RequestId></ErrorResponse>";

async fn refuse(mut stream: TcpStream) {
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/xml\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{REFUSED_BODY}",
        REFUSED_BODY.len()
    );
    let write = async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(REFUSE_WRITE_TIMEOUT, write).await;
}

/// Where a connection is between requests, for the watchdog.
#[derive(Debug)]
struct Watch {
    /// Requests whose headers are in and whose response is not yet made.
    in_flight: usize,
    /// When the connection began waiting for its next request.
    waiting_since: Instant,
    /// When the next request's first byte arrived (the accept, for the first).
    first_byte: Option<Instant>,
}

#[derive(Debug, Clone)]
struct Activity(Arc<Mutex<Watch>>);

impl Activity {
    fn new(now: Instant) -> Self {
        Self(Arc::new(Mutex::new(Watch {
            in_flight: 0,
            waiting_since: now,
            first_byte: Some(now),
        })))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Watch> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bytes_read(&self) {
        let mut watch = self.lock();
        if watch.in_flight == 0 && watch.first_byte.is_none() {
            watch.first_byte = Some(Instant::now());
        }
    }

    fn headers_done(&self) {
        let mut watch = self.lock();
        watch.in_flight += 1;
        watch.first_byte = None;
    }

    fn response_made(&self) {
        let mut watch = self.lock();
        watch.in_flight = watch.in_flight.saturating_sub(1);
        watch.waiting_since = Instant::now();
    }

    /// When the connection must be closed if nothing changes; `None` while a request
    /// is being served (its body has its own deadline).
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let watch = self.lock();
        if watch.in_flight > 0 {
            return None;
        }
        Some(match watch.first_byte {
            Some(first) => first + limits.header_timeout,
            None => watch.waiting_since + limits.idle_timeout,
        })
    }
}

/// A TCP stream that tells the watchdog when bytes arrive.
struct Watched {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let activity = Activity::new(Instant::now());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let watch = activity.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        watch.headers_done();
        request.extensions_mut().insert(ConnectInfo(peer));
        let request = request.map(|body| Body::new(Deadline::new(body, limits.body_timeout)));
        let app = app.clone();
        let watch = watch.clone();
        async move {
            let mut response: Response<Body> = app.oneshot(request).await?;
            watch.response_made();
            if response.status() == StatusCode::REQUEST_TIMEOUT {
                // The rest of the body may still be on its way: do not read it.
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok::<_, Infallible>(response)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The watchdog below times headers and idleness; hyper's own header timer would
    // also cut idle keep-alive connections at the header timeout.
    builder.keep_alive(true).header_read_timeout(None);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut stopping = false;
    loop {
        let deadline = activity.deadline(&limits);
        let nap = tokio::time::sleep_until(
            deadline.unwrap_or_else(|| Instant::now() + limits.header_timeout),
        );
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(err) = served {
                    tracing::debug!(%err, %peer, "connection ended with an error");
                }
                return;
            }
            () = nap => {
                if activity.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    tracing::debug!(%peer, "closing a slow or idle connection");
                    return;
                }
            }
            changed = stopped.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// A request body that fails once its deadline passes.
struct Deadline {
    inner: Incoming,
    sleep: Pin<Box<Sleep>>,
}

impl Deadline {
    fn new(inner: Incoming, within: Duration) -> Self {
        Self {
            inner,
            sleep: Box::pin(tokio::time::sleep(within)),
        }
    }
}

/// Why a request body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body did not arrive within the body timeout.
    #[error("request body not received within the body timeout")]
    Timeout,
    /// The connection failed.
    #[error(transparent)]
    Hyper(#[from] hyper::Error),
}

impl hyper::body::Body for Deadline {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(BodyError::Timeout)));
        }
        Pin::new(&mut self.inner)
            .poll_frame(cx)
            .map_err(BodyError::Hyper)
    }

    fn is_end_stream(&self) -> bool {
        hyper::body::Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> SizeHint {
        hyper::body::Body::size_hint(&self.inner)
    }
}

/// Whether reading a body failed because of the body timeout.
pub fn timed_out(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if matches!(err.downcast_ref::<BodyError>(), Some(BodyError::Timeout)) {
            return true;
        }
        cause = err.source();
    }
    false
}

/// The soft limit on open files, where the platform tells it (Linux's
/// `/proc/self/limits`); the connection cap must stay below it or accepting fails
/// before the cap is reached.
pub fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
