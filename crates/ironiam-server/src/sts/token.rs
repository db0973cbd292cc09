//! Temporary credentials: `ASIA…` key IDs and self-contained session tokens.
//!
//! # Design
//! A session token is the session's claims (who, which account, when issued and
//! until when, when MFA was passed, session policies, and the secret access key)
//! sealed with XChaCha20-Poly1305 under the master key, bound to the access key ID,
//! and base64-encoded. Like AWS's, tokens are self-contained: issuing one writes
//! nothing, and verifying one needs no lookup, so sessions cost no storage and
//! survive restarts as long as the master key does. A token cannot be altered or
//! moved to another key ID without failing to open.
//!
//! The key ID carries its account, as AWS's do (`GetAccessKeyInfo` reads it back):
//! `ASIA` then 16 base32 characters of 80 bits, the 40-bit account number followed by
//! 40 random bits. Key IDs are not secrets; the random part only keeps them apart.

use std::fmt;

use ironiam_protocol::encoding::{base64_decode, base64_encode};
use ironiam_store::id::{self, RandomSource};
use ironiam_store::record::Tag;
use ironiam_store::secret::{MasterKey, SecretAccessKey, SecretError};
use serde::{Deserialize, Serialize};

/// The prefix of temporary access key IDs.
pub const SESSION_KEY_PREFIX: &str = "ASIA";

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Who a session acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// The account's root user.
    Root,
    /// An IAM user, by unique ID.
    User {
        /// The user's unique ID.
        id: String,
    },
    /// A role session.
    Role {
        /// The role's unique ID: a role deleted and recreated under the same name
        /// does not inherit the old role's sessions.
        id: String,
        /// The role's name.
        name: String,
        /// `RoleSessionName`.
        session_name: String,
    },
}

/// Which API issued a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Issuer {
    /// `GetSessionToken`.
    SessionToken,
    /// `AssumeRole`.
    AssumeRole,
}

/// What a session token carries.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The account the session acts in.
    pub account: String,
    /// Who it acts as.
    pub subject: Subject,
    /// Which API issued it.
    pub issuer: Issuer,
    /// When it was issued, UNIX seconds.
    pub issued_at: i64,
    /// When it expires, UNIX seconds.
    pub expires_at: i64,
    /// When MFA was passed, if it was.
    pub mfa_at: Option<i64>,
    /// The inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The managed session policies' ARNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_arns: Vec<String>,
    /// `SourceIdentity`: set once, by the first `AssumeRole` of a chain that passes
    /// it, and carried unchanged by every later session of the chain. (Added after
    /// the first release: tokens issued before it open with `None`.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// The session tags: those passed to `AssumeRole` plus the transitive tags
    /// inherited from the calling session (`aws:PrincipalTag/*` in the session).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Which of `tags` are transitive: they pass on to sessions this one assumes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitive_tag_keys: Vec<String>,
    /// The secret access key, for SigV4.
    pub secret: String,
}

impl fmt::Debug for SessionClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionClaims")
            .field("account", &self.account)
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("mfa_at", &self.mfa_at)
            .field("source_identity", &self.source_identity)
            .field("tags", &self.tags)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// Newly issued temporary credentials.
#[derive(Debug)]
pub struct Issued {
    /// `ASIA…`.
    pub access_key_id: String,
    /// The secret access key.
    pub secret: SecretAccessKey,
    /// The session token.
    pub token: String,
}

fn purpose(access_key_id: &str) -> String {
    format!("session-token/{access_key_id}")
}

/// Issues credentials for `claims` (whose `secret` is replaced by a fresh one).
///
/// # Errors
/// When the random source fails.
pub fn issue(
    master: &MasterKey,
    mut claims: SessionClaims,
    rng: &mut dyn RandomSource,
) -> Result<Issued, SecretError> {
    let access_key_id = session_key_id(&claims.account, rng)?;
    let secret = id::secret_access_key(rng)?;
    claims.secret = secret.expose().to_owned();
    let plain =
        zeroize::Zeroizing::new(serde_json::to_vec(&claims).map_err(|_| SecretError::Encrypt)?);
    claims.secret.clear();
    let sealed = master.seal_value(&purpose(&access_key_id), &plain, rng)?;
    Ok(Issued {
        access_key_id,
        secret,
        token: base64_encode(&sealed),
    })
}

/// Opens the token presented with `access_key_id`; `None` when it was not issued
/// for that key by this server's master key.
pub fn open(master: &MasterKey, access_key_id: &str, token: &str) -> Option<SessionClaims> {
    let sealed = base64_decode(token.trim())?;
    let plain = master.open_value(&purpose(access_key_id), &sealed)?;
    serde_json::from_slice(&plain).ok()
}

