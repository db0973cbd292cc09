//! `PolicyExclusionList`: policies left out of a principal simulation, to see the
//! decision as if they were detached (IAM API Reference, "SimulatePrincipalPolicy" and
//! "PolicyIdentifier").
//!
//! Each identifier names exactly one of: a `PolicyType` (`inline`, `aws-managed`,
//! `user-managed`, `permission-boundary`, `scp`, `rcp`); a managed `PolicyArn`, whose
//! name part may hold at most one `*` and any number of `?`; or an
//! `InlinePolicyIdentifier` (policy name, attachment type, attachment name, the last with
//! wildcards). A malformed identifier is `InvalidInput`; one that matches nothing is
//! ignored. ironiam has no resource control policies, so `rcp` excludes nothing.

use ironiam_protocol::model::Value;
use ironiam_store::record::PrincipalKind;

use super::source::same_name;
use crate::http::error::ApiError;

/// One identifier, read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identifier {
    Inline,
    AwsManaged,
    UserManaged,
    PermissionsBoundary,
    ServiceControl,
    ResourceControl,
    /// The ARN up to `policy/`, and the pattern after it.
    Arn {
        prefix: String,
        pattern: String,
    },
    InlinePolicy {
        policy: String,
        kind: PrincipalKind,
        owner_pattern: String,
    },
}

/// The policies to leave out.
#[derive(Debug, Default)]
pub(super) struct Exclusions {
    identifiers: Vec<Identifier>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::InvalidInput(message.into())
}

impl Exclusions {
    /// Reads `PolicyExclusionList`.
    ///
    /// # Errors
    /// `InvalidInput` for an identifier that names zero or several things, or a
    /// malformed policy ARN.
    pub(super) fn read(input: &Value) -> Result<Self, ApiError> {
        let mut identifiers = Vec::new();
        for (index, item) in input
            .get("PolicyExclusionList")
            .and_then(Value::as_list)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            identifiers.push(read_identifier(item, index + 1)?);
        }
        Ok(Self { identifiers })
    }

    fn any(&self, test: impl Fn(&Identifier) -> bool) -> bool {
        self.identifiers.iter().any(test)
    }

    /// Whether the inline policy `policy` of `owner` (a `kind`) is excluded.
    pub(super) fn excludes_inline(&self, kind: PrincipalKind, owner: &str, policy: &str) -> bool {
        self.any(|identifier| match identifier {
            Identifier::Inline => true,
            Identifier::InlinePolicy {
                policy: name,
                kind: wanted,
                owner_pattern,
            } => *wanted == kind && same_name(name, policy) && glob(owner_pattern, owner, true),
            _ => false,
        })
    }

    /// Whether the attached managed policy `arn` is excluded.
    pub(super) fn excludes_managed(&self, arn: &str) -> bool {
        let aws_managed = arn.split(':').nth(4) == Some("aws");
        self.any(|identifier| match identifier {
            Identifier::AwsManaged => aws_managed,
            Identifier::UserManaged => !aws_managed,
            Identifier::Arn { prefix, pattern } => arn
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| glob(pattern, rest, false)),
            _ => false,
        })
    }

    /// Whether the entity's permissions boundary is excluded.
    pub(super) fn excludes_boundary(&self) -> bool {
        self.any(|identifier| *identifier == Identifier::PermissionsBoundary)
    }

    /// Whether service control policies are excluded.
    pub(super) fn excludes_service_control(&self) -> bool {
        self.any(|identifier| *identifier == Identifier::ServiceControl)
    }
}

