//! A minimal PNG writer for black-and-white images such as QR codes.
//!
//! The image is 1-bit grayscale (PNG colour type 0, bit depth 1), and the
//! zlib stream inside `IDAT` uses deflate's *stored* blocks: no compression,
//! so the writer needs neither a deflate implementation nor a dependency. A
//! QR code of a virtual MFA device is a few kilobytes this way, which is
//! fine for a one-time `CreateVirtualMFADevice` response.
//!
//! Formats: PNG (ISO/IEC 15948, <https://www.w3.org/TR/png/>), zlib
//! (RFC 1950) and deflate stored blocks (RFC 1951 section 3.2.4).

/// The eight bytes every PNG file starts with.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// The largest payload of one stored deflate block.
const STORED_BLOCK_MAX: usize = 0xffff;

/// Encodes a `width` x `height` black-and-white image; `is_dark(x, y)` says
/// whether the pixel at column `x`, row `y` is black.
pub fn bilevel(width: u32, height: u32, is_dark: impl Fn(u32, u32) -> bool) -> Vec<u8> {
    let row_bytes = usize::try_from(width.div_ceil(8)).unwrap_or(0);
    // Each row: filter type 0 (None), then the pixels packed MSB first. In
    // 1-bit grayscale a set bit is white, so dark pixels stay 0.
    let mut raw = Vec::with_capacity((row_bytes + 1) * usize::try_from(height).unwrap_or(0));
    for y in 0..height {
        raw.push(0);
        let mut byte = 0u8;
        for x in 0..width {
            if !is_dark(x, y) {
                byte |= 0x80 >> (x % 8);
            }
            if x % 8 == 7 {
                raw.push(byte);
                byte = 0;
            }
        }
        if !width.is_multiple_of(8) {
            raw.push(byte);
        }
    }

    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 1, colour type 0 (grayscale), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]);

    let mut png = Vec::with_capacity(raw.len() + raw.len() / STORED_BLOCK_MAX * 5 + 64);
    png.extend_from_slice(&SIGNATURE);
    chunk(&mut png, *b"IHDR", &ihdr);
    chunk(&mut png, *b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, *b"IEND", &[]);
    png
}

/// Appends one chunk: length, type, data, and the CRC of type and data.
fn chunk(png: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&length.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(&kind);
    png.extend_from_slice(data);
    let crc = crc32(png.get(start..).unwrap_or_default());
    png.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream holding `data` in stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let blocks = data.len().div_ceil(STORED_BLOCK_MAX).max(1);
    let mut out = Vec::with_capacity(2 + data.len() + blocks * 5 + 4);
    // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF*256+FLG a
    // multiple of 31, with no preset dictionary and the "fastest" level.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut pieces = data.chunks(STORED_BLOCK_MAX).peekable();
    if pieces.peek().is_none() {
        // An empty image still needs one (final, empty) block.
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(piece) = pieces.next() {
        let last = pieces.peek().is_none();
        // BFINAL in bit 0, BTYPE 00 (stored); the rest of the byte pads to a boundary.
        out.push(u8::from(last));
        let len = u16::try_from(piece.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(piece);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// The CRC-32 of PNG chunks and zlib's ISO-HDLC variant: reflected
/// polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &byte in data {
        let index = usize::from((crc as u8) ^ byte);
        crc = CRC_TABLE.get(index).copied().unwrap_or(0) ^ (crc >> 8);
    }
    crc ^ 0xffff_ffff
}

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        #[expect(
            clippy::indexing_slicing,
            reason = "`n` is below 256, the table's length"
        )]
        {
            table[n] = c;
        }
        n += 1;
    }
    table
}

/// zlib's Adler-32 checksum (RFC 1950 section 8.2).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` could overflow.
    for block in data.chunks(5552) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests;
