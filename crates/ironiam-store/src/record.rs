//! The IAM records the store keeps, one plain struct per entity.
//!
//! Fields follow botocore's IAM service model (`iam/2010-05-08/service-2.json`):
//! `User`, `Group`, `Role`, `Policy`, `PolicyVersion`, `AccessKeyMetadata`,
//! `LoginProfile`, `PasswordPolicy`, `Tag`, `AccessKeyLastUsed`, `RoleLastUsed`.
//! Values the store derives (a managed policy's attachment counts) are filled in
//! on read and ignored on write.

use serde::{Deserialize, Serialize};

use crate::secret::{EncryptedSecret, PasswordHash};

/// A point in time, in whole seconds since the UNIX epoch (UTC).
///
/// IAM reports dates to the second. The store never reads the clock: every
/// write that stamps a time takes it from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The time `secs` seconds after the UNIX epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the UNIX epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }
}

/// The partition every ARN is built in.
pub const PARTITION: &str = "aws";

/// The three kinds of IAM identity that policies attach to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl PrincipalKind {
    /// The resource type in the ARN: `user`, `group` or `role`.
    pub const fn arn_resource(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
            Self::Role => "role",
        }
    }
}

/// Builds the ARN of a user, group, role (`kind`) or managed policy (`policy`)
/// from the account, path and name: `arn:aws:iam::123456789012:user/path/name`.
///
/// `path` is IAM's path, which starts and ends with `/`.
pub fn arn(account_id: &str, resource: &str, path: &str, name: &str) -> String {
    format!("arn:{PARTITION}:iam::{account_id}:{resource}{path}{name}")
}

/// The folded form of a name that uniqueness and ordering use.
///
/// IAM names are unique case-insensitively within an account, per entity type:
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
/// ("names are not distinguished by case").
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// A tag on a user, role or managed policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The key, 1–128 characters.
    pub key: String,
    /// The value, 0–256 characters.
    pub value: String,
}

/// An AWS account: the owner of every other record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit account ID.
    pub id: String,
    /// The account alias, if one is set (IAM allows at most one).
    pub alias: Option<String>,
    /// The account password policy; `None` when none is set, which is when
    /// `GetAccountPasswordPolicy` answers `NoSuchEntity`.
    pub password_policy: Option<PasswordPolicy>,
    /// The root user's console password, if one is set.
    pub root_password: Option<PasswordHash>,
    /// When the account was created.
    pub create_date: Timestamp,
}

/// The account password policy, with `UpdateAccountPasswordPolicy`'s defaults
/// for parameters left out.
///
/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Minimum length, 6–128; default 6.
    pub minimum_password_length: u32,
    /// Require a non-alphanumeric character; default false.
    pub require_symbols: bool,
    /// Require a digit; default false.
    pub require_numbers: bool,
    /// Require an uppercase letter; default false.
    pub require_uppercase_characters: bool,
    /// Require a lowercase letter; default false.
    pub require_lowercase_characters: bool,
    /// Let users change their own password; default false.
    pub allow_users_to_change_password: bool,
    /// Days a password stays valid, 1–1095; `None` (the default) for never.
    pub max_password_age: Option<u32>,
    /// How many previous passwords cannot be reused, 1–24; `None` (default) for no check.
    pub password_reuse_prevention: Option<u32>,
    /// Expired passwords can only be reset by an administrator; default false.
    pub hard_expiry: bool,
}

impl PasswordPolicy {
    /// Whether passwords expire: AWS's `ExpirePasswords`, derived from the age.
    pub fn expire_passwords(&self) -> bool {
        self.max_password_age.is_some()
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_password_length: 6,
            require_symbols: false,
            require_numbers: false,
            require_uppercase_characters: false,
            require_lowercase_characters: false,
            allow_users_to_change_password: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: false,
        }
    }
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The unique ID, `AIDA` followed by 17 characters.
    pub id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account.
    pub name: String,
    /// The path, `/` by default.
    pub path: String,
    /// The ARN, built from account, path and name.
    pub arn: String,
    /// When the user was created.
    pub create_date: Timestamp,
    /// The ARN of the policy used as permissions boundary, if any.
    pub permissions_boundary: Option<String>,
    /// The tags, in the order they were added.
    pub tags: Vec<Tag>,
    /// When the user's password was last used to sign in.
    pub password_last_used: Option<Timestamp>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The unique ID, `AGPA` followed by 17 characters.
    pub id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account.
    pub name: String,
    /// The path, `/` by default.
    pub path: String,
    /// The ARN.
    pub arn: String,
    /// When the group was created.
    pub create_date: Timestamp,
}

