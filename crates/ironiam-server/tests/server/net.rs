//! Slow and greedy clients on a real socket (issue 10 item 8): the server on
//! 127.0.0.1 with short timeouts, raw TCP clients that stall, trickle or pile up.
//! Every wait is bounded; each test takes about a second.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ironiam_server::http::conn::{Limits, serve_connections};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::harness::*;

const SHORT: Limits = Limits {
    header_timeout: Duration::from_millis(300),
    body_timeout: Duration::from_millis(300),
    idle_timeout: Duration::from_millis(900),
    max_connections: 4,
};

/// Serves a fresh harness within `limits`; stops when the sender is dropped.
async fn start(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let h = harness();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_connections(
        listener,
        h.app.clone(),
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, stop)
}

/// Reads until the server closes the connection (or `within` passes: `None`).
async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&out).into_owned())
}

/// Reads one response (headers and a `Content-Length` body) without waiting for close.
async fn one_response(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf))
            .await
            .expect("response in time")
            .unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&out));
        out.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&out).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
    }
}

const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n";

#[tokio::test]
async fn partial_headers_are_cut_at_the_header_timeout() {
    let (addr, _stop) = start(SHORT).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let closed = until_closed(&mut stream, Duration::from_secs(3)).await;
    assert!(closed.is_some(), "the connection was still open after 3 s");
    assert!(started.elapsed() < Duration::from_secs(2));

    // Variant: headers trickled a byte at a time, each within the timeout of the
    // last, are still cut: the deadline runs from the request's first byte.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    let mut cut = false;
    for byte in b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" {
        if stream.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        if started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    let closed = cut
        || until_closed(&mut stream, Duration::from_millis(500))
            .await
            .is_some();
    assert!(
        closed && started.elapsed() < Duration::from_secs(2),
        "trickled headers were not cut"
    );
    // A connection that never sends a byte is cut at the header timeout too.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(
        until_closed(&mut silent, Duration::from_secs(2))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn a_body_slower_than_the_body_timeout_gets_request_timeout() {
    let (addr, _stop) = start(SHORT).await;
    for path in ["/", "/console/signin"] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction="
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // Trickle a few more bytes, well inside the idle timeout each, never all 100.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = stream.write_all(b"x").await;
        }
        let reply = until_closed(&mut stream, Duration::from_secs(2))
            .await
            .expect("closed");
        assert!(reply.starts_with("HTTP/1.1 408"), "{path}: {reply}");
        if path == "/" {
            assert!(reply.contains("<Code>RequestTimeout</Code>"), "{reply}");
        }
    }
}

#[tokio::test]
async fn idle_keep_alive_connections_close_at_the_idle_timeout_not_before() {
    let (addr, _stop) = start(SHORT).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(HEALTH).await.unwrap();
    assert!(one_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Idle longer than the header timeout but within the idle one: still served.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stream.write_all(HEALTH).await.unwrap();
    assert!(one_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Then idle past the idle timeout: closed.
    let started = Instant::now();
    assert!(
        until_closed(&mut stream, Duration::from_secs(3))
            .await
            .is_some()
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(700),
        "closed after {waited:?}"
    );
}

#[tokio::test]
async fn beyond_the_connection_cap_new_connections_get_503_and_the_rest_keep_working() {
    let (addr, _stop) = start(Limits {
        header_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
        ..SHORT
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..SHORT.max_connections {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(HEALTH).await.unwrap();
        assert!(one_response(&mut stream).await.starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    let mut extra = TcpStream::connect(addr).await.unwrap();
    let _ = extra.write_all(HEALTH).await;
    let reply = until_closed(&mut extra, Duration::from_secs(2))
        .await
        .expect("closed");
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(reply.contains("Retry-After: 1"), "{reply}");
    assert!(reply.contains("<Code>ServiceUnavailable</Code>"), "{reply}");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap();
    assert!(
        head.contains(&format!("Content-Length: {}", body.len())),
        "{reply}"
    );
    // The connections already in are still served.
    let first = held.first_mut().unwrap();
    first.write_all(HEALTH).await.unwrap();
    assert!(one_response(first).await.starts_with("HTTP/1.1 200"));
    // One leaves: a new connection gets in.
    drop(held.pop());
    let mut admitted = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(HEALTH).await.unwrap();
        let mut buf = [0u8; 12];
        if stream.read_exact(&mut buf).await.is_ok() && &buf == b"HTTP/1.1 200" {
            admitted = Some(stream);
            break;
        }
    }
    assert!(admitted.is_some(), "no connection admitted after one left");
}

#[tokio::test]
async fn work_is_abandoned_when_the_client_disconnects() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use axum::routing::get;
    use ironiam_server::cancel;

    // A handler shaped like the API's: blocking work in `cancel::scope`, a guard in
    // the async handler. It counts its loop's rounds and stops when cancelled.
    let rounds = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&rounds);
    let app = axum::Router::new().route(
        "/slow",
        get(move || {
            let counted = Arc::clone(&counted);
            async move {
                let (token, guard) = cancel::Token::new();
                let work = move || {
                    cancel::scope(&token, || {
                        for _ in 0..300 {
                            if cancel::requested() {
                                return;
                            }
                            counted.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(10));
                        }
                    })
                };
                let _ = tokio::task::spawn_blocking(work).await;
                guard.finish();
                "done"
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_connections(listener, app, SHORT, async move {
        let _ = stopped.await;
    }));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after_leaving = rounds.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let later = rounds.load(Ordering::SeqCst);
    assert!(after_leaving < 100, "ran {after_leaving} rounds");
    assert_eq!(
        later, after_leaving,
        "the work kept running after the client left"
    );
}
