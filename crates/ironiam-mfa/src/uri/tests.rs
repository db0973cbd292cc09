#![allow(clippy::unwrap_used)]

use super::*;
use crate::totp::Algorithm;

#[test]
fn aws_style_uri() {
    assert_eq!(
        otpauth_uri("ironiam", "alice@123456789012", b"12345678901234567890"),
        "otpauth://totp/ironiam:alice%40123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=ironiam&algorithm=SHA1&digits=6&period=30"
    );
}

#[test]
fn issuer_and_label_are_percent_encoded() {
    let uri = otpauth_uri("Example Co:IAM", "bob/ops é", b"\x00");
    assert_eq!(
        uri,
        "otpauth://totp/Example%20Co%3AIAM:bob%2Fops%20%C3%A9?secret=AA\
         &issuer=Example%20Co%3AIAM&algorithm=SHA1&digits=6&period=30"
    );
}

#[test]
fn empty_issuer_is_left_out_and_parameters_follow_the_device() {
    let params = TotpParams::new(Algorithm::Sha256, 8, 60).unwrap();
    assert_eq!(
        otpauth_uri_for(&params, "", "carol", b"foobar"),
        "otpauth://totp/carol?secret=MZXW6YTBOI&algorithm=SHA256&digits=8&period=60"
    );
}