fn read_identifier(item: &Value, number: usize) -> Result<Identifier, ApiError> {
    let policy_type = item.str_member("PolicyType");
    let arn = item.str_member("PolicyArn");
    let inline = item.get("InlinePolicyIdentifier");
    let given = [policy_type.is_some(), arn.is_some(), inline.is_some()];
    if given.iter().filter(|given| **given).count() != 1 {
        return Err(invalid(format!(
            "PolicyExclusionList.member.{number} must specify exactly one of PolicyType, PolicyArn or InlinePolicyIdentifier."
        )));
    }
    if let Some(policy_type) = policy_type {
        return match policy_type {
            "inline" => Ok(Identifier::Inline),
            "aws-managed" => Ok(Identifier::AwsManaged),
            "user-managed" => Ok(Identifier::UserManaged),
            "permission-boundary" => Ok(Identifier::PermissionsBoundary),
            "scp" => Ok(Identifier::ServiceControl),
            "rcp" => Ok(Identifier::ResourceControl),
            other => Err(invalid(format!(
                "Invalid PolicyType {other} in PolicyExclusionList.member.{number}."
            ))),
        };
    }
    if let Some(arn) = arn {
        return read_arn(arn, number);
    }
    let inline = inline.unwrap_or(item);
    let (Some(policy), Some(kind), Some(owner)) = (
        inline.str_member("PolicyName"),
        inline.str_member("AttachmentType"),
        inline.str_member("AttachmentName"),
    ) else {
        return Err(invalid(format!(
            "PolicyExclusionList.member.{number}.InlinePolicyIdentifier needs PolicyName, AttachmentType and AttachmentName."
        )));
    };
    let kind = match kind {
        "user" => PrincipalKind::User,
        "group" => PrincipalKind::Group,
        "role" => PrincipalKind::Role,
        other => {
            return Err(invalid(format!(
                "Invalid AttachmentType {other} in PolicyExclusionList.member.{number}."
            )));
        }
    };
    Ok(Identifier::InlinePolicy {
        policy: policy.to_owned(),
        kind,
        owner_pattern: owner.to_owned(),
    })
}

/// `arn:PARTITION:iam::ACCOUNT-or-aws:policy/[PATH/]NAME`, wildcards only after
/// `policy/`, at most one `*`.
fn read_arn(arn: &str, number: usize) -> Result<Identifier, ApiError> {
    let bad = || {
        invalid(format!(
            "Invalid PolicyArn {arn} in PolicyExclusionList.member.{number}: expected arn:aws:iam::ACCOUNT:policy/NAME, with wildcards (at most one *, any ?) only in the name."
        ))
    };
    let marker = ":policy/";
    let split = arn.find(marker).ok_or_else(bad)?;
    let (prefix, pattern) = arn.split_at(split + marker.len());
    let mut parts = prefix.trim_end_matches("policy/").split(':');
    let well_formed = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account))
            if !partition.is_empty()
                && (account == "aws"
                    || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
    );
    let stars = pattern.matches('*').count();
    if !well_formed || prefix.contains(['*', '?']) || pattern.is_empty() || stars > 1 {
        return Err(bad());
    }
    Ok(Identifier::Arn {
        prefix: prefix.to_owned(),
        pattern: pattern.to_owned(),
    })
}

/// `*` matches any run of characters, `?` one character: the policy engine's matcher,
/// whose work is linear in pattern plus text (a two-pointer match that backtracks to the
/// last `*` is not).
fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if ignore_case {
        ironiam_policy::wildcard::matches(
            &pattern.to_ascii_lowercase(),
            &text.to_ascii_lowercase(),
            false,
        )
    } else {
        ironiam_policy::wildcard::matches(pattern, text, false)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("Admin*", "AdministratorAccess", false));
        assert!(glob("a?c", "abc", false));
        assert!(!glob("a?c", "abbc", false));
        assert!(glob("*Access", "ReadOnlyAccess", false));
        assert!(glob("dev-*", "DEV-alice", true));
        assert!(!glob("dev-*", "DEV-alice", false));
        assert!(glob("", "", false));
        assert!(!glob("x", "", false));
        assert!(glob("*a*a*b", "xaayab", false));
        assert!(!glob("*a*a*b", "xab", false));
    }

    #[test]
    fn arns() {
        assert!(read_arn("arn:aws:iam::aws:policy/Admin*", 1).is_ok());
        assert!(read_arn("arn:aws:iam::123456789012:policy/team/*", 1).is_ok());
        assert!(read_arn("arn:aws:iam::*:policy/x", 1).is_err());
        assert!(read_arn("arn:aws:iam::aws:policy/*a*", 1).is_err());
        assert!(read_arn("arn:aws:s3:::bucket", 1).is_err());
        assert!(read_arn("arn:aws:iam::aws:policy/", 1).is_err());
    }
}
