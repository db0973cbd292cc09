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
