//! The store's error type.

use std::fmt;

use crate::secret::SecretError;

/// The kinds of record, for error messages and for mapping to IAM's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// An account.
    Account,
    /// A user.
    User,
    /// A group.
    Group,
    /// A role.
    Role,
    /// A managed policy.
    Policy,
    /// A version of a managed policy.
    PolicyVersion,
    /// An inline policy.
    InlinePolicy,
    /// An access key.
    AccessKey,
    /// A login profile.
    LoginProfile,
    /// A virtual MFA device.
    MfaDevice,
    /// An account's credential report.
    CredentialReport,
    /// An organization.
    Organization,
    /// An organization's root.
    OrgRoot,
    /// An organizational unit.
    OrgUnit,
    /// An account's membership of an organization.
    OrgAccount,
    /// A `CreateAccount` request.
    CreateAccountStatus,
    /// An Organizations policy.
    OrgPolicy,
    /// A root, OU or account that a policy attaches to.
    OrgTarget,
    /// An AWS Config rule.
    ConfigRule,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Account => "account",
            Self::User => "user",
            Self::Group => "group",
            Self::Role => "role",
            Self::Policy => "policy",
            Self::PolicyVersion => "policy version",
            Self::InlinePolicy => "inline policy",
            Self::AccessKey => "access key",
            Self::LoginProfile => "login profile",
            Self::MfaDevice => "virtual MFA device",
            Self::CredentialReport => "credential report",
            Self::Organization => "organization",
            Self::OrgRoot => "organization root",
            Self::OrgUnit => "organizational unit",
            Self::OrgAccount => "organization account",
            Self::CreateAccountStatus => "create account request",
            Self::OrgPolicy => "organization policy",
            Self::OrgTarget => "policy target",
            Self::ConfigRule => "config rule",
        })
    }
}

/// What a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A record with this name (case-insensitively) or ID already exists.
    #[error("{entity} `{name}` already exists")]
    AlreadyExists {
        /// The kind of record.
        entity: Entity,
        /// The name or ID that collided.
        name: String,
    },
    /// No such record.
    #[error("{entity} `{name}` not found")]
    NotFound {
        /// The kind of record.
        entity: Entity,
        /// The name or ID looked up.
        name: String,
    },
    /// The record cannot be deleted while other records refer to it. Callers
    /// check the usage counts first and answer `DeleteConflict`; this is the
    /// database's own backstop.
    #[error("{entity} `{name}` is still in use")]
    InUse {
        /// The kind of record.
        entity: Entity,
        /// Its name or ID.
        name: String,
    },
    /// A concurrent transaction kept conflicting and the retries ran out, or
    /// the database stayed locked past the busy timeout. Nothing was written.
    #[error("the write conflicted with concurrent writes; nothing was written")]
    Conflict,
    /// The transaction's work returned an error, so it was rolled back.
    /// [`crate::store::StoreExt`] turns this back into the caller's error.
    #[error("the transaction was rolled back")]
    Aborted,
    /// A write was attempted in a read-only transaction.
    #[error("write attempted in a read-only transaction")]
    ReadOnly,
    /// A stored row does not decode.
    #[error("corrupt {entity} record: {detail}")]
    Corrupt {
        /// The kind of record.
        entity: Entity,
        /// What was wrong.
        detail: String,
    },
    /// The database schema is newer than this build understands.
    #[error("database schema version {found} is newer than this build's {supported}")]
    SchemaTooNew {
        /// The version in the database.
        found: u32,
        /// The newest version this build has.
        supported: u32,
    },
    /// Reset was requested from a persistent store.
    #[error("reset is only available for an in-memory store")]
    ResetUnsupported,
    /// A key or secret operation failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The data directory could not be prepared.
    #[error("cannot prepare data directory `{path}`: {source}")]
    Io {
        /// The directory.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other failure of the database.
    #[error("database error: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// A read-only open found a database that this build would have to migrate
    /// first (only a read-write open migrates).
    #[error(
        "database schema version {found} is older than this build's {required}; start `ironiam serve` on it once to migrate it"
    )]
    SchemaTooOld {
        /// The version in the database.
        found: u32,
        /// The version this build needs.
        required: u32,
    },
}
