//! Arbitrary bytes as an HTTP request through SigV4 parsing, canonicalization
//! and verification.
//!
//! Input layout (lossy UTF-8): line 1 method, line 2 path, line 3 query,
//! then `name:value` header lines up to a blank line, then the body.
#![no_main]

use ironiam_protocol::sigv4::{self, ExpectedScope, QueryParams, Request, SecretKey};
use ironiam_protocol::time::UnixTime;
use libfuzzer_sys::fuzz_target;

fn keys(id: &str) -> Option<SecretKey> {
    (id == "AKIDEXAMPLE").then(|| SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let method = lines.next().unwrap_or("");
    let path = lines.next().unwrap_or("");
    let query = lines.next().unwrap_or("");
    let headers: Vec<(&str, &str)> =
        lines.map(|line| line.split_once(':').unwrap_or((line, ""))).collect();
    // The server decodes the query once and verifies those pairs; an undecodable
    // query never reaches SigV4.
    let Ok(query) = QueryParams::decode(query.as_bytes()) else {
        return;
    };
    let request = Request { method, path, query: &query, headers: &headers, body: body.as_bytes() };

    let _ = sigv4::canonical_uri(path);
    let _ = sigv4::canonical_query(&query, true);
    if let Ok(inputs) = sigv4::prepare(&request) {
        let _ = inputs.canonical_request();
        let _ = inputs.signature_for(&SecretKey::new("k"));
    }
    let now = UnixTime::from_secs(1_440_938_160);
    let _ = sigv4::verify(&request, now, &keys, ExpectedScope::default());
});