/// A new temporary access key ID for `account`.
///
/// # Errors
/// When the random source fails.
pub fn session_key_id(account: &str, rng: &mut dyn RandomSource) -> Result<String, SecretError> {
    let number: u64 = account.parse().unwrap_or(0) & ((1 << 40) - 1);
    let mut random = [0u8; 5];
    rng.fill(&mut random)?;
    let mut tail = 0u64;
    for byte in random {
        tail = (tail << 8) | u64::from(byte);
    }
    let bits = (u128::from(number) << 40) | u128::from(tail);
    let mut out = String::with_capacity(20);
    out.push_str(SESSION_KEY_PREFIX);
    for index in (0..16).rev() {
        let digit = usize::try_from((bits >> (index * 5)) & 0x1f).unwrap_or(0);
        out.push(BASE32.get(digit).map_or('A', |c| char::from(*c)));
    }
    Ok(out)
}

/// The account a temporary access key ID was issued in.
pub fn session_key_account(access_key_id: &str) -> Option<String> {
    let encoded = access_key_id.strip_prefix(SESSION_KEY_PREFIX)?;
    if encoded.len() != 16 {
        return None;
    }
    let mut bits = 0u128;
    for c in encoded.bytes() {
        let digit = BASE32.iter().position(|&b| b == c)?;
        bits = (bits << 5) | u128::try_from(digit).ok()?;
    }
    let account = bits >> 40;
    (100_000_000_000..1_000_000_000_000)
        .contains(&account)
        .then(|| format!("{account:012}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use ironiam_store::id::OsRandom;

    fn claims() -> SessionClaims {
        SessionClaims {
            account: "111122223333".to_owned(),
            subject: Subject::User {
                id: "AIDAEXAMPLE".to_owned(),
            },
            issuer: Issuer::SessionToken,
            issued_at: 1_700_000_000,
            expires_at: 1_700_043_200,
            mfa_at: Some(1_700_000_000),
            policy: None,
            policy_arns: Vec::new(),
            source_identity: None,
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            secret: String::new(),
        }
    }

    #[test]
    fn claims_sealed_before_session_tags_existed_still_open() {
        // A token from a release without source identity and session tags: the new
        // fields default, so sessions survive an upgrade.
        let old = r#"{"account":"111122223333","subject":{"type":"root"},"issuer":"session_token","issued_at":1,"expires_at":2,"mfa_at":null,"secret":"s"}"#;
        let claims: SessionClaims = serde_json::from_str(old).unwrap();
        assert_eq!(claims.source_identity, None);
        assert!(claims.tags.is_empty() && claims.transitive_tag_keys.is_empty());
    }

    #[test]
    fn a_token_opens_only_with_its_key_id_and_master_key() {
        let master = MasterKey::from_bytes([7; 32]);
        let issued = issue(&master, claims(), &mut OsRandom).unwrap();
        assert!(issued.access_key_id.starts_with("ASIA"));
        assert_eq!(issued.access_key_id.len(), 20);
        let opened = open(&master, &issued.access_key_id, &issued.token).unwrap();
        assert_eq!(opened.secret, issued.secret.expose());
        assert_eq!(opened.subject, claims().subject);
        let other = session_key_id("111122223333", &mut OsRandom).unwrap();
        assert!(open(&master, &other, &issued.token).is_none());
        assert!(
            open(
                &MasterKey::from_bytes([8; 32]),
                &issued.access_key_id,
                &issued.token
            )
            .is_none()
        );
        let mut tampered = issued.token.clone().into_bytes();
        if let Some(byte) = tampered.get_mut(10) {
            *byte = if *byte == b'A' { b'B' } else { b'A' };
        }
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(open(&master, &issued.access_key_id, &tampered).is_none());
        assert!(open(&master, &issued.access_key_id, "not base64!").is_none());
    }

    #[test]
    fn the_key_id_carries_its_account() {
        for account in ["111122223333", "100000000000", "999999999999"] {
            let id = session_key_id(account, &mut OsRandom).unwrap();
            assert_eq!(session_key_account(&id).as_deref(), Some(account));
        }
        assert_eq!(session_key_account("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(session_key_account("ASIA"), None);
        assert_eq!(session_key_account("ASIA!!!!!!!!!!!!!!!!"), None);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let mut c = claims();
        c.secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned();
        assert!(!format!("{c:?}").contains("wJalr"));
    }
}