/// When and where a role was last used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLastUsed {
    /// When the role was last assumed.
    pub last_used_date: Timestamp,
    /// The region it was assumed in.
    pub region: String,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The unique ID, `AROA` followed by 17 characters.
    pub id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account.
    pub name: String,
    /// The path, `/` by default.
    pub path: String,
    /// The ARN.
    pub arn: String,
    /// When the role was created.
    pub create_date: Timestamp,
    /// The trust policy, as the JSON text the caller sent.
    pub assume_role_policy_document: String,
    /// The description, if any.
    pub description: Option<String>,
    /// The maximum session duration in seconds, 3600–43200 (default 3600).
    pub max_session_duration: u32,
    /// The ARN of the policy used as permissions boundary, if any.
    pub permissions_boundary: Option<String>,
    /// The tags, in the order they were added.
    pub tags: Vec<Tag>,
    /// When and where the role was last assumed.
    pub role_last_used: Option<RoleLastUsed>,
}

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// The unique ID, `ANPA` followed by 17 characters.
    pub id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account.
    pub name: String,
    /// The path, `/` by default.
    pub path: String,
    /// The ARN.
    pub arn: String,
    /// The description, if any (set only at creation in IAM).
    pub description: Option<String>,
    /// The number of the default version: `v{default_version}`.
    pub default_version: u32,
    /// The highest version number ever created. IAM never reuses a version
    /// ID, so the next version is `latest_version + 1` even after deletions.
    pub latest_version: u32,
    /// How many users, groups and roles the policy is attached to.
    /// Derived by the store on read; ignored on write.
    pub attachment_count: u32,
    /// How many users and roles use the policy as permissions boundary.
    /// Derived by the store on read; ignored on write.
    pub permissions_boundary_usage_count: u32,
    /// Whether the policy can be attached (always true for customer policies).
    pub is_attachable: bool,
    /// When the policy was created.
    pub create_date: Timestamp,
    /// When the policy was last updated (a version created or made default).
    pub update_date: Timestamp,
    /// The tags, in the order they were added.
    pub tags: Vec<Tag>,
}

impl ManagedPolicy {
    /// The default version's ID, `v1`…`vN`.
    pub fn default_version_id(&self) -> String {
        version_id(self.default_version)
    }
}

/// Formats a version number as IAM's version ID: `v3`.
pub fn version_id(number: u32) -> String {
    format!("v{number}")
}

/// Parses IAM's version ID (`v3`) into its number.
pub fn parse_version_id(id: &str) -> Option<u32> {
    let digits = id.strip_prefix('v')?;
    if digits.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    /// The policy's unique ID.
    pub policy_id: String,
    /// The version number; the version ID is `v{version}`.
    pub version: u32,
    /// The policy document, as the JSON text the caller sent.
    pub document: String,
    /// When the version was created.
    pub create_date: Timestamp,
}

impl PolicyVersion {
    /// The version ID, `v1`…`vN`.
    pub fn version_id(&self) -> String {
        version_id(self.version)
    }

    /// Whether this is `policy`'s default version.
    pub fn is_default(&self, policy: &ManagedPolicy) -> bool {
        policy.id == self.policy_id && policy.default_version == self.version
    }
}

/// A managed policy attached to a user, group or role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    /// The policy's name.
    pub policy_name: String,
    /// The policy's ARN.
    pub policy_arn: String,
}

/// A user, group or role a managed policy is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEntity {
    /// What kind of identity it is.
    pub kind: PrincipalKind,
    /// Its name.
    pub name: String,
    /// Its unique ID.
    pub id: String,
}

/// An inline policy embedded in a user, group or role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePolicy {
    /// The policy's name, unique case-insensitively within its owner.
    pub name: String,
    /// The policy document, as the JSON text the caller sent.
    pub document: String,
}

/// Whether an access key can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessKeyStatus {
    /// The key signs requests.
    Active,
    /// The key is refused.
    Inactive,
}

impl AccessKeyStatus {
    /// The wire name: `Active` or `Inactive`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Active" => Some(Self::Active),
            "Inactive" => Some(Self::Inactive),
            _ => None,
        }
    }
}

/// Whose an access key is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyOwner {
    /// The account's root user.
    Root,
    /// An IAM user, by unique ID.
    User(String),
}

/// When, where and for what service an access key was last used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeyLastUsed {
    /// When the key last signed a request.
    pub last_used_date: Timestamp,
    /// The service it was used with (`iam`, `sts`…).
    pub service_name: String,
    /// The region it was used in.
    pub region: String,
}

