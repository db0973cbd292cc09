//! Virtual MFA devices in the server: creating them, assigning them with two
//! consecutive codes, and checking a code at sign-in or for a session.
//!
//! The IAM operations (`iam/mfa.rs`), the STS calls that take `SerialNumber`
//! and `TokenCode`, and the console all come through here, so one policy
//! governs every code ironiam accepts (`docs/mfa.md` has the rationale):
//!
//! - codes are RFC 6238 TOTP, HMAC-SHA1, 6 digits, 30-second steps
//!   (`ironiam-mfa`), compared in constant time;
//! - [`authenticate`] accepts the device's current step, shifted by its
//!   recorded drift, and one step either side; [`enable`] and [`resync`] take
//!   two consecutive codes searched ±10 steps and record the drift;
//! - a step once accepted for a device is never accepted again;
//! - 5 consecutive failures lock the device for 30 s, doubling with each
//!   further failure up to 15 minutes;
//! - every refused code is written to the audit log (never the code itself),
//!   and the device's new state is stored in the same transaction that read
//!   it, so concurrent attempts cannot replay a step or dodge the lockout.

mod audit;
mod png;
pub mod qr;

use ironiam_mfa::{MfaState, Policy, VerifyError};
use ironiam_store::id::OsRandom;
use ironiam_store::record::{
    KeyOwner, MfaAssignment, MfaVerification, Tag, Timestamp, VirtualMfaDevice, arn,
};
use ironiam_store::secret::MfaSeed;
use ironiam_store::{Entity, StoreError, StoreExt, Transaction};

use crate::http::error::{ApiError, not_found};
use crate::state::AppState;
use crate::time::iso8601;

pub use audit::Origin;

/// STS's and the console's answer to a wrong, replayed or unusable code,
/// worded as AWS words it (`AccessDenied`).
pub const INVALID_CODE: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code.";

/// IAM's answer when `EnableMFADevice` or `ResyncMFADevice` codes do not verify.
pub const INVALID_AUTHENTICATION_CODE: &str = "Authentication code for device is not valid.";

/// MFA devices a user, or the root user, can have in use at once ("IAM and
/// AWS STS quotas": 8 since November 2022).
pub const MAX_DEVICES_PER_OWNER: usize = 8;

/// Virtual MFA devices per account, assigned or not: "equal to the user quota
/// for the account" (IAM and AWS STS quotas).
pub const MAX_DEVICES_PER_ACCOUNT: u32 = 5000;

/// Seed length in bytes. AWS's seeds are 40 bytes (64 base32 characters);
/// RFC 4226 asks for at least 16 and recommends 20.
pub const SEED_BYTES: usize = 40;

/// The issuer written in the `otpauth://` URI: the name authenticator apps
/// show above the code. AWS writes "Amazon Web Services"; this is not AWS.
pub const ISSUER: &str = "ironiam";

/// The longest serial number the API accepts (botocore's `serialNumberType`).
const MAX_SERIAL_LEN: usize = 256;

/// The verification policy every device follows: ironiam-mfa's defaults
/// (±1 step to sign in, ±10 to synchronize, lock after 5 failures, 30 s
/// doubling to 15 min).
pub fn policy() -> Policy {
    Policy::default()
}

/// Checks one code from `serial_number`, which must be assigned to `owner`
/// in `account_id`, for a sign-in or a session (STS `GetSessionToken` and
/// `AssumeRole`, the console). On success the accepted step is stored, so the
/// same code is refused from then on.
///
/// # Errors
/// `AccessDenied` with [`INVALID_CODE`] for a wrong, malformed or replayed
/// code, an unknown serial number, or a device not assigned to `owner`;
/// `AccessDenied` saying when to retry while the device is locked after
/// repeated failures. Each of these is also written to the audit log.
pub fn authenticate(
    state: &AppState,
    account_id: &str,
    owner: &KeyOwner,
    serial_number: &str,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    authenticate_from(
        state,
        &Origin::default(),
        account_id,
        owner,
        serial_number,
        code,
        now,
    )
}

