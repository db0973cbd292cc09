//! Where the console's sign-in meets virtual MFA devices: which devices a signer has,
//! checking a code from one of them, and assigning the root user's device (which the
//! IAM API cannot do). All of it goes through [`crate::mfa`], the module the IAM
//! operations and STS use, so the console accepts exactly the codes the API accepts
//! (same windows, replay refusal and lockout, same audit records). Everything else
//! about devices (the wizard, removal, the MFA column) is IAM operations like any
//! console action.

use ironiam_store::record::KeyOwner;

use super::Ctx;
use crate::http::error::ApiError;
use crate::mfa::{self, Origin};
use crate::state::AppState;

/// The serial numbers of the MFA devices assigned to `owner`, oldest first.
///
/// # Errors
/// A store fault.
pub(crate) fn assigned_devices(
    state: &AppState,
    account_id: &str,
    owner: &KeyOwner,
) -> Result<Vec<String>, ApiError> {
    Ok(mfa::devices_of(state, account_id, owner)?
        .into_iter()
        .map(|device| device.serial_number)
        .collect())
}

fn origin<'c>(ctx: &'c Ctx<'_>, event: &'c str) -> Origin<'c> {
    Origin {
        source_ip: Some(&ctx.peer),
        user_agent: Some(&ctx.user_agent),
        event_name: Some(event),
        ..Origin::default()
    }
}

/// Checks `code` from device `serial` of `owner`, with replay protection and lockout;
/// refusals are audited under `ConsoleLogin`.
///
/// # Errors
/// `AccessDenied` for a wrong, replayed or locked-out code.
pub(crate) fn verify_code(
    ctx: &Ctx<'_>,
    account_id: &str,
    owner: &KeyOwner,
    serial: &str,
    code: &str,
) -> Result<(), ApiError> {
    let origin = origin(ctx, "ConsoleLogin");
    mfa::authenticate_from(ctx.state, &origin, account_id, owner, serial, code, ctx.now)
}

/// Assigns a virtual MFA device to the root user with two consecutive codes: AWS
/// assigns the root user's device in the console, and EnableMFADevice takes IAM users
/// only. The root user is not restricted by identity policies, so there is nothing to
/// authorize.
///
/// # Errors
/// As `EnableMFADevice`: wrong codes, a device in use, the quota.
pub(crate) fn enable_for_root(
    ctx: &Ctx<'_>,
    account_id: &str,
    serial: &str,
    codes: (&str, &str),
) -> Result<(), ApiError> {
    let origin = origin(ctx, "EnableMFADevice");
    mfa::enable(
        ctx.state,
        &origin,
        account_id,
        &KeyOwner::Root,
        // The root user's `aws:userid` is its account ID.
        account_id,
        serial,
        codes,
        ctx.now,
    )?;
    // MFA compliance: ROOT_ACCOUNT_MFA_ENABLED and friends see the new device.
    crate::compliance::after_root_mfa_change(ctx.state.store.as_ref(), account_id, ctx.now);
    Ok(())
}
