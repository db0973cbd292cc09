//! AWS Organizations records: the organization, its root, organizational units,
//! member accounts, account-creation requests, policies and their attachments.
//!
//! Fields follow botocore's Organizations model (`organizations/2016-11-28`):
//! `Organization`, `Root`, `OrganizationalUnit`, `Account`, `CreateAccountStatus`,
//! `Policy` / `PolicySummary`. IDs have the model's formats: `o-` and 10 characters,
//! `r-` and 4, `ou-<root>-` and 8, `p-` and 8, `car-` and 32 (see [`crate::id`]).
//! Parents are named by ID alone: a root (`r-…`) or an OU (`ou-…`).

use super::{Tag, Timestamp};

/// The `FullAWSAccess` SCP's ID, the same in every organization.
pub const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";

/// The policy type ironiam enforces.
pub const SERVICE_CONTROL_POLICY: &str = "SERVICE_CONTROL_POLICY";

/// An organization's feature set (`OrganizationFeatureSet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeatureSet {
    /// `ALL`: consolidated billing and policies.
    All,
    /// `CONSOLIDATED_BILLING`: billing only; no policy type can be enabled.
    ConsolidatedBilling,
}

impl FeatureSet {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::ConsolidatedBilling => "CONSOLIDATED_BILLING",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ALL" => Some(Self::All),
            "CONSOLIDATED_BILLING" => Some(Self::ConsolidatedBilling),
            _ => None,
        }
    }
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// `o-` and 10 lowercase letters or digits.
    pub id: String,
    /// The management account, which created the organization.
    pub management_account_id: String,
    /// The feature set.
    pub feature_set: FeatureSet,
    /// When the organization was created.
    pub create_date: Timestamp,
}

impl Organization {
    /// `arn:aws:organizations::<management account>:organization/o-…`.
    pub fn arn(&self) -> String {
        format!(
            "arn:{}:organizations::{}:organization/{}",
            super::PARTITION,
            self.management_account_id,
            self.id
        )
    }

    /// The ARN of an entity of this organization: `kind` is `root`, `ou` or
    /// `account`; `id` is its ID.
    pub fn entity_arn(&self, kind: &str, id: &str) -> String {
        format!(
            "arn:{}:organizations::{}:{kind}/{}/{id}",
            super::PARTITION,
            self.management_account_id,
            self.id
        )
    }
}

/// An organization's root: the top of its tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRoot {
    /// `r-` and 4 lowercase letters or digits.
    pub id: String,
    /// The organization.
    pub organization_id: String,
    /// The name, `Root`.
    pub name: String,
    /// The policy types enabled on the root (`PolicyTypes` with status `ENABLED`),
    /// in the order they were enabled.
    pub enabled_policy_types: Vec<String>,
}

/// An organizational unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    /// `ou-`, the root's 4 characters, `-`, and 8 lowercase letters or digits.
    pub id: String,
    /// The organization.
    pub organization_id: String,
    /// The parent: the root or another OU.
    pub parent_id: String,
    /// The name, unique among the parent's OUs.
    pub name: String,
    /// The tags.
    pub tags: Vec<Tag>,
}

/// An account's status in the organization (`AccountStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgAccountStatus {
    /// `ACTIVE`.
    Active,
    /// `SUSPENDED`.
    Suspended,
    /// `PENDING_CLOSURE`.
    PendingClosure,
}

impl OrgAccountStatus {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Suspended => "SUSPENDED",
            Self::PendingClosure => "PENDING_CLOSURE",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(Self::Active),
            "SUSPENDED" => Some(Self::Suspended),
            "PENDING_CLOSURE" => Some(Self::PendingClosure),
            _ => None,
        }
    }
}

/// How an account joined the organization (`AccountJoinedMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinedMethod {
    /// `INVITED`; also the management account's.
    Invited,
    /// `CREATED` by `CreateAccount`.
    Created,
}

impl JoinedMethod {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "INVITED",
            Self::Created => "CREATED",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "INVITED" => Some(Self::Invited),
            "CREATED" => Some(Self::Created),
            _ => None,
        }
    }
}

/// An account's membership of an organization. The account itself (its IAM
/// namespace) is an [`super::Account`] with the same ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    /// The 12-digit account ID.
    pub account_id: String,
    /// The organization.
    pub organization_id: String,
    /// The parent: the root or an OU.
    pub parent_id: String,
    /// The account name.
    pub name: String,
    /// The root user's email address, unique in the organization (case-insensitively).
    pub email: String,
    /// The status.
    pub status: OrgAccountStatus,
    /// How it joined.
    pub joined_method: JoinedMethod,
    /// When it joined.
    pub joined_timestamp: Timestamp,
    /// The tags.
    pub tags: Vec<Tag>,
}

/// The state of a `CreateAccount` request (`CreateAccountState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CreateAccountState {
    /// `IN_PROGRESS`.
    InProgress,
    /// `SUCCEEDED`.
    Succeeded,
    /// `FAILED`.
    Failed,
}

impl CreateAccountState {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "IN_PROGRESS" => Some(Self::InProgress),
            "SUCCEEDED" => Some(Self::Succeeded),
            "FAILED" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// A `CreateAccount` request and how it ended (`CreateAccountStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAccountStatus {
    /// `car-` and 32 lowercase letters or digits.
    pub id: String,
    /// The organization.
    pub organization_id: String,
    /// The requested account name.
    pub account_name: String,
    /// The state.
    pub state: CreateAccountState,
    /// When the request was made.
    pub requested_timestamp: Timestamp,
    /// When it completed, if it has.
    pub completed_timestamp: Option<Timestamp>,
    /// The new account, when the request succeeded.
    pub account_id: Option<String>,
    /// Why it failed (`CreateAccountFailureReason`), when it did.
    pub failure_reason: Option<String>,
}

/// An Organizations policy (`Policy`: its `PolicySummary` and `Content`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPolicy {
    /// `p-` and 8 lowercase letters or digits; [`FULL_AWS_ACCESS_ID`] for AWS's.
    pub id: String,
    /// The organization it belongs to (AWS managed policies have a copy in each).
    pub organization_id: String,
    /// The ARN.
    pub arn: String,
    /// The name, unique in the organization.
    pub name: String,
    /// The description.
    pub description: String,
    /// The policy type (`SERVICE_CONTROL_POLICY`).
    pub policy_type: String,
    /// Whether AWS manages it (`FullAWSAccess`): it cannot be changed or deleted.
    pub aws_managed: bool,
    /// The policy document, as the JSON text the caller sent.
    pub content: String,
    /// The tags.
    pub tags: Vec<Tag>,
}

/// What a parent or target ID names, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgNode {
    /// `r-…`.
    Root,
    /// `ou-…`.
    Unit,
    /// 12 digits.
    Account,
}

impl OrgNode {
    /// The kind of node `id` names, or `None` for anything else.
    pub fn of(id: &str) -> Option<Self> {
        if id.starts_with("r-") {
            Some(Self::Root)
        } else if id.starts_with("ou-") {
            Some(Self::Unit)
        } else if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
            Some(Self::Account)
        } else {
            None
        }
    }
}
