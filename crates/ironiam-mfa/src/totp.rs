//! RFC 6238 time-based one-time passwords.
//!
//! AWS virtual MFA devices use HMAC-SHA1, 6 digits and 30-second steps from
//! the UNIX epoch ("Enabling a virtual MFA device", IAM User Guide); those
//! are the defaults here. SHA-256, SHA-512 and 7 or 8 digits are supported
//! for the RFC test vectors and other authenticators.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

/// The HMAC hash of a TOTP device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, what AWS and most authenticator apps use.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in `otpauth://` URIs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Invalid TOTP parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    /// Codes must have between 6 and 8 digits (RFC 4226 section 5.3).
    #[error("digits must be between 6 and 8, got `{0}`")]
    Digits(u32),
    /// A zero-length step would make every instant its own step.
    #[error("the time step must be at least one second")]
    Step,
}

/// Parameters of a TOTP device: hash, code length and step length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpParams {
    algorithm: Algorithm,
    digits: u32,
    period: u64,
}

impl Default for TotpParams {
    /// HMAC-SHA1, 6 digits, 30 seconds: AWS virtual MFA devices.
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
        }
    }
}

impl TotpParams {
    /// Checked constructor: `digits` in 6..=8, `period` of at least one second.
    pub fn new(algorithm: Algorithm, digits: u32, period: u64) -> Result<Self, TotpError> {
        if !(6..=8).contains(&digits) {
            return Err(TotpError::Digits(digits));
        }
        if period == 0 {
            return Err(TotpError::Step);
        }
        Ok(Self {
            algorithm,
            digits,
            period,
        })
    }

    /// The HMAC hash.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Number of decimal digits in a code.
    pub fn digits(&self) -> u32 {
        self.digits
    }

    /// Step length in seconds.
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The step that contains `now` (UNIX seconds), with T0 = 0.
    pub fn step_of(&self, now: u64) -> u64 {
        // `period` is never zero: `new` and `default` both guarantee it.
        now.checked_div(self.period).unwrap_or(0)
    }

    /// The code for `step`, as a number below `10^digits`.
    pub fn code_at(&self, secret: &[u8], step: u64) -> u32 {
        let counter = step.to_be_bytes();
        let truncated = match self.algorithm {
            Algorithm::Sha1 => truncate(&hmac::<Hmac<Sha1>>(secret, &counter)),
            Algorithm::Sha256 => truncate(&hmac::<Hmac<Sha256>>(secret, &counter)),
            Algorithm::Sha512 => truncate(&hmac::<Hmac<Sha512>>(secret, &counter)),
        };
        truncated % 10u32.pow(self.digits)
    }

    /// The code for `step`, zero-padded to `digits` characters.
    pub fn code_string_at(&self, secret: &[u8], step: u64) -> String {
        self.format(self.code_at(secret, step))
    }

    /// `code` zero-padded to `digits` characters.
    pub fn format(&self, code: u32) -> String {
        format!("{code:0width$}", width = self.digits as usize)
    }

    /// Whether `submitted` is a well-formed code: exactly `digits` ASCII digits.
    pub fn is_well_formed(&self, submitted: &str) -> bool {
        submitted.len() == self.digits as usize && submitted.bytes().all(|b| b.is_ascii_digit())
    }

    /// Compares `submitted` with the code for `step` in time independent of
    /// where they differ. The length is public (it is `digits`).
    pub fn matches(&self, secret: &[u8], step: u64, submitted: &str) -> bool {
        constant_time_eq(
            self.code_string_at(secret, step).as_bytes(),
            submitted.as_bytes(),
        )
    }
}

/// The 6-digit HMAC-SHA1 code for `step`, as AWS virtual MFA devices show it.
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    TotpParams::default().code_at(secret, step)
}

/// The 30-second step that contains `now` (UNIX seconds).
pub fn step_of(now: u64) -> u64 {
    TotpParams::default().step_of(now)
}

/// Byte-string equality that does not stop at the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hmac<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// RFC 4226 section 5.3 dynamic truncation.
#[expect(
    clippy::indexing_slicing,
    reason = "the offset is at most 15 and HMAC-SHA1 output, the shortest, is 20 bytes"
)]
fn truncate(mac: &[u8]) -> u32 {
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let bytes = [
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ];
    u32::from_be_bytes(bytes) & 0x7fff_ffff
}

#[cfg(test)]
mod tests;