/// [`authenticate`], with the request it comes from recorded on any audit
/// record it writes (request ID, source address, action).
///
/// # Errors
/// As [`authenticate`].
pub fn authenticate_from(
    state: &AppState,
    origin: &Origin<'_>,
    account_id: &str,
    owner: &KeyOwner,
    serial_number: &str,
    code: &str,
    now: i64,
) -> Result<(), ApiError> {
    let at = unix(now);
    let checked = state.store.write(|tx| -> Result<Checked, ApiError> {
        let device = match tx.get_virtual_mfa_device(account_id, serial_number) {
            Ok(device) => device,
            Err(StoreError::NotFound { .. }) => return Ok(Checked::UnknownDevice),
            Err(err) => return Err(err.into()),
        };
        if !device
            .assignment
            .as_ref()
            .is_some_and(|assignment| &assignment.owner == owner)
        {
            // Not counted against the device: someone else's code attempts
            // must not be able to lock its owner out.
            return Ok(Checked::NotAssigned);
        }
        let seed = open_seed(state, &device)?;
        let outcome = policy().verify(seed.expose(), &mfa_state(&device.verification), code, at);
        store_state(tx, &device, outcome.state, None)?;
        Ok(match outcome.result {
            Ok(_) => Checked::Accepted,
            Err(error) => Checked::Refused {
                error,
                state: outcome.state,
            },
        })
    })?;
    let failure = match checked {
        Checked::Accepted => return Ok(()),
        Checked::UnknownDevice => audit::Failure::UnknownDevice,
        Checked::NotAssigned => audit::Failure::NotAssigned,
        Checked::Refused { error, state } => audit::Failure::Code { error, state },
    };
    audit::record(
        state,
        origin,
        "MFAAuthentication",
        account_id,
        owner,
        serial_number,
        &failure,
        now,
    );
    Err(ApiError::AccessDenied(match failure {
        audit::Failure::Code {
            error: VerifyError::Locked { until },
            ..
        } => locked_message(until),
        _ => INVALID_CODE.to_owned(),
    }))
}

/// What one authentication attempt found, decided inside the transaction.
enum Checked {
    Accepted,
    UnknownDevice,
    NotAssigned,
    Refused { error: VerifyError, state: MfaState },
}

/// Assigns `serial_number` to `owner` (an IAM user, or the root user for the
/// console), given two consecutive codes: `EnableMFADevice`. The device's
/// drift is measured and stored, and the second code's step can never be
/// used again.
///
/// # Errors
/// `NoSuchEntity` for an unknown device; `EntityAlreadyExists` when it is
/// already assigned, to anyone; `LimitExceeded` when the owner already has
/// [`MAX_DEVICES_PER_OWNER`] devices; `InvalidAuthenticationCode` when the
/// codes do not verify or the device is locked (also audited).
///
/// `caller_id` is the caller's `aws:userid`: only the device's creator's
/// failures count towards its lockout ([`counts_failures`]).
#[expect(clippy::too_many_arguments, reason = "the attempt's parts")]
pub fn enable(
    state: &AppState,
    origin: &Origin<'_>,
    account_id: &str,
    owner: &KeyOwner,
    caller_id: &str,
    serial_number: &str,
    codes: (&str, &str),
    now: i64,
) -> Result<VirtualMfaDevice, ApiError> {
    let synced = state.store.write(|tx| -> Result<Synced, ApiError> {
        let device = tx.get_virtual_mfa_device(account_id, serial_number)?;
        if device.assignment.is_some() {
            return Err(ApiError::EntityAlreadyExists(
                "MFA Device is already in use.".to_owned(),
            ));
        }
        if tx.list_assigned_mfa_devices(account_id, owner)?.len() >= MAX_DEVICES_PER_OWNER {
            return Err(ApiError::LimitExceeded(format!(
                "Cannot exceed quota for MFADevicesPerUser: {MAX_DEVICES_PER_OWNER}."
            )));
        }
        let counted = counts_failures(&device, account_id, caller_id);
        synchronize(state, tx, device, codes, now, Some(owner), counted)
    })?;
    finish_sync(
        state,
        origin,
        "EnableMFADevice",
        account_id,
        owner,
        synced,
        now,
    )
}

