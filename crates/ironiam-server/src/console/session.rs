//! Console sessions: random 256-bit ids kept server-side, in memory.
//!
//! Only the SHA-256 of an id is stored, so the table never holds a usable cookie value.
//! Sessions end at restart (documented in docs/console.md): a console session is short
//! (idle 15 minutes, at most 12 hours), and an in-memory table needs no migration and
//! leaves nothing to steal on disk. `now` always comes from the injected clock.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use ironiam_protocol::encoding::hex_lower;
use ironiam_protocol::sigv4::sha256_hex;
use ironiam_store::id::{OsRandom, RandomSource};

/// A session ends after this long without a request.
pub(crate) const IDLE_TIMEOUT_SECS: i64 = 15 * 60;
/// A signed-in session ends this long after the password was accepted, however active.
pub(crate) const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// The most sessions kept; past it, expired ones are purged, then the least recently
/// used anonymous ones, so a flood of sign-in page views cannot exhaust memory.
const MAX_SESSIONS: usize = 20_000;

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signer {
    /// The account.
    pub(crate) account_id: String,
    /// The IAM user's unique ID and name, or `None` for the root user.
    pub(crate) user: Option<(String, String)>,
    /// When the password was accepted, UNIX seconds: the session's issue time.
    pub(crate) signed_in_at: i64,
}

impl Signer {
    /// Whether this is the root user.
    pub(crate) fn is_root(&self) -> bool {
        self.user.is_none()
    }
}

/// Why the change-password step is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordReason {
    /// An administrator set "must change at next sign-in".
    ResetRequired,
    /// The password is older than the password policy's `MaxPasswordAge`.
    Expired,
}

/// Where a session is in the sign-in sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Not signed in: only the sign-in pages.
    Anonymous,
    /// The password was right; an MFA code is due.
    Mfa,
    /// The account requires an MFA device and the user has none: the enrollment wizard.
    Enroll,
    /// The password must be changed before anything else.
    ChangePassword(PasswordReason),
    /// Signed in.
    Active,
}

/// A virtual MFA device created by the wizard and not yet enabled. The seed is kept
/// here because IAM returns it only once, and the QR code must survive a wrong code.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PendingDevice {
    /// The device's serial number (its ARN).
    pub(crate) serial: String,
    /// The base32 seed, as CreateVirtualMFADevice returned it.
    pub(crate) seed: String,
    /// The QR code PNG, base64, as CreateVirtualMFADevice returned it.
    pub(crate) qr_png_base64: String,
}

impl fmt::Debug for PendingDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingDevice")
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// A one-time notice shown on the next page (after a redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flash {
    /// Whether it reports a failure.
    pub(crate) error: bool,
    /// The text.
    pub(crate) text: String,
}

/// One session's state.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The CSRF token every POST must carry.
    pub(crate) csrf: String,
    /// When the session was created.
    pub(crate) created: i64,
    /// The last request.
    pub(crate) last_seen: i64,
    /// The sign-in stage.
    pub(crate) stage: Stage,
    /// Who signed in (from the password step on).
    pub(crate) signer: Option<Signer>,
    /// When the session last passed an MFA check: the source of
    /// `aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge`.
    pub(crate) mfa_at: Option<i64>,
    /// A notice for the next page.
    pub(crate) flash: Option<Flash>,
    /// The MFA wizard's device between its steps.
    pub(crate) pending_device: Option<PendingDevice>,
}

impl Session {
    /// A fresh anonymous session.
    pub(crate) fn anonymous(now: i64) -> Result<Self, SessionError> {
        Ok(Self {
            csrf: random_token()?,
            created: now,
            last_seen: now,
            stage: Stage::Anonymous,
            signer: None,
            mfa_at: None,
            flash: None,
            pending_device: None,
        })
    }

    /// Whether the session has ended at `now`.
    pub(crate) fn expired(&self, now: i64) -> bool {
        let started = self
            .signer
            .as_ref()
            .map_or(self.created, |s| s.signed_in_at);
        now - self.last_seen >= IDLE_TIMEOUT_SECS || now - started >= ABSOLUTE_TIMEOUT_SECS
    }

    /// When the session's credentials stop working, for `SessionFacts::expires_at`.
    pub(crate) fn expires_at(&self) -> i64 {
        self.signer
            .as_ref()
            .map_or(self.created, |s| s.signed_in_at)
            + ABSOLUTE_TIMEOUT_SECS
    }
}

/// The session table failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionError {
    /// The operating system's random source failed.
    #[error("no randomness for a session id: {0}")]
    Random(String),
}

/// 32 random bytes, hex: session ids and CSRF tokens.
pub(crate) fn random_token() -> Result<String, SessionError> {
    let mut bytes = [0u8; 32];
    OsRandom
        .fill(&mut bytes)
        .map_err(|e| SessionError::Random(e.to_string()))?;
    Ok(hex_lower(&bytes))
}

/// What a cookie's id found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// A live session (its `last_seen` already moved to now).
    Live(Box<Session>),
    /// The session timed out and was removed.
    Expired,
    /// No such session.
    Missing,
}

/// The session table.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stores `session` under a new random id and returns the id (the cookie value).
    pub(crate) fn insert(&self, session: Session, now: i64) -> Result<String, SessionError> {
        let id = random_token()?;
        let mut map = self.lock();
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, s| !s.expired(now));
        }
        if map.len() >= MAX_SESSIONS {
            let mut anonymous: Vec<(String, i64)> = map
                .iter()
                .filter(|(_, s)| s.stage == Stage::Anonymous)
                .map(|(k, s)| (k.clone(), s.last_seen))
                .collect();
            anonymous.sort_by_key(|(_, seen)| *seen);
            for (key, _) in anonymous.into_iter().take(MAX_SESSIONS / 10) {
                map.remove(&key);
            }
        }
        map.insert(sha256_hex(id.as_bytes()), session);
        Ok(id)
    }

    /// The session for a cookie's `id` at `now`, touching its idle timer.
    pub(crate) fn get(&self, id: &str, now: i64) -> Lookup {
        let key = sha256_hex(id.as_bytes());
        let mut map = self.lock();
        let Some(session) = map.get_mut(&key) else {
            return Lookup::Missing;
        };
        if session.expired(now) {
            map.remove(&key);
            return Lookup::Expired;
        }
        session.last_seen = now;
        Lookup::Live(Box::new(session.clone()))
    }

    /// Writes a session back under its id (if it still exists).
    pub(crate) fn update(&self, id: &str, session: Session) {
        let key = sha256_hex(id.as_bytes());
        let mut map = self.lock();
        if let Some(slot) = map.get_mut(&key) {
            *slot = session;
        }
    }

    /// Ends a session.
    pub(crate) fn remove(&self, id: &str) {
        self.lock().remove(&sha256_hex(id.as_bytes()));
    }

    /// Ends every session of one IAM user (the user was deleted, or signed out
    /// everywhere).
    pub(crate) fn remove_user(&self, user_id: &str) {
        self.lock().retain(|_, s| {
            s.signer
                .as_ref()
                .and_then(|signer| signer.user.as_ref())
                .is_none_or(|(id, _)| id != user_id)
        });
    }

    /// Ends every session.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// How many sessions are live or not yet purged.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Compares two tokens in time independent of where they differ.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
