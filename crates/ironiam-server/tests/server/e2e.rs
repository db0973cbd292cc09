//! The real server on 127.0.0.1 with an ephemeral port.

use std::sync::Arc;

use ironiam_server::clock::SystemClock;
use ironiam_server::{AppState, Config, router};

use crate::harness::*;

#[tokio::test]
async fn real_server_answers_signed_requests() {
    let config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
    let (state, _) = AppState::open(&config, Arc::new(SystemClock)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, router(state)).await.unwrap();
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body = form(&[
        ("Action", "CreateUser"),
        ("Version", "2010-05-08"),
        ("UserName", "e2e"),
    ]);
    let request = signed(&body, ROOT_ID, ROOT_SECRET, now);
    // A raw HTTP/1.1 exchange over TCP: no HTTP client dependency needed.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut raw = String::from("POST / HTTP/1.1\r\n");
    for (name, value) in request.headers() {
        raw.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap()));
    }
    raw.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-amzn-requestid"));
    assert!(response.contains("<UserName>e2e</UserName>"));
    server.abort();
}