/// Resynchronizes a device assigned to `owner` with two consecutive codes:
/// `ResyncMFADevice`. The drift is measured afresh.
///
/// # Errors
/// `NoSuchEntity` for an unknown device or one not assigned to `owner`;
/// `InvalidAuthenticationCode` as for [`enable`]. Only the owner's own
/// failures count towards the lockout ([`counts_failures`]).
#[expect(clippy::too_many_arguments, reason = "the attempt's parts")]
pub fn resync(
    state: &AppState,
    origin: &Origin<'_>,
    account_id: &str,
    owner: &KeyOwner,
    caller_id: &str,
    serial_number: &str,
    codes: (&str, &str),
    now: i64,
) -> Result<VirtualMfaDevice, ApiError> {
    let synced = state.store.write(|tx| -> Result<Synced, ApiError> {
        let device = assigned_device(tx, account_id, owner, serial_number)?;
        let counted = counts_failures(&device, account_id, caller_id);
        synchronize(state, tx, device, codes, now, None, counted)
    })?;
    finish_sync(
        state,
        origin,
        "ResyncMFADevice",
        account_id,
        owner,
        synced,
        now,
    )
}

/// Removes a device from `owner`: `DeactivateMFADevice`. The device stays,
/// unassigned, with its replay state, so its used codes stay used.
///
/// # Errors
/// `NoSuchEntity` for an unknown device or one not assigned to `owner`.
pub fn deactivate(
    state: &AppState,
    account_id: &str,
    owner: &KeyOwner,
    serial_number: &str,
) -> Result<(), ApiError> {
    state.store.write(|tx| -> Result<(), ApiError> {
        let mut device = assigned_device(tx, account_id, owner, serial_number)?;
        device.assignment = None;
        tx.update_virtual_mfa_device(&device)?;
        Ok(())
    })
}

/// The devices assigned to `owner`, oldest enabled first.
///
/// # Errors
/// On a store fault.
pub fn devices_of(
    state: &AppState,
    account_id: &str,
    owner: &KeyOwner,
) -> Result<Vec<VirtualMfaDevice>, ApiError> {
    Ok(state
        .store
        .read(|tx| tx.list_assigned_mfa_devices(account_id, owner))?)
}

/// A device just created, with the secrets shown once.
pub struct NewDevice {
    /// The stored device (its seed sealed).
    pub device: VirtualMfaDevice,
    /// The seed in the clear, for this one response.
    pub seed: MfaSeed,
    /// The `otpauth://totp/...` URI the QR code encodes.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`, as a PNG.
    pub qr_code_png: Vec<u8>,
}

impl NewDevice {
    /// The seed as base32, AWS's `Base32StringSeed` (before the blob's base64).
    pub fn base32_seed(&self) -> String {
        ironiam_mfa::base32::encode(self.seed.expose())
    }
}

impl std::fmt::Debug for NewDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDevice")
            .field("serial_number", &self.device.serial_number)
            .finish_non_exhaustive()
    }
}

