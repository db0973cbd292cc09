//! Hex and percent-encoding, written out here because each is a few lines and
//! SigV4 needs exact control over which bytes are escaped.
//!
//! Two percent-decoders exist on purpose: [`percent_decode_lenient`] is what a
//! SigV4 verifier must use (it re-encodes whatever the client sent, so it must
//! never fail), while [`form_decode`] is strict, because the Query decoder has
//! to reject malformed input with `MalformedQueryString`.

#[cfg(test)]
mod tests;

use thiserror::Error;

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

#[expect(
    clippy::indexing_slicing,
    reason = "callers pass `b >> 4` or `b & 0x0f`, both < 16"
)]
fn nibble(table: &[u8; 16], n: u8) -> char {
    char::from(table[usize::from(n & 0x0f)])
}

/// Lowercase hex, as SigV4 uses for hashes and signatures.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(nibble(HEX_LOWER, b >> 4));
        out.push(nibble(HEX_LOWER, b & 0x0f));
    }
    out
}

/// Decodes hex of either case; `None` on odd length or a non-hex digit.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((hex_value(*hi)? << 4) | hex_value(*lo)?),
            _ => None,
        })
        .collect()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// RFC 3986 unreserved characters: the only bytes SigV4 leaves unescaped.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// SigV4 `UriEncode`: every byte except the unreserved set becomes `%XX` with
/// uppercase hex; `/` is kept only when `keep_slash` is set (paths).
///
/// See "Create a canonical request" in the AWS SigV4 documentation.
pub fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(nibble(HEX_UPPER, b >> 4));
            out.push(nibble(HEX_UPPER, b & 0x0f));
        }
    }
    out
}

/// Decodes `%XX` escapes and keeps anything else, including a malformed
/// escape, as literal bytes. `+` stays `+` (RFC 3986, not HTML forms).
pub fn percent_decode_lenient(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%'
            && let [hi, lo, after @ ..] = tail
            && let (Some(h), Some(l)) = (hex_value(*hi), hex_value(*lo))
        {
            out.push((h << 4) | l);
            rest = after;
            continue;
        }
        out.push(b);
        rest = tail;
    }
    out
}

/// Why a form-encoded component could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// A `%` not followed by two hex digits.
    #[error("invalid percent escape at byte {offset}")]
    BadEscape {
        /// Byte offset of the `%` within the component.
        offset: usize,
    },
    /// The decoded bytes are not UTF-8.
    #[error("decoded text is not valid UTF-8")]
    InvalidUtf8,
}

/// Strict `application/x-www-form-urlencoded` component decoding: `+` is a
/// space, `%XX` must be well formed, and the result must be UTF-8.
pub fn form_decode(component: &[u8]) -> Result<String, DecodeError> {
    let mut out = Vec::with_capacity(component.len());
    let mut offset = 0;
    let mut rest = component;
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'+' => {
                out.push(b' ');
                rest = tail;
                offset += 1;
            }
            b'%' => match tail {
                [hi, lo, after @ ..] => {
                    let (Some(h), Some(l)) = (hex_value(*hi), hex_value(*lo)) else {
                        return Err(DecodeError::BadEscape { offset });
                    };
                    out.push((h << 4) | l);
                    rest = after;
                    offset += 3;
                }
                _ => return Err(DecodeError::BadEscape { offset }),
            },
            _ => {
                out.push(b);
                rest = tail;
                offset += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::InvalidUtf8)
}

/// Form encoding for building Query requests in tests and clients: the SigV4
/// unreserved set stays, everything else (space included) becomes `%XX`.
pub fn form_encode(text: &str) -> String {
    uri_encode(text.as_bytes(), false)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 section 4), as AWS session tokens use.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |shift: u32| {
            let index = usize::try_from((n >> shift) & 0x3f).unwrap_or(0);
            BASE64.get(index).map_or('A', |c| char::from(*c))
        };
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// Decodes standard padded base64; `None` for anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        BASE64
            .iter()
            .position(|&a| a == c)
            .and_then(|p| u32::try_from(p).ok())
    };
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index + 1 == chunks;
        let padding = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if i >= 4 - padding { 0 } else { value(c)? };
            n = (n << 6) | v;
        }
        let [_, b0, b1, b2] = n.to_be_bytes();
        out.push(b0);
        if padding < 2 {
            out.push(b1);
        }
        if padding < 1 {
            out.push(b2);
        }
    }
    Some(out)
}
