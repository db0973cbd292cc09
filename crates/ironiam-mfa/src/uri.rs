//! Google Authenticator's Key URI format, the QR code payload of a virtual
//! MFA device (<https://github.com/google/google-authenticator/wiki/Key-Uri-Format>).

use crate::base32;
use crate::totp::TotpParams;

/// `otpauth://totp/ISSUER:LABEL?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`
/// for an AWS-style device. Issuer and label are percent-encoded.
pub fn otpauth_uri(issuer: &str, account_label: &str, secret: &[u8]) -> String {
    otpauth_uri_for(&TotpParams::default(), issuer, account_label, secret)
}

/// [`otpauth_uri`] for any TOTP parameters. An empty issuer is left out.
pub fn otpauth_uri_for(
    params: &TotpParams,
    issuer: &str,
    account_label: &str,
    secret: &[u8],
) -> String {
    let label = if issuer.is_empty() {
        percent_encode(account_label)
    } else {
        format!(
            "{}:{}",
            percent_encode(issuer),
            percent_encode(account_label)
        )
    };
    let mut uri = format!("otpauth://totp/{label}?secret={}", base32::encode(secret));
    if !issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.push_str(&percent_encode(issuer));
    }
    uri.push_str(&format!(
        "&algorithm={}&digits={}&period={}",
        params.algorithm().name(),
        params.digits(),
        params.period()
    ));
    uri
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
/// Spaces become `%20`, as the Key URI format asks, never `+`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
