//! The rules, as pure functions of [`super::facts`] snapshots and the time.
//!
//! What each verdict means follows the rules' pages in the AWS Config Developer
//! Guide (cited in [`super::rule`]). Where a page is silent, the choice is ours
//! and said here:
//! - MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS checks only "users that use a console
//!   password": a user without one is `NOT_APPLICABLE`.
//! - ROOT_ACCOUNT_MFA_ENABLED "returns NOT_APPLICABLE if root user credentials are
//!   not present": no console password and no access key.
//! - IAM_PASSWORD_POLICY is `NON_COMPLIANT` when no policy is set (AWS: "marked as
//!   NON_COMPLIANT when the default IAM password policy is used"). A numeric
//!   requirement is met by a policy at least as strict: a minimum length and a
//!   reuse count at least the parameter, a maximum age set and at most it.
//! - ACCESS_KEYS_ROTATED checks "active IAM access keys": a user with none is
//!   `NOT_APPLICABLE`; a key is not rotated when it is older than
//!   `maxAccessKeyAge` whole days. Root access keys are outside the rule, as AWS
//!   documents.

use ironiam_store::record::{ComplianceType, ConfigRuleScope, Tag, Timestamp};

use super::facts::{AccountFacts, UserFacts};
use super::rule::{ManagedRule, PasswordPolicyRequirements, ResourceType};

/// AWS Config's longest annotation (`StringWithCharLimit256`).
pub const ANNOTATION_LIMIT: usize = 256;

const DAY: i64 = 86_400;

/// One rule's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What was evaluated.
    pub resource_type: ResourceType,
    /// The user's unique ID, or the account ID.
    pub resource_id: String,
    /// The user's name, or the account ID, for reports.
    pub resource_name: String,
    /// The verdict.
    pub compliance: ComplianceType,
    /// Why, in at most [`ANNOTATION_LIMIT`] characters.
    pub annotation: String,
}

/// Whether a resource is inside a rule's `Scope`: its type among the scope's
/// types, its ID the scope's resource ID, and its tags carrying the scope's tag.
/// No scope, or an empty one, takes every resource.
pub fn in_scope(
    scope: Option<&ConfigRuleScope>,
    resource_type: ResourceType,
    resource_id: &str,
    tags: &[Tag],
) -> bool {
    let Some(scope) = scope else {
        return true;
    };
    if !scope.resource_types.is_empty()
        && !scope
            .resource_types
            .iter()
            .any(|t| t == resource_type.as_str())
    {
        return false;
    }
    if scope
        .resource_id
        .as_deref()
        .is_some_and(|id| id != resource_id)
    {
        return false;
    }
    match (&scope.tag_key, &scope.tag_value) {
        (None, _) => true,
        (Some(key), value) => tags
            .iter()
            .any(|tag| &tag.key == key && value.as_ref().is_none_or(|v| &tag.value == v)),
    }
}

/// Every verdict of `rule` on the account and its users, restricted to `scope`.
pub fn evaluate(
    rule: &ManagedRule,
    scope: Option<&ConfigRuleScope>,
    account: &AccountFacts,
    users: &[UserFacts],
    now: Timestamp,
) -> Vec<Verdict> {
    match rule.resource_type() {
        ResourceType::Account => {
            if !in_scope(scope, ResourceType::Account, &account.id, &[]) {
                return Vec::new();
            }
            evaluate_account(rule, account).into_iter().collect()
        }
        ResourceType::User => users
            .iter()
            .filter(|user| in_scope(scope, ResourceType::User, &user.id, &user.tags))
            .filter_map(|user| evaluate_user(rule, user, now))
            .collect(),
    }
}

/// The verdict of a user rule on `user`; `None` for a rule on accounts.
pub fn evaluate_user(rule: &ManagedRule, user: &UserFacts, now: Timestamp) -> Option<Verdict> {
    let (compliance, annotation) = match rule {
        ManagedRule::MfaEnabledForIamConsoleAccess => {
            if !user.console_password {
                (
                    ComplianceType::NotApplicable,
                    "The user has no console password.".to_owned(),
                )
            } else if user.mfa_devices > 0 {
                (
                    ComplianceType::Compliant,
                    "The user has a console password and an MFA device.".to_owned(),
                )
            } else {
                (
                    ComplianceType::NonCompliant,
                    "The user has a console password and no MFA device.".to_owned(),
                )
            }
        }
        ManagedRule::IamUserMfaEnabled => {
            if user.mfa_devices > 0 {
                (
                    ComplianceType::Compliant,
                    "The user has an MFA device.".to_owned(),
                )
            } else {
                (
                    ComplianceType::NonCompliant,
                    "The user has no MFA device.".to_owned(),
                )
            }
        }
        ManagedRule::AccessKeysRotated { max_access_key_age } => {
            access_keys_rotated(user, *max_access_key_age, now)
        }
        ManagedRule::RootAccountMfaEnabled | ManagedRule::IamPasswordPolicy(_) => return None,
    };
    Some(Verdict {
        resource_type: ResourceType::User,
        resource_id: user.id.clone(),
        resource_name: user.name.clone(),
        compliance,
        annotation: limit(annotation),
    })
}

