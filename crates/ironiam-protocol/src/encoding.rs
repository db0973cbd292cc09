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

/// The RFC 4648 section 4 alphabet.
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard padded base64 (RFC 4648 section 4): how the Query protocol
/// carries `blob` members such as `QRCodePNG` and a credential report's
/// `Content`.
pub fn base64_encode(bytes: &[u8]) -> String {
    let symbol = |index: u32| {
        BASE64
            .get(usize::try_from(index & 0x3f).unwrap_or(0))
            .map_or('A', |&b| char::from(b))
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        for (slot, byte) in group.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        let [a, b, c] = group;
        let bits = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
        out.push(symbol(bits >> 18));
        out.push(symbol(bits >> 12));
        if chunk.len() > 1 {
            out.push(symbol(bits >> 6));
        } else {
            out.push('=');
        }
        if chunk.len() > 2 {
            out.push(symbol(bits));
        } else {
            out.push('=');
        }
    }
    out
}
