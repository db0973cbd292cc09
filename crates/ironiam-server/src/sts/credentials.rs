//! Issuing temporary credentials and writing AWS's `Credentials` element.

use ironiam_protocol::xml::XmlWriter;
use ironiam_store::id::OsRandom;

use super::token::{self, Issued, SessionClaims};
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::time::iso8601;

/// Seals `claims` into new credentials.
///
/// # Errors
/// `ServiceFailure` when the random source fails.
pub(super) fn issue(state: &AppState, claims: SessionClaims) -> Result<Issued, ApiError> {
    token::issue(&state.master_key, claims, &mut OsRandom).map_err(ApiError::internal)
}

/// `<Credentials>`: the key, its secret, the token, and the expiration.
pub(super) fn write(w: &mut XmlWriter, issued: &Issued, expires_at: i64) {
    w.start("Credentials")
        .element("AccessKeyId", &issued.access_key_id)
        .element("SecretAccessKey", issued.secret.expose())
        .element("SessionToken", &issued.token)
        .element("Expiration", &iso8601(expires_at))
        .end();
}

/// `SerialNumber` and `TokenCode`, which come together or not at all.
///
/// # Errors
/// `ValidationError` when only one is given.
pub(super) fn mfa_input(
    input: &ironiam_protocol::model::Value,
) -> Result<Option<(&str, &str)>, ApiError> {
    match (
        input.str_member("SerialNumber"),
        input.str_member("TokenCode"),
    ) {
        (Some(serial), Some(code)) => Ok(Some((serial, code))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::Validation(
            "TokenCode is required when SerialNumber is provided.".to_owned(),
        )),
        (None, Some(_)) => Err(ApiError::Validation(
            "SerialNumber is required when TokenCode is provided.".to_owned(),
        )),
    }
}
