//! MFA compliance: the AWS Config managed rules the seed tutorials rely on.
//!
//! - [`rule`]: the managed rules (MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS,
//!   IAM_USER_MFA_ENABLED, ROOT_ACCOUNT_MFA_ENABLED, IAM_PASSWORD_POLICY,
//!   ACCESS_KEYS_ROTATED), their resource types and their input parameters.
//! - [`facts`]: snapshots of users, the root user and the password policy, read
//!   from the store.
//! - [`evaluate`]: the rules as pure functions of those snapshots and the time.
//! - [`engine`]: stored rules run on demand and after each IAM change that can
//!   move a verdict, their results kept in the store.
//! - [`summary`]: a rule's compliance from its results, as AWS Config sums it up.
//! - [`report`]: every account's rules run fresh, read-only, for `ironiam report`.
//!
//! The AWS Config API over this is `crate::configservice`; `ironiam report` runs
//! the same rules from the command line.

pub mod engine;
pub mod evaluate;
pub mod facts;
pub mod report;
pub mod rule;
pub mod summary;

#[cfg(test)]
mod tests;

pub use engine::{
    Change, Target, after_iam_call, after_root_mfa_change, change_of, evaluate_rules, on_change,
};
pub use evaluate::{Verdict, evaluate as evaluate_rule, in_scope};
pub use facts::{AccountFacts, KeyFacts, RootFacts, UserFacts};
pub use report::{Report, ReportError, RuleSource, report};
pub use rule::{ManagedRule, PasswordPolicyRequirements, ResourceType, RuleError};
pub use summary::{CONTRIBUTOR_CAP, RuleCompliance, summarize};
