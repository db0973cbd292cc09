//! Compiled policies, cached by identity and content.
//!
//! The key is the policy's identity (managed ARN and version, or inline
//! owner and name) plus a SHA-256 of the text, so a changed document never
//! hits a stale entry; `clear` drops everything (reset), and the map is
//! emptied when it grows past a bound so deleted policies do not pile up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ironiam_policy::{Policy, PolicyKind};
use ironiam_protocol::sigv4::sha256_hex;

use crate::http::error::ApiError;

const MAX_ENTRIES: usize = 10_000;

/// Compiled policies by key.
#[derive(Debug, Default)]
pub struct PolicyCache {
    map: Mutex<HashMap<String, Arc<Policy>>>,
}

impl PolicyCache {
    /// The compiled policy for `text`, compiling it on a miss.
    ///
    /// # Errors
    /// `ServiceFailure` when a stored document no longer compiles.
    pub fn get_or_compile(
        &self,
        id: &str,
        text: &str,
        kind: PolicyKind,
    ) -> Result<Arc<Policy>, ApiError> {
        let key = format!("{id}#{}", sha256_hex(text.as_bytes()));
        if let Some(hit) = self.lock().get(&key) {
            return Ok(Arc::clone(hit));
        }
        let policy =
            Arc::new(Policy::new(id, text, kind).map_err(|e| {
                ApiError::internal(format!("stored policy `{id}` is invalid: {e}"))
            })?);
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, Arc::clone(&policy));
        Ok(policy)
    }

    /// Empties the cache.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many policies are cached.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Policy>>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a request needs to know about the key that signed it, and its owner's policies:
/// read from the store once, then reused until any IAM write changes the account.
#[derive(Debug, Clone)]
pub struct CallerSnapshot {
    /// The access key ID that signed the request.
    pub key_id: String,
    /// The stored access key (its secret still sealed); `None` for temporary
    /// credentials, which live in their session token, not in the store.
    pub key: Option<ironiam_store::record::AccessKey>,
    /// For temporary credentials, the session token they came with: a cached snapshot
    /// serves only requests that carry the same token. (Kept whole rather than as a
    /// digest: comparing it costs less than hashing it on every request, and it holds
    /// nothing the snapshot's unsealed secret does not.)
    pub token: Option<Arc<str>>,
    /// The secret, unsealed, for SigV4.
    pub secret: ironiam_protocol::sigv4::SecretKey,
    /// The caller.
    pub principal: crate::authz::Principal,
    /// The caller's identity policies and permissions boundary, compiled; `None` until
    /// the first authorization.
    pub policies: Option<Arc<CallerPolicies>>,
}

/// The compiled identity policies and boundary of one caller, its session's policies,
/// and the SCPs that bind its account.
#[derive(Debug)]
pub struct CallerPolicies {
    /// Inline and attached policies of the user and of its groups.
    pub identity: Vec<Arc<Policy>>,
    /// The permissions boundary.
    pub boundary: Option<Arc<Policy>>,
    /// The session's policies, when it was given any: then one of them must allow.
    pub session: Option<Vec<Arc<Policy>>>,
    /// The service control policies by level, from the organization's root down to
    /// the account (see `authz::scp`); `None` outside an organization and in its
    /// management account. Every Organizations write bumps the caller cache, so a
    /// snapshot never carries SCPs older than the last attachment, detachment,
    /// update or move.
    pub service_control: Option<Vec<Vec<Arc<Policy>>>>,
}

impl CallerPolicies {
    /// The SCP levels borrowed as the policy engine's `PolicySet::service_control`
    /// wants them.
    pub fn service_control_levels(&self) -> Option<Vec<Vec<&Policy>>> {
        self.service_control.as_ref().map(|levels| {
            levels
                .iter()
                .map(|level| level.iter().map(Arc::as_ref).collect())
                .collect()
        })
    }
}

/// Snapshots of callers by access key id, stamped with the write generation they were
/// read at. Every operation that can change users, groups, policies or keys bumps the
/// generation (see `http::query`), which retires every snapshot at once: a read after a
/// write always sees the write, with no invalidation logic per entity.
#[derive(Debug, Default)]
pub struct CallerCache {
    generation: std::sync::atomic::AtomicU64,
    map: Mutex<HashMap<String, (u64, CallerSnapshot)>>,
}

impl CallerCache {
    /// The current write generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Retires every snapshot: call after any write that may change a caller.
    pub fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.lock().clear();
    }

    /// The snapshot of `key_id`, if it is from the current generation.
    pub fn get(&self, key_id: &str) -> Option<CallerSnapshot> {
        let generation = self.generation();
        self.lock()
            .get(key_id)
            .filter(|(stamp, _)| *stamp == generation)
            .map(|(_, snapshot)| snapshot.clone())
    }

    /// Stores a snapshot read at `generation` (a snapshot read before a bump is dropped).
    pub fn put(&self, generation: u64, snapshot: CallerSnapshot) {
        if generation != self.generation() {
            return;
        }
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(snapshot.key_id.clone(), (generation, snapshot));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, CallerSnapshot)>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
