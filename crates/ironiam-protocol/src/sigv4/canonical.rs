//! The canonical request, built exactly as AWS specifies for services other
//! than S3 ("Create a canonical request for Signature Version 4", AWS
//! General Reference / IAM User Guide).
//!
//! The one subtle rule is the path. Clients send a path that is already
//! percent-encoded on the wire (`/%E1%88%B4`), and for every service but S3
//! the signer URI-encodes it once more (`/%25E1%2588%25B4`) after removing
//! `.`/`..` segments and empty segments. We receive the wire form, so
//! normalizing it and encoding it once reproduces what every SDK signed.

use sha2::{Digest, Sha256};

use crate::encoding::{hex_lower, uri_encode};
use crate::query::QueryParams;

use super::Request;

/// The canonical URI: dot segments and repeated slashes removed, then every
/// byte outside the unreserved set (and `/`) percent-encoded.
pub fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for segment in path.split('/') {
        trailing_slash = false;
        match segment {
            "" => trailing_slash = true,
            "." => trailing_slash = true,
            ".." => {
                segments.pop();
                trailing_slash = true;
            }
            other => segments.push(other),
        }
    }
    let mut normalized = String::with_capacity(path.len() + 1);
    for segment in &segments {
        normalized.push('/');
        normalized.push_str(segment);
    }
    if segments.is_empty() || trailing_slash {
        normalized.push('/');
    }
    uri_encode(normalized.as_bytes(), true)
}

/// The canonical query string: each decoded parameter re-encoded with the SigV4
/// rules, sorted by name then value. A presigned request's own `X-Amz-Signature` is
/// left out, as the signer had not computed it yet.
///
/// It is built from the same [`QueryParams`] the operation reads (one decoding, with
/// `+` as a space as in every form), never from a second decoding of the raw string:
/// two decoders that disagree on `+` let a presigned URL's `a%2Bb` (signed as `a+b`)
/// be sent as `a+b` and run as `a b` under the same signature.
pub fn canonical_query(query: &QueryParams, exclude_signature: bool) -> String {
    let mut pairs: Vec<(String, String)> = query
        .pairs()
        .filter(|(key, _)| !(exclude_signature && *key == "X-Amz-Signature"))
        .map(|(key, value)| {
            (
                uri_encode(key.as_bytes(), false),
                uri_encode(value.as_bytes(), false),
            )
        })
        .collect();
    pairs.sort_unstable();
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Trims a header value and collapses every run of whitespace to one space
/// (the "Trimall" step; the test suite's `get-header-value-trim` shows it
/// applies inside quotes too).
fn trim_all(value: &str, out: &mut String) {
    let mut pending_space = false;
    for word in value
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
    {
        if pending_space {
            out.push(' ');
        }
        out.push_str(word);
        pending_space = true;
    }
}

/// The canonical headers block (each `name:value\n`) for the signed header
/// names in the order the client listed them. Repeated headers are joined
/// with commas in arrival order; a signed header that is absent contributes
/// an empty value, which then fails the signature check.
pub fn canonical_headers(request: &Request<'_>, signed: &[String]) -> String {
    let mut out = String::new();
    for name in signed {
        out.push_str(name);
        out.push(':');
        let mut first = true;
        for (_, value) in request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            if !first {
                out.push(',');
            }
            trim_all(value, &mut out);
            first = false;
        }
        out.push('\n');
    }
    out
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

/// Assembles the six lines of the canonical request.
pub fn canonical_request(
    request: &Request<'_>,
    signed: &[String],
    exclude_signature: bool,
    payload_hash: &str,
) -> String {
    let mut out = String::new();
    out.push_str(request.method);
    out.push('\n');
    out.push_str(&canonical_uri(request.path));
    out.push('\n');
    out.push_str(&canonical_query(request.query, exclude_signature));
    out.push('\n');
    out.push_str(&canonical_headers(request, signed));
    out.push('\n');
    out.push_str(&signed.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
}
