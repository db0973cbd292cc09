//! Audit records of refused MFA codes.
//!
//! Each refusal gets its own CloudTrail-shaped record, beside the record of
//! the API call it happened in (if any): `eventType` is `AwsServiceEvent`,
//! `errorCode` is the answer the caller got, and `errorMessage` says why the
//! code was refused in words an operator can act on (wrong, replayed,
//! malformed, locked, unknown device, not the caller's device) and how many
//! consecutive failures the device has. The submitted code and the seed are
//! never written.

use ironiam_mfa::{MfaState, VerifyError};
use ironiam_store::StoreExt;
use ironiam_store::record::KeyOwner;

use super::policy;
use crate::audit::{AuditRecord, UserIdentity};
use crate::state::AppState;
use crate::time::iso8601;

/// Where an MFA check comes from, for its audit records. Every field is
/// optional: a missing request ID gets a fresh one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    /// The request ID of the API call or console request.
    pub request_id: Option<&'a str>,
    /// The client's address.
    pub source_ip: Option<&'a str>,
    /// The client's `User-Agent`.
    pub user_agent: Option<&'a str>,
    /// The region from the signature scope.
    pub region: Option<&'a str>,
    /// The action being attempted (`GetSessionToken`, `ConsoleLogin`…);
    /// defaults to what the check is for.
    pub event_name: Option<&'a str>,
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy)]
pub(super) enum Failure {
    /// No device with this serial number in the account.
    UnknownDevice,
    /// The device exists but is not assigned to the claimed owner.
    NotAssigned,
    /// The device's policy refused the code.
    Code { error: VerifyError, state: MfaState },
}

impl Failure {
    fn describe(&self, serial_number: &str) -> String {
        match self {
            Self::UnknownDevice => {
                format!("no virtual MFA device with serial number {serial_number}")
            }
            Self::NotAssigned => {
                format!("MFA device {serial_number} is not assigned to this principal")
            }
            Self::Code { error, state } => {
                let why = match error {
                    VerifyError::Invalid => "the code matches no step in the accepted window",
                    VerifyError::Replayed => "the code was already used for this device",
                    VerifyError::Malformed => "the code is not six digits",
                    VerifyError::Locked { .. } => "the device is locked after repeated failures",
                };
                let mut text = format!(
                    "MFA device {serial_number}: {why}; {} consecutive failures (lockout at {})",
                    state.failures,
                    policy().lockout_threshold
                );
                if let Some(until) = state.locked_until {
                    text.push_str(&format!(
                        "; locked until {}",
                        iso8601(i64::try_from(until).unwrap_or(i64::MAX))
                    ));
                }
                text
            }
        }
    }
}

/// Writes the audit record of one refused code.
#[expect(
    clippy::too_many_arguments,
    reason = "the record's fields come from all of these"
)]
pub(super) fn record(
    state: &AppState,
    origin: &Origin<'_>,
    purpose: &str,
    account_id: &str,
    owner: &KeyOwner,
    serial_number: &str,
    failure: &Failure,
    now: i64,
) {
    let error_code = match (purpose, failure) {
        ("EnableMFADevice" | "ResyncMFADevice", Failure::Code { .. }) => {
            "InvalidAuthenticationCode"
        }
        _ => "AccessDenied",
    };
    let record = AuditRecord {
        event_version: "1.08",
        event_time: iso8601(now),
        event_source: "iam.amazonaws.com",
        event_name: origin.event_name.unwrap_or(purpose).to_owned(),
        aws_region: origin.region.unwrap_or("us-east-1").to_owned(),
        source_ip_address: origin.source_ip.unwrap_or_default().to_owned(),
        user_agent: origin.user_agent.unwrap_or_default().to_owned(),
        user_identity: Some(identity(state, account_id, owner)),
        request_id: origin
            .request_id
            .map_or_else(crate::http::new_request_id, str::to_owned),
        error_code: Some(error_code.to_owned()),
        error_message: Some(failure.describe(serial_number)),
        decision: "none".to_owned(),
        event_type: "AwsServiceEvent",
        recipient_account_id: account_id.to_owned(),
        evaluations: Vec::new(),
    };
    tracing::info!(
        account = account_id,
        serial_number,
        purpose,
        "MFA code refused"
    );
    state.audit.write(&record);
}

/// CloudTrail's `userIdentity` of the device's claimed owner.
fn identity(state: &AppState, account_id: &str, owner: &KeyOwner) -> UserIdentity {
    match owner {
        KeyOwner::Root => UserIdentity {
            kind: "Root".to_owned(),
            principal_id: account_id.to_owned(),
            arn: format!("arn:aws:iam::{account_id}:root"),
            account_id: account_id.to_owned(),
            access_key_id: String::new(),
            user_name: None,
        },
        KeyOwner::User(id) => {
            let user = state
                .store
                .read(|tx| tx.get_user_by_id(id))
                .ok()
                .filter(|user| user.account_id == account_id);
            UserIdentity {
                kind: "IAMUser".to_owned(),
                principal_id: id.clone(),
                arn: user.as_ref().map(|u| u.arn.clone()).unwrap_or_default(),
                account_id: account_id.to_owned(),
                access_key_id: String::new(),
                user_name: user.map(|u| u.name),
            }
        }
    }
}
