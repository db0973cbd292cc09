//! RFC 4648 base32, the encoding of AWS's `Base32StringSeed`.
//!
//! Output is unpadded upper case, as authenticator apps expect in
//! `otpauth://` URIs. Input is case-insensitive and may carry trailing `=`
//! padding. Errors give positions only: the text is a secret seed.

/// The RFC 4648 section 6 alphabet.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Malformed base32 text. Messages never repeat the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base32Error {
    /// A character outside the alphabet, at this byte offset.
    #[error("invalid base32 character at offset {0}")]
    Character(usize),
    /// A length no encoding produces (1, 3 or 6 characters in the last group).
    #[error("invalid base32 length")]
    Length,
    /// Padding in the middle of the text, or padded text whose length is not a multiple of 8.
    #[error("invalid base32 padding")]
    Padding,
}

/// Encodes `data` as unpadded upper-case base32.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &byte in data {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(symbol(buffer >> bits));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(symbol(buffer << (5 - bits)));
    }
    out
}

/// Decodes base32 text, case-insensitive, with or without `=` padding.
pub fn decode(text: &str) -> Result<Vec<u8>, Base32Error> {
    let body = text.trim_end_matches('=');
    if body.len() != text.len() && !text.len().is_multiple_of(8) {
        return Err(Base32Error::Padding);
    }
    if !matches!(body.len() % 8, 0 | 2 | 4 | 5 | 7) {
        return Err(Base32Error::Length);
    }
    let mut out = Vec::with_capacity(body.len() * 5 / 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for (position, byte) in body.bytes().enumerate() {
        let value = match byte.to_ascii_uppercase() {
            upper @ b'A'..=b'Z' => upper - b'A',
            digit @ b'2'..=b'7' => digit - b'2' + 26,
            b'=' => return Err(Base32Error::Padding),
            _ => return Err(Base32Error::Character(position)),
        };
        buffer = (buffer << 5) | u16::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            // Truncation keeps the low byte, which is the one just completed.
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn symbol(value: u16) -> char {
    ALPHABET
        .get(usize::from(value & 0x1f))
        .map_or('A', |&b| char::from(b))
}

#[cfg(test)]
mod tests;
