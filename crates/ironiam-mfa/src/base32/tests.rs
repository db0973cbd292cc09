use super::*;

/// RFC 4648 section 10.
const RFC4648: &[(&str, &str)] = &[
    ("", ""),
    ("f", "MY======"),
    ("fo", "MZXQ===="),
    ("foo", "MZXW6==="),
    ("foob", "MZXW6YQ="),
    ("fooba", "MZXW6YTB"),
    ("foobar", "MZXW6YTBOI======"),
];

#[test]
fn rfc4648_encode_without_padding() {
    for &(plain, encoded) in RFC4648 {
        assert_eq!(
            encode(plain.as_bytes()),
            encoded.trim_end_matches('='),
            "{plain:?}"
        );
    }
}

#[test]
fn rfc4648_decode_padded_and_unpadded() {
    for &(plain, encoded) in RFC4648 {
        assert_eq!(decode(encoded), Ok(plain.as_bytes().to_vec()), "{encoded}");
        let unpadded = encoded.trim_end_matches('=');
        assert_eq!(
            decode(unpadded),
            Ok(plain.as_bytes().to_vec()),
            "{unpadded}"
        );
    }
}

#[test]
fn decode_is_case_insensitive() {
    assert_eq!(decode("mzxw6ytboi"), Ok(b"foobar".to_vec()));
    assert_eq!(decode("MzXw6YtBoI======"), Ok(b"foobar".to_vec()));
}

#[test]
fn decode_rejects_bad_input_without_echoing_it() {
    assert_eq!(decode("MZXW1YTB"), Err(Base32Error::Character(4)));
    assert_eq!(decode("MZXW YTB"), Err(Base32Error::Character(4)));
    assert_eq!(decode("M"), Err(Base32Error::Length));
    assert_eq!(decode("MZX"), Err(Base32Error::Length));
    assert_eq!(decode("MZXW6Y"), Err(Base32Error::Length));
    assert_eq!(decode("MY=="), Err(Base32Error::Padding));
    assert_eq!(decode("MY==MY======"), Err(Base32Error::Padding));
    let message = Base32Error::Character(4).to_string();
    assert_eq!(message, "invalid base32 character at offset 4");
}

#[test]
fn twenty_byte_seeds_are_32_characters() {
    let seed: Vec<u8> = (0u8..20).collect();
    let text = encode(&seed);
    assert_eq!(text.len(), 32);
    assert_eq!(decode(&text), Ok(seed));
}
