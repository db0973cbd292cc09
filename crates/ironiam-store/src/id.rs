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

/// The alphabet of AWS Organizations IDs: lowercase letters and digits.
const LOWER_ALNUM: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters drawn uniformly from [`LOWER_ALNUM`]. 36 does not divide 256, so
/// bytes of 252 and above are drawn again rather than reduced (no modulo bias).
fn lower_alnum(rng: &mut dyn RandomSource, len: usize) -> Result<String, SecretError> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        rng.fill(&mut buf)?;
        for byte in buf {
            if out.len() == len {
                break;
            }
            if byte < 252
                && let Some(c) = LOWER_ALNUM.get(usize::from(byte) % LOWER_ALNUM.len())
            {
                out.push(char::from(*c));
            }
        }
    }
    buf.fill(0);
    Ok(out)
}

/// An organization ID: `o-` and 10 lowercase letters or digits (the model allows
/// 10–32; AWS issues 10).
///
/// # Errors
/// When `rng` fails.
pub fn organization_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!("o-{}", lower_alnum(rng, 10)?))
}

/// A root ID: `r-` and 4 lowercase letters or digits.
///
/// # Errors
/// When `rng` fails.
pub fn org_root_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!("r-{}", lower_alnum(rng, 4)?))
}

/// An OU ID: `ou-`, the characters of the root's ID after `r-`, `-`, and 8 lowercase
/// letters or digits, as AWS forms them (`ou-ab12-cdefgh34` under `r-ab12`).
///
/// # Errors
/// When `rng` fails.
pub fn org_unit_id(root_id: &str, rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    let root = root_id.strip_prefix("r-").unwrap_or(root_id);
    Ok(format!("ou-{root}-{}", lower_alnum(rng, 8)?))
}

/// A policy ID: `p-` and 8 lowercase letters or digits.
///
/// # Errors
/// When `rng` fails.
pub fn org_policy_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!("p-{}", lower_alnum(rng, 8)?))
}

/// A `CreateAccount` request ID: `car-` and 32 lowercase letters or digits.
///
/// # Errors
/// When `rng` fails.
pub fn create_account_request_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!("car-{}", lower_alnum(rng, 32)?))
}

/// An AWS Config rule ID: `config-rule-` and 6 lowercase letters or digits, as AWS
/// Config issues them (`config-rule-a1b2c3`).
///
/// # Errors
/// When `rng` fails.
pub fn config_rule_id(rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    Ok(format!("config-rule-{}", lower_alnum(rng, 6)?))
}