/// The verdict of an account rule on `account`; `None` for a rule on users.
pub fn evaluate_account(rule: &ManagedRule, account: &AccountFacts) -> Option<Verdict> {
    let (compliance, annotation) = match rule {
        ManagedRule::RootAccountMfaEnabled => {
            let root = &account.root;
            if root.mfa_devices > 0 {
                (
                    ComplianceType::Compliant,
                    "The root user has an MFA device.".to_owned(),
                )
            } else if !root.password && root.access_keys == 0 {
                (
                    ComplianceType::NotApplicable,
                    "The root user has no credentials: no console password and no access key."
                        .to_owned(),
                )
            } else {
                (
                    ComplianceType::NonCompliant,
                    "The root user has no MFA device.".to_owned(),
                )
            }
        }
        ManagedRule::IamPasswordPolicy(required) => password_policy(account, required),
        ManagedRule::MfaEnabledForIamConsoleAccess
        | ManagedRule::IamUserMfaEnabled
        | ManagedRule::AccessKeysRotated { .. } => return None,
    };
    Some(Verdict {
        resource_type: ResourceType::Account,
        resource_id: account.id.clone(),
        resource_name: account.id.clone(),
        compliance,
        annotation: limit(annotation),
    })
}

fn access_keys_rotated(
    user: &UserFacts,
    max_age_days: u32,
    now: Timestamp,
) -> (ComplianceType, String) {
    let active: Vec<_> = user.access_keys.iter().filter(|k| k.active).collect();
    if active.is_empty() {
        return (
            ComplianceType::NotApplicable,
            "The user has no active access key.".to_owned(),
        );
    }
    let limit_secs = i64::from(max_age_days).saturating_mul(DAY);
    let stale: Vec<String> = active
        .iter()
        .filter_map(|key| {
            let age = now.as_secs().saturating_sub(key.create_date.as_secs());
            (age > limit_secs).then(|| format!("{} ({} days old)", key.id, age / DAY))
        })
        .collect();
    if stale.is_empty() {
        (
            ComplianceType::Compliant,
            format!("Every active access key is at most {max_age_days} days old."),
        )
    } else {
        (
            ComplianceType::NonCompliant,
            format!(
                "Active access keys older than {max_age_days} days: {}.",
                stale.join(", ")
            ),
        )
    }
}

fn password_policy(
    account: &AccountFacts,
    required: &PasswordPolicyRequirements,
) -> (ComplianceType, String) {
    let Some(policy) = &account.password_policy else {
        return (
            ComplianceType::NonCompliant,
            "No account password policy is set.".to_owned(),
        );
    };
    let mut unmet = Vec::new();
    let flags = [
        (
            required.require_uppercase_characters,
            policy.require_uppercase_characters,
            "RequireUppercaseCharacters",
        ),
        (
            required.require_lowercase_characters,
            policy.require_lowercase_characters,
            "RequireLowercaseCharacters",
        ),
        (
            required.require_symbols,
            policy.require_symbols,
            "RequireSymbols",
        ),
        (
            required.require_numbers,
            policy.require_numbers,
            "RequireNumbers",
        ),
    ];
    for (wanted, has, name) in flags {
        if wanted && !has {
            unmet.push(name.to_owned());
        }
    }
    if policy.minimum_password_length < required.minimum_password_length {
        unmet.push(format!(
            "MinimumPasswordLength {} < {}",
            policy.minimum_password_length, required.minimum_password_length
        ));
    }
    let reuse = policy.password_reuse_prevention.unwrap_or(0);
    if reuse < required.password_reuse_prevention {
        unmet.push(match policy.password_reuse_prevention {
            None => format!(
                "PasswordReusePrevention unset < {}",
                required.password_reuse_prevention
            ),
            Some(n) => format!(
                "PasswordReusePrevention {n} < {}",
                required.password_reuse_prevention
            ),
        });
    }
    match policy.max_password_age {
        None => unmet.push(format!(
            "MaxPasswordAge unset > {}",
            required.max_password_age
        )),
        Some(age) if age > required.max_password_age => unmet.push(format!(
            "MaxPasswordAge {age} > {}",
            required.max_password_age
        )),
        Some(_) => {}
    }
    if unmet.is_empty() {
        (
            ComplianceType::Compliant,
            "The account password policy meets every requirement.".to_owned(),
        )
    } else {
        (
            ComplianceType::NonCompliant,
            format!("Password policy falls short of: {}.", unmet.join(", ")),
        )
    }
}

/// Cuts an annotation to AWS Config's limit, on a character boundary.
fn limit(mut text: String) -> String {
    if text.chars().count() <= ANNOTATION_LIMIT {
        return text;
    }
    let cut = text
        .char_indices()
        .nth(ANNOTATION_LIMIT - 1)
        .map_or(text.len(), |(i, _)| i);
    text.truncate(cut);
    text.push('…');
    text
}
