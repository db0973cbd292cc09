//! Where the console's sign-in meets virtual MFA devices: which devices a signer has,
//! and checking a code from one of them. Everything else about devices (the wizard,
//! deactivation, the MFA column) goes through the IAM operations like any console
//! action.
//!
//! PLUG POINT: the server's MFA module (`crate::mfa`, virtual MFA devices) is not on
//! this branch yet. Until it is, no device can exist (there is no operation that
//! creates one), so `assigned_devices` truthfully finds none and `verify_code` is never
//! reached; both are replaced by calls to `crate::mfa::devices_of` and
//! `crate::mfa::authenticate` when that module is merged.

use ironiam_store::record::KeyOwner;

use crate::http::error::ApiError;
use crate::state::AppState;

/// The serial numbers of the MFA devices assigned to `owner`.
///
/// # Errors
/// A store fault.
pub(crate) fn assigned_devices(
    _state: &AppState,
    _account_id: &str,
    _owner: &KeyOwner,
) -> Result<Vec<String>, ApiError> {
    Ok(Vec::new())
}

/// Checks `code` from device `serial` of `owner` at `now`, with replay protection and
/// lockout.
///
/// # Errors
/// `AccessDenied` for a wrong code.
pub(crate) fn verify_code(
    _state: &AppState,
    _account_id: &str,
    _owner: &KeyOwner,
    _serial: &str,
    _code: &str,
    _now: i64,
) -> Result<(), ApiError> {
    Err(ApiError::NotImplemented("MFA sign-in".to_owned()))
}

/// Enables the root user's virtual MFA device with two consecutive codes (the API
/// assigns devices to IAM users only; AWS assigns the root user's in the console).
///
/// # Errors
/// `AccessDenied`/`InvalidAuthenticationCode` for wrong codes.
pub(crate) fn enable_for_root(
    _state: &AppState,
    _account_id: &str,
    _serial: &str,
    _code1: &str,
    _code2: &str,
    _now: i64,
) -> Result<(), ApiError> {
    Err(ApiError::NotImplemented("root MFA enrollment".to_owned()))
}