/// Creates an unassigned virtual MFA device with a fresh random seed:
/// `CreateVirtualMFADevice`. The QR code's label is `NAME@ALIAS` (or
/// `NAME@ACCOUNT-ID` without an alias), as AWS labels it.
///
/// `creator_id` is the creating caller's `aws:userid`, kept so that only its
/// failed codes count towards the lockout while the device is unassigned.
///
/// # Errors
/// `EntityAlreadyExists` for a taken path and name; `LimitExceeded` past
/// [`MAX_DEVICES_PER_ACCOUNT`]; `ValidationError` when the serial number
/// would exceed 256 characters.
pub fn create(
    state: &AppState,
    account_id: &str,
    creator_id: &str,
    name: &str,
    path: &str,
    tags: Vec<Tag>,
    now: i64,
) -> Result<NewDevice, ApiError> {
    let serial_number = arn(account_id, "mfa", path, name);
    if serial_number.len() > MAX_SERIAL_LEN {
        let room = MAX_SERIAL_LEN.saturating_sub(serial_number.len() - name.len());
        return Err(ApiError::Validation(format!(
            "1 validation error detected: Value '{name}' at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to {room}"
        )));
    }
    let seed = MfaSeed::generate(SEED_BYTES, &mut OsRandom).map_err(ApiError::internal)?;
    let sealed = state
        .master_key
        .seal_mfa_seed(&serial_number, &seed, &mut OsRandom)
        .map_err(ApiError::internal)?;
    let device = VirtualMfaDevice {
        serial_number,
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        path: path.to_owned(),
        seed: sealed,
        tags,
        create_date: Timestamp::from_secs(now),
        assignment: None,
        verification: MfaVerification::default(),
        creator: Some(creator_id.to_owned()),
    };
    let alias = state.store.write(|tx| -> Result<Option<String>, ApiError> {
        if tx.mfa_device_counts(account_id)?.total >= MAX_DEVICES_PER_ACCOUNT {
            return Err(ApiError::LimitExceeded(format!(
                "Cannot exceed quota for VirtualMFADevicesPerAccount: {MAX_DEVICES_PER_ACCOUNT}."
            )));
        }
        let alias = tx.get_account(account_id)?.alias;
        tx.insert_virtual_mfa_device(&device)?;
        Ok(alias)
    })?;
    let label = format!("{name}@{}", alias.as_deref().unwrap_or(account_id));
    let otpauth_uri = ironiam_mfa::otpauth_uri(ISSUER, &label, seed.expose());
    let qr_code_png = qr::qr_code_png(&otpauth_uri).map_err(ApiError::internal)?;
    Ok(NewDevice {
        device,
        seed,
        otpauth_uri,
        qr_code_png,
    })
}

/// The outcome of two codes, decided inside the transaction.
struct Synced {
    device: VirtualMfaDevice,
    refused: Option<(VerifyError, MfaState)>,
}

/// Whether a failed code from `caller_id` counts towards `device`'s lockout.
///
/// The lockout exists to stop the device's own holder being brute-forced, and must
/// not let anyone else lock a device they do not hold (docs/mfa.md): an assigned
/// device counts only its owner's failures (a user, or the root user, whose
/// `aws:userid` is the account ID); an unassigned one only its creator's. Other
/// callers' failures are refused and audited, but leave the device's state alone.
/// That costs no protection: enabling or resynchronizing needs two consecutive
/// codes of an unknown seed, about 2 × 10⁻¹¹ per attempt within the ±10-step window.
fn counts_failures(device: &VirtualMfaDevice, account_id: &str, caller_id: &str) -> bool {
    match &device.assignment {
        Some(assignment) => match &assignment.owner {
            KeyOwner::User(id) => id == caller_id,
            KeyOwner::Root => account_id == caller_id,
        },
        None => device.creator.as_deref() == Some(caller_id),
    }
}

/// Checks two consecutive codes against `device` and stores the new state,
/// assigning the device to `assign_to` when they verify. A failure's new state
/// (its count and any lock) is stored only when `counted`.
fn synchronize(
    state: &AppState,
    tx: &mut dyn Transaction,
    device: VirtualMfaDevice,
    (code1, code2): (&str, &str),
    now: i64,
    assign_to: Option<&KeyOwner>,
    counted: bool,
) -> Result<Synced, ApiError> {
    let seed = open_seed(state, &device)?;
    let outcome = policy().synchronize(
        seed.expose(),
        &mfa_state(&device.verification),
        code1,
        code2,
        unix(now),
    );
    let assignment = match (&outcome.result, assign_to) {
        (Ok(_), Some(owner)) => Some(MfaAssignment {
            owner: owner.clone(),
            enable_date: Timestamp::from_secs(now),
        }),
        _ => None,
    };
    let kept = outcome.result.is_ok() || counted;
    let device = if kept {
        store_state(tx, &device, outcome.state, assignment)?
    } else {
        device
    };
    // The audit record reports the device's state as stored.
    let state_after = if kept {
        outcome.state
    } else {
        mfa_state(&device.verification)
    };
    Ok(Synced {
        device,
        refused: outcome.result.err().map(|error| (error, state_after)),
    })
}