/// An access key: its ID, owner and encrypted secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key ID, `AKIA` followed by 16 characters; globally unique.
    pub id: String,
    /// The owning account.
    pub account_id: String,
    /// The root user or the IAM user that owns it.
    pub owner: KeyOwner,
    /// The secret access key, encrypted under the master key and bound to `id`.
    pub secret: EncryptedSecret,
    /// Whether it can be used.
    pub status: AccessKeyStatus,
    /// When it was created.
    pub create_date: Timestamp,
    /// When it was last used, if ever.
    pub last_used: Option<AccessKeyLastUsed>,
}

/// A user's console password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginProfile {
    /// The user's unique ID.
    pub user_id: String,
    /// The Argon2id hash of the password.
    pub password_hash: PasswordHash,
    /// Whether the user must set a new password at next sign-in.
    pub password_reset_required: bool,
    /// When the login profile was created.
    pub create_date: Timestamp,
    /// The hashes of the previous passwords, newest first, for IAM's
    /// `PasswordReusePrevention` (at most [`PASSWORD_HISTORY_LEN`]).
    pub password_history: Vec<PasswordHash>,
    /// When the password was last set; `None` for profiles created before
    /// the store recorded it.
    pub password_changed: Option<Timestamp>,
}

/// How many previous password hashes a login profile keeps: IAM's largest
/// `PasswordReusePrevention` (24) counts the current password too.
pub const PASSWORD_HISTORY_LEN: usize = 23;

/// A virtual MFA device's assignment: to whom, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaAssignment {
    /// The IAM user (by unique ID) or the root user the device is enabled for.
    pub owner: KeyOwner,
    /// When `EnableMFADevice` (or the console) assigned it.
    pub enable_date: Timestamp,
}

/// What the server remembers about a device's codes between attempts: the
/// fields of ironiam-mfa's `MfaState`, kept here as plain data so the store
/// does not depend on the TOTP crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MfaVerification {
    /// Steps the device runs ahead (positive) or behind (negative) the server.
    pub drift: i64,
    /// The last TOTP step accepted; codes at or before it are replays.
    pub last_step: Option<u64>,
    /// Consecutive failed attempts since the last success.
    pub failures: u32,
    /// Until when every attempt is refused.
    pub locked_until: Option<Timestamp>,
}

/// A virtual MFA device (botocore's `VirtualMFADevice`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualMfaDevice {
    /// The serial number: the device's ARN, `arn:aws:iam::ACCOUNT:mfa/PATH/NAME`.
    /// Unique case-insensitively within the account.
    pub serial_number: String,
    /// The owning account.
    pub account_id: String,
    /// The name given at creation (`VirtualMFADeviceName`).
    pub name: String,
    /// The path, `/` by default.
    pub path: String,
    /// The TOTP seed, sealed under the master key and bound to `serial_number`.
    pub seed: EncryptedSecret,
    /// The tags, in the order they were added.
    pub tags: Vec<Tag>,
    /// When the device was created.
    pub create_date: Timestamp,
    /// Whom it is enabled for; `None` while unassigned.
    pub assignment: Option<MfaAssignment>,
    /// Drift, replay and lockout state.
    pub verification: MfaVerification,
    /// The `aws:userid` of the principal that created the device; `None` for devices
    /// created before ironiam recorded it. While the device is unassigned, only its
    /// creator's failed codes count towards its lockout.
    pub creator: Option<String>,
}

/// Counts of an account's virtual MFA devices, for `GetAccountSummary`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MfaDeviceCounts {
    /// Every virtual MFA device, assigned or not.
    pub total: u32,
    /// Devices assigned to a user or to the root user.
    pub assigned: u32,
    /// Devices assigned to the root user.
    pub root: u32,
}

/// The account's credential report: a CSV snapshot taken at generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialReport {
    /// The account it describes.
    pub account_id: String,
    /// When it was generated.
    pub generated_time: Timestamp,
    /// The CSV text, as `GetCredentialReport` returns it.
    pub content: String,
}

/// The web console's settings for one account: ironiam's own, beyond AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSettings {
    /// The account.
    pub account_id: String,
    /// A user without an MFA device must enroll one right after the password step of
    /// the console sign-in, before anything else.
    pub require_mfa_enrollment: bool,
}

impl ConsoleSettings {
    /// Every setting off: what an account without a stored row has.
    pub fn defaults(account_id: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            require_mfa_enrollment: false,
        }
    }
}
mod organization;

pub use organization::{
    CreateAccountState, CreateAccountStatus, FULL_AWS_ACCESS_ID, FeatureSet, JoinedMethod,
    OrgAccount, OrgAccountStatus, OrgNode, OrgPolicy, OrgRoot, OrgUnit, Organization,
    SERVICE_CONTROL_POLICY,
};
mod compliance;

pub use compliance::{
    ComplianceType, ConfigRule, ConfigRuleScope, ConfigRuleState, EvaluationResult,
};
