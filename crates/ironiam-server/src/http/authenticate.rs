//! Who signed a request: SigV4 verification against the caller's key, the caller's
//! snapshot (key, principal, compiled policies), and AccessKeyLastUsed.
//!
//! Every protocol (Query for IAM and STS, JSON for Organizations and Config, the
//! console's API calls) authenticates here, so a caller is the same principal with
//! the same context whichever endpoint it calls.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use axum::http::request::Parts;
use ironiam_policy::Caller;
use ironiam_protocol::query::QueryParams;
use ironiam_protocol::sigv4::{self, ExpectedScope, Mismatch, SecretKey};
use ironiam_protocol::time::UnixTime;
use ironiam_store::record::{AccessKeyLastUsed, AccessKeyStatus, Timestamp};
use ironiam_store::{StoreExt, Transaction};

use super::error::ApiError;
use crate::authz::{self, CallerSnapshot, Principal, RoleSession, SessionFacts, SessionKind};
use crate::state::AppState;
use crate::sts::token::{self, Issuer, SessionClaims, Subject};

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

/// Verifies the request's signature and resolves its caller. `query` is the request's
/// query string as the endpoint decoded it for the operation: SigV4 is verified over
/// exactly those pairs. `services` are the
/// credential-scope services this endpoint answers (the first is named in the error
/// when the scope names another); `must_sign` are the headers (lowercase name,
/// display name) the endpoint refuses to take unsigned.
///
/// # Errors
/// SigV4 errors, `InvalidClientTokenId` for unknown, inactive or orphaned keys, and
/// store faults.
pub fn authenticate(
    state: &AppState,
    parts: &Parts,
    query: &QueryParams,
    body: &[u8],
    now: UnixTime,
    services: &[&str],
    must_sign: &[(&str, &'static str)],
) -> Result<Authenticated, ApiError> {
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
        .collect();
    let sig_request = sigv4::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query,
        headers: &headers,
        body,
    };
    // The scope's service is checked before any key is looked up, like the other
    // cheap checks `verify` runs first.
    let inputs = sigv4::prepare(&sig_request)?;
    inputs.require_signed(must_sign)?;
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
    // Why a temporary key was refused, reported instead of the generic error.
    let refused: RefCell<Option<ApiError>> = RefCell::new(None);
    let token = security_token(parts, query);
    let lookup = |id: &str| -> Option<SecretKey> {
        if let Some(snapshot) = state.callers.get(id)
            && snapshot.token.as_deref() == token.as_deref()
        {
            let secret = snapshot.secret.clone();
            *found.borrow_mut() = Some(snapshot);
            return Some(secret);
        }
        if id.starts_with(token::SESSION_KEY_PREFIX) {
            return match session_snapshot(state, id, token.as_deref(), now) {
                Ok(snapshot) => {
                    let secret = snapshot.secret.clone();
                    *found.borrow_mut() = Some(snapshot);
                    Some(secret)
                }
                Err(err) => {
                    *refused.borrow_mut() = Some(err);
                    None
                }
            };
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
            key_id: key.id.clone(),
            key: Some(key),
            secret: secret.clone(),
            principal,
            policies: None,
            token: None,
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
    );
    let verified = match (verified, refused.into_inner()) {
        (Ok(verified), _) => verified,
        (Err(_), Some(reason)) => return Err(reason),
        (Err(err), None) => return Err(err.into()),
    };
    let mut snapshot = found.into_inner().ok_or(ApiError::InvalidClientTokenId)?;
    // A cached session outlives nothing: its expiry is checked on every request.
    if let Some(session) = &snapshot.principal.session
        && now.as_secs() >= session.expires_at
    {
        return Err(ApiError::ExpiredToken);
    }
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
    // Temporary credentials have no stored key to record on.
    let Some(key) = &snapshot.key else {
        return Ok(());
    };
    let recorded = key.last_used.as_ref();
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
    let key_id = key.id.clone();
    state.store.write(|tx| -> Result<(), ApiError> {
        let mut stored = tx.get_access_key(&key_id)?;
        stored.last_used = Some(last_used.clone());
        tx.update_access_key(&stored)?;
        Ok(())
    })?;
    if let Some(key) = &mut snapshot.key {
        key.last_used = Some(last_used);
    }
    Ok(())
}

/// The session token sent with the request: the `X-Amz-Security-Token` header, or
/// the query parameter of a presigned URL.
fn security_token<'a>(parts: &'a Parts, query: &'a QueryParams) -> Option<Cow<'a, str>> {
    if let Some(value) = parts.headers.get("x-amz-security-token") {
        return value.to_str().ok().map(Cow::Borrowed);
    }
    query.single("X-Amz-Security-Token").map(Cow::Borrowed)
}

/// The snapshot of a temporary key: its token opened, its subject still present.
fn session_snapshot(
    state: &AppState,
    key_id: &str,
    token: Option<&str>,

    now: UnixTime,
) -> Result<CallerSnapshot, ApiError> {
    let claims = token
        .and_then(|t| token::open(&state.master_key, key_id, t))
        .ok_or(ApiError::InvalidClientTokenId)?;
    if now.as_secs() >= claims.expires_at {
        return Err(ApiError::ExpiredToken);
    }
    let principal = state
        .store
        .read(|tx| session_principal(tx, key_id, &claims))?;
    Ok(CallerSnapshot {
        key_id: key_id.to_owned(),
        key: None,
        secret: SecretKey::new(claims.secret.as_str()),
        principal,
        policies: None,
        token: token.map(Arc::from),
    })
}

/// The principal a session acts as. A user or role deleted since the session began
/// takes its sessions with it.
fn session_principal(
    tx: &mut dyn Transaction,
    key_id: &str,
    claims: &SessionClaims,
) -> Result<Principal, ApiError> {
    let gone = |_| ApiError::InvalidClientTokenId;
    let account = claims.account.clone();
    let (user, role, arn) = match &claims.subject {
        Subject::Root => (None, None, format!("arn:aws:iam::{account}:root")),
        Subject::User { id } => {
            let user = tx.get_user_by_id(id).map_err(gone)?;
            if user.account_id != account {
                return Err(ApiError::InvalidClientTokenId);
            }
            let arn = user.arn.clone();
            (Some(user), None, arn)
        }
        Subject::Role {
            id,
            name,
            session_name,
        } => {
            let role = tx.get_role(&account, name).map_err(gone)?;
            if &role.id != id {
                return Err(ApiError::InvalidClientTokenId);
            }
            let arn = format!(
                "arn:aws:sts::{account}:assumed-role/{}/{session_name}",
                role.name
            );
            let session = RoleSession {
                role,
                session_name: session_name.clone(),
            };
            (None, Some(session), arn)
        }
    };
    let caller = Caller::parse(&arn).map_err(|e| ApiError::internal(e.0))?;
    let org = crate::authz::principal_org(tx, &account)?;
    Ok(Principal {
        account_id: account,
        access_key_id: key_id.to_owned(),
        user,
        role,
        caller,
        session: Some(SessionFacts {
            kind: match claims.issuer {
                Issuer::SessionToken => SessionKind::SessionToken,
                Issuer::AssumeRole => SessionKind::AssumedRole,
            },
            issued_at: claims.issued_at,
            expires_at: claims.expires_at,
            mfa_authenticated_at: claims.mfa_at,
            policy: claims.policy.clone(),
            policy_arns: claims.policy_arns.clone(),
            source_identity: claims.source_identity.clone(),
            tags: claims.tags.clone(),
            transitive_tag_keys: claims.transitive_tag_keys.clone(),
        }),
        org,
    })
}
