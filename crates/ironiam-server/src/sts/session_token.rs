//! `GetSessionToken`: temporary credentials for a user or the root user, carrying
//! MFA context when a device code was given.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::KeyOwner;

use super::credentials::{self, mfa_input};
use super::token::{Issuer, SessionClaims, Subject};
use crate::http::error::ApiError;
use crate::iam::OpCtx;

/// AWS's default: 43,200 seconds (12 hours).
const DEFAULT_DURATION_SECS: i64 = 43_200;
/// "Sessions for AWS account owners are restricted to a maximum of 3,600 seconds
/// (one hour). If the duration is longer than one hour, the session for AWS account
/// owners defaults to one hour."
const ROOT_MAX_DURATION_SECS: i64 = 3_600;

pub(super) fn get_session_token(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let principal = ctx.principal;
    if principal.session.is_some() {
        return Err(ApiError::AccessDenied(
            "Cannot call GetSessionToken with session credentials".to_owned(),
        ));
    }
    let owner = principal.key_owner().ok_or_else(|| {
        ApiError::AccessDenied("Cannot call GetSessionToken with session credentials".to_owned())
    })?;
    // The model has already held DurationSeconds to 900..=129600.
    let requested = input
        .get("DurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_DURATION_SECS);
    let (subject, duration) = match &owner {
        KeyOwner::Root => (Subject::Root, requested.min(ROOT_MAX_DURATION_SECS)),
        KeyOwner::User(id) => (Subject::User { id: id.clone() }, requested),
    };
    let mfa_at = match mfa_input(input)? {
        Some((serial, code)) => {
            crate::mfa::authenticate(ctx.state, ctx.account(), &owner, serial, code, ctx.now)?;
            Some(ctx.now)
        }
        None => None,
    };
    let expires_at = ctx.now + duration;
    let issued = credentials::issue(
        ctx.state,
        SessionClaims {
            account: ctx.account().to_owned(),
            subject,
            issuer: Issuer::SessionToken,
            issued_at: ctx.now,
            expires_at,
            mfa_at,
            policy: None,
            policy_arns: Vec::new(),
            source_identity: None,
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            secret: String::new(),
        },
    )?;
    credentials::write(w, &issued, expires_at);
    Ok(())
}