fn finish_sync(
    state: &AppState,
    origin: &Origin<'_>,
    action: &str,
    account_id: &str,
    owner: &KeyOwner,
    synced: Synced,
    now: i64,
) -> Result<VirtualMfaDevice, ApiError> {
    let Some((error, mfa)) = synced.refused else {
        return Ok(synced.device);
    };
    let failure = audit::Failure::Code { error, state: mfa };
    audit::record(
        state,
        origin,
        action,
        account_id,
        owner,
        &synced.device.serial_number,
        &failure,
        now,
    );
    Err(ApiError::InvalidAuthenticationCode(match error {
        VerifyError::Locked { until } => locked_message(until),
        _ => INVALID_AUTHENTICATION_CODE.to_owned(),
    }))
}

/// The device `serial_number` if it is assigned to `owner`.
fn assigned_device(
    tx: &mut dyn Transaction,
    account_id: &str,
    owner: &KeyOwner,
    serial_number: &str,
) -> Result<VirtualMfaDevice, ApiError> {
    let device = tx.get_virtual_mfa_device(account_id, serial_number)?;
    match &device.assignment {
        Some(assignment) if &assignment.owner == owner => Ok(device),
        _ => Err(ApiError::NoSuchEntity(
            "MFA Device invalid for user.".to_owned(),
        )),
    }
}

/// Writes the verify state (and the new assignment, if any) when it changed.
fn store_state(
    tx: &mut dyn Transaction,
    device: &VirtualMfaDevice,
    state: MfaState,
    assignment: Option<MfaAssignment>,
) -> Result<VirtualMfaDevice, ApiError> {
    let mut updated = device.clone();
    updated.verification = verification(&state);
    if assignment.is_some() {
        updated.assignment = assignment;
    }
    if &updated != device {
        tx.update_virtual_mfa_device(&updated)?;
    }
    Ok(updated)
}

fn open_seed(state: &AppState, device: &VirtualMfaDevice) -> Result<MfaSeed, ApiError> {
    // A seed that does not open means a wrong master key or a tampered row:
    // an operator's problem, logged as such, never the caller's.
    state
        .master_key
        .open_mfa_seed(&device.serial_number, &device.seed)
        .map_err(ApiError::internal)
}

/// The message of `AccessDenied` or `InvalidAuthenticationCode` while a
/// device is locked. Beyond AWS, which documents no lockout; see docs/mfa.md.
pub fn locked_message(until: u64) -> String {
    format!(
        "MultiFactorAuthentication failed: the MFA device is locked after repeated invalid one time pass codes. Try again after {}.",
        iso8601(i64::try_from(until).unwrap_or(i64::MAX))
    )
}

/// The ironiam-mfa state of a stored device.
pub fn mfa_state(stored: &MfaVerification) -> MfaState {
    MfaState {
        drift: stored.drift,
        last_step: stored.last_step,
        failures: stored.failures,
        locked_until: stored
            .locked_until
            .map(|until| u64::try_from(until.as_secs()).unwrap_or(0)),
    }
}

/// The stored form of an ironiam-mfa state.
pub fn verification(state: &MfaState) -> MfaVerification {
    MfaVerification {
        drift: state.drift,
        last_step: state.last_step,
        failures: state.failures,
        locked_until: state
            .locked_until
            .map(|until| Timestamp::from_secs(i64::try_from(until).unwrap_or(i64::MAX))),
    }
}

/// `now` for the TOTP crate, which counts from the epoch: a clock before
/// 1970 is step 0.
fn unix(now: i64) -> u64 {
    u64::try_from(now).unwrap_or(0)
}

/// `NoSuchEntity` wording for an unknown serial number.
pub fn unknown_device(serial_number: &str) -> ApiError {
    ApiError::NoSuchEntity(not_found(Entity::MfaDevice, serial_number))
}
