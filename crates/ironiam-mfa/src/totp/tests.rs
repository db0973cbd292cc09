#![allow(clippy::unwrap_used)]

use super::*;

const SEED_SHA1: &[u8] = b"12345678901234567890";
const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

/// RFC 6238 Appendix B: (time, SHA1, SHA256, SHA512), 8 digits.
const RFC6238: &[(u64, u32, u32, u32)] = &[
    (59, 94287082, 46119246, 90693936),
    (1111111109, 7081804, 68084774, 25091201),
    (1111111111, 14050471, 67062674, 99943326),
    (1234567890, 89005924, 91819424, 93441116),
    (2000000000, 69279037, 90698825, 38618901),
    (20000000000, 65353130, 77737706, 47863826),
];

fn params(algorithm: Algorithm, digits: u32) -> TotpParams {
    TotpParams::new(algorithm, digits, 30).unwrap()
}

#[test]
fn rfc6238_appendix_b_eight_digits() {
    for &(time, sha1, sha256, sha512) in RFC6238 {
        for (algorithm, seed, expected) in [
            (Algorithm::Sha1, SEED_SHA1, sha1),
            (Algorithm::Sha256, SEED_SHA256, sha256),
            (Algorithm::Sha512, SEED_SHA512, sha512),
        ] {
            let p = params(algorithm, 8);
            assert_eq!(
                p.code_at(seed, p.step_of(time)),
                expected,
                "{algorithm} at {time}"
            );
        }
    }
}

#[test]
fn rfc6238_appendix_b_six_digit_truncations() {
    for &(time, sha1, _, _) in RFC6238 {
        assert_eq!(
            code_at(SEED_SHA1, step_of(time)),
            sha1 % 1_000_000,
            "at {time}"
        );
    }
}

#[test]
fn rfc6238_zero_padded_strings() {
    let p = params(Algorithm::Sha1, 8);
    assert_eq!(
        p.code_string_at(SEED_SHA1, p.step_of(1111111109)),
        "07081804"
    );
    assert_eq!(
        TotpParams::default().code_string_at(SEED_SHA1, step_of(1111111109)),
        "081804"
    );
}

/// RFC 4226 Appendix D: HOTP is TOTP with the counter as the step.
#[test]
fn rfc4226_appendix_d() {
    let expected = [
        755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
    ];
    for (counter, code) in (0u64..).zip(expected) {
        assert_eq!(code_at(SEED_SHA1, counter), code, "counter {counter}");
    }
}

#[test]
fn steps_are_thirty_seconds_from_the_epoch() {
    assert_eq!(step_of(0), 0);
    assert_eq!(step_of(29), 0);
    assert_eq!(step_of(30), 1);
    assert_eq!(step_of(59), 1);
    assert_eq!(step_of(u64::MAX), u64::MAX / 30);
}

#[test]
fn parameters_are_checked() {
    assert_eq!(
        TotpParams::new(Algorithm::Sha1, 5, 30),
        Err(TotpError::Digits(5))
    );
    assert_eq!(
        TotpParams::new(Algorithm::Sha1, 9, 30),
        Err(TotpError::Digits(9))
    );
    assert_eq!(TotpParams::new(Algorithm::Sha1, 6, 0), Err(TotpError::Step));
    assert_eq!(
        TotpParams::new(Algorithm::Sha1, 6, 30),
        Ok(TotpParams::default())
    );
}

#[test]
fn matching_requires_exact_width() {
    let p = TotpParams::default();
    let step = step_of(1111111109);
    assert!(p.matches(SEED_SHA1, step, "081804"));
    assert!(!p.matches(SEED_SHA1, step, "81804"));
    assert!(!p.matches(SEED_SHA1, step, "0081804"));
    assert!(!p.matches(SEED_SHA1, step, "081805"));
    assert!(p.is_well_formed("081804"));
    assert!(!p.is_well_formed("08180a"));
    assert!(!p.is_well_formed("０８１８０４"));
}

#[test]
fn constant_time_eq_is_equality() {
    assert!(constant_time_eq(b"", b""));
    assert!(constant_time_eq(b"123456", b"123456"));
    assert!(!constant_time_eq(b"123456", b"123457"));
    assert!(!constant_time_eq(b"123456", b"12345"));
}

#[test]
fn empty_and_long_keys_work() {
    // HMAC hashes keys longer than a block; neither case may panic.
    let _ = code_at(b"", 1);
    let _ = code_at(&[7u8; 200], 1);
}
