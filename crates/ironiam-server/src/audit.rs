//! The audit log: one CloudTrail-shaped JSON record per API call.
//!
//! Fields follow CloudTrail's record contents
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html>)
//! plus `decision`, ironiam's policy decision. Request parameters and secrets
//! are never written.

use std::fs::File;
use std::io::Write as _;
use std::sync::Mutex;

use serde::Serialize;

use crate::config::AuditTarget;

/// CloudTrail's `userIdentity`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// `Root` or `IAMUser`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The unique ID (account ID for root).
    pub principal_id: String,
    /// The caller's ARN.
    pub arn: String,
    /// The account ID.
    pub account_id: String,
    /// The access key that signed the request.
    pub access_key_id: String,
    /// The IAM user name, for users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

impl UserIdentity {
    /// CloudTrail's `userIdentity` for a caller.
    pub fn of(principal: &crate::authz::Principal) -> Self {
        Self {
            kind: if principal.role.is_some() {
                "AssumedRole"
            } else if principal.is_root() {
                "Root"
            } else {
                "IAMUser"
            }
            .to_owned(),
            principal_id: principal.user_id(),
            arn: principal.arn().to_owned(),
            account_id: principal.account_id.clone(),
            access_key_id: principal.access_key_id.clone(),
            user_name: principal.user.as_ref().map(|u| u.name.clone()),
        }
    }
}

/// One audit record.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// Always `1.08`.
    pub event_version: &'static str,
    /// ISO 8601 time of the call.
    pub event_time: String,
    /// The service: `iam.amazonaws.com`, `organizations.amazonaws.com`.
    pub event_source: &'static str,
    /// The action.
    pub event_name: String,
    /// The region from the signature scope.
    pub aws_region: String,
    /// The client's IP address.
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    /// The client's `User-Agent`.
    pub user_agent: String,
    /// Who called; absent when authentication failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_identity: Option<UserIdentity>,
    /// The request ID.
    #[serde(rename = "requestID")]
    pub request_id: String,
    /// The error code, when the call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The error message, when the call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `allowed`, `explicitDeny`, `implicitDeny`, or `none` when the call
    /// never reached authorization.
    pub decision: String,
    /// Always `AwsApiCall`.
    pub event_type: &'static str,
    /// The account.
    pub recipient_account_id: String,
    /// Every policy decision the call made, with the request context it was made on,
    /// replayable with `ironiam simulate --batch` (ironiam's addition; see
    /// [`crate::authz::trace`]). Absent when the call made none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evaluations: Vec<crate::authz::trace::Evaluation>,
}

/// Where audit records are written.
#[derive(Debug)]
pub enum AuditLog {
    /// Discarded.
    None,
    /// Standard output.
    Stdout,
    /// Appended to a file.
    File(Mutex<File>),
}

impl AuditLog {
    /// Whether records go anywhere (when not, nothing need be gathered for them).
    pub fn is_enabled(&self) -> bool {
        !matches!(self, Self::None)
    }

    /// Opens the target.
    ///
    /// # Errors
    /// When the file cannot be opened.
    pub fn open(target: &AuditTarget) -> std::io::Result<Self> {
        Ok(match target {
            AuditTarget::None => Self::None,
            AuditTarget::Stdout => Self::Stdout,
            AuditTarget::File(path) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let mut options = std::fs::OpenOptions::new();
                options.append(true).create(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt as _;
                    options.mode(0o600);
                }
                let file = options.open(path)?;
                // An existing log keeps its mode on open: make it owner-only too.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    if file.metadata()?.permissions().mode() & 0o077 != 0 {
                        tracing::warn!(path = %path.display(), "audit log was readable by other users; made owner-only (0600)");
                        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                    }
                }
                Self::File(Mutex::new(file))
            }
        })
    }

    /// Writes one record; failures are logged, never fatal to the request.
    pub fn write(&self, record: &AuditRecord) {
        let line = match serde_json::to_string(record) {
            Ok(line) => line,
            Err(err) => {
                tracing::error!(%err, "cannot serialize audit record");
                return;
            }
        };
        match self {
            Self::None => {}
            Self::Stdout => println!("{line}"),
            Self::File(file) => {
                let mut file = file
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Err(err) = writeln!(file, "{line}") {
                    tracing::error!(%err, "cannot write audit record");
                }
            }
        }
    }
}
