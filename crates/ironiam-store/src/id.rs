//! Identifiers and the randomness behind them.
//!
//! IAM's unique IDs look like `AIDAJQABLZS4A3QDU576Q`: a four-letter prefix
//! naming the entity type, then 17 characters. Access key IDs are `AKIA` and 16
//! characters. Both use the base32 alphabet `A–Z2–7` (a subset of IAM's
//! documented "uppercase letters and digits"), so IDs read unambiguously.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes>
//!
//! Every generator takes a [`RandomSource`], so tests can make IDs
//! deterministic; production code passes [`OsRandom`].

use crate::secret::{SecretAccessKey, SecretError};

/// Where random bytes come from.
pub trait RandomSource {
    /// Fills `buf` with random bytes.
    ///
    /// # Errors
    /// When the source cannot produce randomness.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), SecretError>;
}

/// The operating system's cryptographically secure generator (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), SecretError> {
        getrandom::fill(buf).map_err(|err| SecretError::Random(err.to_string()))
    }
}

/// The prefix of a user's unique ID.
pub const USER_PREFIX: &str = "AIDA";
/// The prefix of a group's unique ID.
pub const GROUP_PREFIX: &str = "AGPA";
/// The prefix of a role's unique ID.
pub const ROLE_PREFIX: &str = "AROA";
/// The prefix of a managed policy's unique ID.
pub const POLICY_PREFIX: &str = "ANPA";
/// The prefix of a long-term access key ID.
pub const ACCESS_KEY_PREFIX: &str = "AKIA";

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The alphabet of AWS secret access keys (base64's).
const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `len` characters drawn uniformly from `alphabet`, whose length divides 256
/// (32 or 64), so reducing a byte modulo it is unbiased.
fn random_chars(
    rng: &mut dyn RandomSource,
    alphabet: &[u8],
    len: usize,
) -> Result<String, SecretError> {
    let mut bytes = vec![0u8; len];
    rng.fill(&mut bytes)?;
    let mut out = String::with_capacity(len);
    for byte in &bytes {
        let index = usize::from(*byte) % alphabet.len();
        if let Some(c) = alphabet.get(index) {
            out.push(char::from(*c));
        }
    }
    bytes.fill(0);
    Ok(out)
}

/// A unique ID: `prefix` followed by 17 base32 characters.
///
/// # Errors
/// When `rng` fails.
pub fn unique_id(prefix: &str, rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!("{prefix}{}", random_chars(rng, BASE32, 17)?))
}

/// An access key ID: `AKIA` followed by 16 base32 characters.
///
/// # Errors
/// When `rng` fails.
pub fn access_key_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!(
        "{ACCESS_KEY_PREFIX}{}",
        random_chars(rng, BASE32, 16)?
    ))
}

/// A new secret access key: 40 characters of the base64 alphabet (240 bits).
///
/// # Errors
/// When `rng` fails.
pub fn secret_access_key(rng: &mut dyn RandomSource) -> Result<SecretAccessKey, SecretError> {
    random_chars(rng, SECRET_ALPHABET, 40).map(SecretAccessKey::new)
}

/// A 12-digit account ID that does not start with `0`.
///
/// # Errors
/// When `rng` fails.
pub fn account_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    let mut bytes = [0u8; 8];
    rng.fill(&mut bytes)?;
    // 9 * 10^11 choices for the range 10^11 ..= 10^12 - 1; the modulo bias over
    // a 64-bit draw is below 2^-24, irrelevant for an identifier.
    let span: u64 = 900_000_000_000;
    let id = 100_000_000_000 + u64::from_le_bytes(bytes) % span;
    Ok(id.to_string())
}
