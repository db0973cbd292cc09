#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use proptest::prelude::*;

#[test]
fn hex_round_trip() {
    assert_eq!(hex_lower(&[0x00, 0xab, 0xff]), "00abff");
    assert_eq!(hex_decode("00ABff").unwrap(), vec![0x00, 0xab, 0xff]);
    assert_eq!(hex_decode("abc"), None);
    assert_eq!(hex_decode("zz"), None);
}

#[test]
fn uri_encode_keeps_unreserved_only() {
    assert_eq!(uri_encode(b"a b/c~d", true), "a%20b/c~d");
    assert_eq!(uri_encode(b"a b/c~d", false), "a%20b%2Fc~d");
    assert_eq!(uri_encode("ሴ".as_bytes(), false), "%E1%88%B4");
    assert_eq!(uri_encode(b"%2F+*", false), "%252F%2B%2A");
}

#[test]
fn lenient_decoding_keeps_bad_escapes() {
    assert_eq!(percent_decode_lenient("a%2Fb"), b"a/b");
    assert_eq!(percent_decode_lenient("a%zzb%"), b"a%zzb%");
    assert_eq!(percent_decode_lenient("a+b%4"), b"a+b%4");
}

#[test]
fn form_decoding_is_strict() {
    assert_eq!(form_decode(b"a+b%20c%2B").unwrap(), "a b c+");
    assert_eq!(
        form_decode(b"ab%2").unwrap_err(),
        DecodeError::BadEscape { offset: 2 }
    );
    assert_eq!(
        form_decode(b"a%G1").unwrap_err(),
        DecodeError::BadEscape { offset: 1 }
    );
    assert_eq!(form_decode(b"%FF").unwrap_err(), DecodeError::InvalidUtf8);
}

proptest! {
    #[test]
    fn form_encode_then_decode_is_identity(text in any::<String>()) {
        prop_assert_eq!(form_decode(form_encode(&text).as_bytes()).unwrap(), text);
    }

    #[test]
    fn lenient_decode_never_panics(text in any::<String>()) {
        let _ = percent_decode_lenient(&text);
    }

    #[test]
    fn hex_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(hex_decode(&hex_lower(&bytes)).unwrap(), bytes);
    }
}

#[test]
fn base64_matches_rfc4648_vectors() {
    // RFC 4648 section 10.
    let vectors = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, encoded) in vectors {
        assert_eq!(base64_encode(plain.as_bytes()), encoded);
        assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()));
    }
    assert_eq!(base64_encode(&[0xfb, 0xff, 0xbf]), "+/+/");
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(base64_decode(&base64_encode(&all)), Some(all));
}

#[test]
fn base64_rejects_malformed_text() {
    for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zm 9"] {
        assert_eq!(base64_decode(bad), None, "{bad}");
    }
}
