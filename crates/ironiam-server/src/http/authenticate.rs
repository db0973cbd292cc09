//! Who signed a request: SigV4 verification against the caller's key, the caller's
//! snapshot (key, principal, compiled policies), and AccessKeyLastUsed.
//!
//! Every protocol (Query for IAM and STS, JSON for Organizations and Config, the
//! console's API calls) authenticates here, so a caller is the same principal with
//! the same context whichever endpoint it calls.

use std::cell::RefCell;

use axum::http::request::Parts;
use ironiam_protocol::sigv4::{self, ExpectedScope, Mismatch, SecretKey};
use ironiam_protocol::time::UnixTime;
use ironiam_store::StoreExt;
use ironiam_store::record::{AccessKeyLastUsed, AccessKeyStatus, Timestamp};

use super::error::ApiError;
use crate::authz::{self, CallerSnapshot};
use crate::state::AppState;

/// How long a recorded AccessKeyLastUsed date stays current before a new request records
/// it again.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

/// A verified request's caller.
#[derive(Debug)]
pub struct Authenticated {
    /// The caller's key, principal and (once read) policies.
    pub snapshot: CallerSnapshot,
    /// The region from the signature's credential scope.
    pub region: String,
    /// The service from the signature's credential scope, one of those allowed.
    pub service: String,
    /// The caller-cache generation the snapshot was read at: pass it to
    /// `CallerCache::put` when storing the snapshot back with its policies.
    pub generation: u64,
}

/// Verifies the request's signature and resolves its caller. `services` are the
/// credential-scope services this endpoint answers (the first is named in the error
/// when the scope names another).
///
/// # Errors
/// SigV4 errors, `InvalidClientTokenId` for unknown, inactive or orphaned keys, and
/// store faults.
pub fn authenticate(
    state: &AppState,
    parts: &Parts,
    body: &[u8],
    now: UnixTime,
    services: &[&str],
) -> Result<Authenticated, ApiError> {
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
        .collect();
    let sig_request = sigv4::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &headers,
        body,
    };
    // The scope's service is checked before any key is looked up, like the other
    // cheap checks `verify` runs first.
    let inputs = sigv4::prepare(&sig_request)?;
    let service = inputs.scope().service.clone();
    if !services.contains(&service.as_str()) {
        return Err(sigv4::SigV4Error::from(Mismatch::Service {
            expected: services.first().copied().unwrap_or_default().to_owned(),
        })
        .into());
    }
    // The caller's key, principal and policies come from the snapshot cache when no
    // write happened since they were read; otherwise from the store.
    let generation = state.callers.generation();
    let found: RefCell<Option<CallerSnapshot>> = RefCell::new(None);
    let lookup = |id: &str| -> Option<SecretKey> {
        if let Some(snapshot) = state.callers.get(id) {
            let secret = snapshot.secret.clone();
            *found.borrow_mut() = Some(snapshot);
            return Some(secret);
        }
        let (key, principal) = state
            .store
            .read(|tx| -> Result<_, ApiError> {
                let key = tx.get_access_key(id)?;
                let principal = authz::resolve(tx, &key)?;
                Ok((key, principal))
            })
            .ok()
            .filter(|(key, _)| key.status == AccessKeyStatus::Active)?;
        let secret = match state.master_key.decrypt(&key.id, &key.secret) {
            Ok(secret) => SecretKey::new(secret.expose()),
            Err(err) => {
                tracing::error!(%err, "cannot open a stored secret access key");
                return None;
            }
        };
        *found.borrow_mut() = Some(CallerSnapshot {
            key,
            secret: secret.clone(),
            principal,
            policies: None,
        });
        Some(secret)
    };
    let verified = sigv4::verify(
        &sig_request,
        now,
        &lookup,
        ExpectedScope {
            service: Some(&service),
            regions: None,
        },
    )?;
    let mut snapshot = found.into_inner().ok_or(ApiError::InvalidClientTokenId)?;
    let region = verified.scope.region.clone();
    record_last_used(state, &mut snapshot, now, &service, &region)?;
    Ok(Authenticated {
        snapshot,
        region,
        service,
        generation,
    })
}

/// Records AccessKeyLastUsed, at most once a minute per key: a write per request would
/// serialize every call on the store for a date nobody reads to the second.
fn record_last_used(
    state: &AppState,
    snapshot: &mut CallerSnapshot,
    now: UnixTime,
    service: &str,
    region: &str,
) -> Result<(), ApiError> {
    let recorded = snapshot.key.last_used.as_ref();
    let stale = recorded.is_none_or(|used| {
        now.as_secs() - used.last_used_date.as_secs() >= LAST_USED_RESOLUTION_SECS
            || used.region != region
            || used.service_name != service
    });
    if !stale {
        return Ok(());
    }
    let last_used = AccessKeyLastUsed {
        last_used_date: Timestamp::from_secs(now.as_secs()),
        service_name: service.to_owned(),
        region: region.to_owned(),
    };
    let key_id = snapshot.key.id.clone();
    state.store.write(|tx| -> Result<(), ApiError> {
        let mut stored = tx.get_access_key(&key_id)?;
        stored.last_used = Some(last_used.clone());
        tx.update_access_key(&stored)?;
        Ok(())
    })?;
    snapshot.key.last_used = Some(last_used);
    Ok(())
}
