//! Where the console's sign-in meets virtual MFA devices: which devices a signer has,
//! checking a code from one of them, and assigning the root user's device (which the
//! IAM API cannot do). Everything else about devices (the wizard, removal, the MFA
//! column) goes through the IAM operations like any console action.
//!
//! PLUG POINT: the server's MFA module (`crate::mfa`, virtual MFA devices) is not on
//! this branch's base yet. Until it is, no device can exist (no operation creates
//! one), so `assigned_devices` truthfully finds none and the other two are never
//! reached. When it is merged, these three become calls to `crate::mfa::devices_of`,
//! `crate::mfa::authenticate_from` and `crate::mfa::enable` (with the root owner), so
//! the console accepts exactly the codes the API accepts.

use ironiam_store::record::KeyOwner;

use super::Ctx;
use crate::http::error::ApiError;
use crate::state::AppState;

/// The serial numbers of the MFA devices assigned to `owner`, oldest first.
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

/// Checks `code` from device `serial` of `owner`, with replay protection and lockout.
///
/// # Errors
/// `AccessDenied` for a wrong, replayed or locked-out code.
pub(crate) fn verify_code(
    _ctx: &Ctx<'_>,
    _account_id: &str,
    _owner: &KeyOwner,
    _serial: &str,
    _code: &str,
) -> Result<(), ApiError> {
    Err(ApiError::NotImplemented("MFA sign-in".to_owned()))
}

/// Assigns a virtual MFA device to the root user with two consecutive codes.
///
/// # Errors
/// As `EnableMFADevice`.
pub(crate) fn enable_for_root(
    _ctx: &Ctx<'_>,
    _account_id: &str,
    _serial: &str,
    _codes: (&str, &str),
) -> Result<(), ApiError> {
    Err(ApiError::NotImplemented("root MFA enrollment".to_owned()))
}
