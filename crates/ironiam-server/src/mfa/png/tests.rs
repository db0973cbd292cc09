#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

#[test]
fn checksums_match_published_check_values() {
    // The CRC-32 catalogue's check value for "123456789" (CRC-32/ISO-HDLC).
    assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    // Every PNG ends with the same IEND chunk: its CRC is AE 42 60 82.
    assert_eq!(crc32(b"IEND"), 0xae42_6082);
    // RFC 1950's Adler-32 of "Wikipedia", the textbook example.
    assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    assert_eq!(adler32(b""), 1);
    // Long runs exercise the deferred modulo.
    let zeros_then_ff = vec![0xffu8; 100_000];
    let (mut a, mut b) = (1u64, 0u64);
    for &byte in &zeros_then_ff {
        a = (a + u64::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    assert_eq!(u64::from(adler32(&zeros_then_ff)), (b << 16) | a);
}

/// Splits a PNG into (type, data) chunks, checking each CRC.
fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    assert_eq!(&png[..8], &SIGNATURE);
    let mut out = Vec::new();
    let mut at = 8;
    while at < png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
        let data = png[at + 8..at + 8 + len].to_vec();
        let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
        assert_eq!(crc, crc32(&png[at + 4..at + 8 + len]));
        out.push((kind, data));
        at += 12 + len;
    }
    out
}

/// Reads back a zlib stream made of stored blocks.
fn inflate_stored(zlib: &[u8]) -> Vec<u8> {
    assert_eq!((u16::from(zlib[0]) * 256 + u16::from(zlib[1])) % 31, 0);
    let mut out = Vec::new();
    let mut at = 2;
    loop {
        let header = zlib[at];
        assert_eq!(header & 0b110, 0, "stored blocks only");
        let len = u16::from_le_bytes([zlib[at + 1], zlib[at + 2]]);
        let nlen = u16::from_le_bytes([zlib[at + 3], zlib[at + 4]]);
        assert_eq!(len, !nlen);
        out.extend_from_slice(&zlib[at + 5..at + 5 + usize::from(len)]);
        at += 5 + usize::from(len);
        if header & 1 == 1 {
            break;
        }
    }
    assert_eq!(
        u32::from_be_bytes(zlib[at..at + 4].try_into().unwrap()),
        adler32(&out)
    );
    assert_eq!(at + 4, zlib.len());
    out
}

#[test]
fn small_image_has_the_png_layout() {
    // 10 x 2: a dark diagonal-ish pattern crossing a byte boundary.
    let png = bilevel(10, 2, |x, y| (x + y) % 3 == 0);
    let chunks = chunks(&png);
    let kinds: Vec<&[u8; 4]> = chunks.iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, [b"IHDR", b"IDAT", b"IEND"]);
    assert_eq!(chunks[0].1, [0, 0, 0, 10, 0, 0, 0, 2, 1, 0, 0, 0, 0]);
    let raw = inflate_stored(&chunks[1].1);
    // Row 0: dark at x = 0, 3, 6, 9 -> bits (1 = white) 0110 1101 10xx xxxx.
    // Row 1: dark at x = 2, 5, 8    -> bits           1101 1011 01xx xxxx.
    assert_eq!(
        raw,
        [0, 0b0110_1101, 0b1000_0000, 0, 0b1101_1011, 0b0100_0000]
    );
}

#[test]
fn large_images_span_several_stored_blocks() {
    let png = bilevel(1200, 500, |x, y| (x / 7 + y / 5).is_multiple_of(2));
    let chunks = chunks(&png);
    let raw = inflate_stored(&chunks[1].1);
    assert_eq!(raw.len(), 500 * (1 + 150));
    assert!(raw.len() > STORED_BLOCK_MAX);
    for (y, row) in raw.chunks(151).enumerate() {
        assert_eq!(row[0], 0, "filter type of row {y}");
        for x in 0..1200u32 {
            let white = row[1 + (x / 8) as usize] & (0x80 >> (x % 8)) != 0;
            assert_eq!(
                !white,
                (x / 7 + y as u32 / 5).is_multiple_of(2),
                "pixel {x},{y}"
            );
        }
    }
}

#[test]
fn empty_data_still_makes_a_final_block() {
    assert!(inflate_stored(&zlib_stored(&[])).is_empty());
}
