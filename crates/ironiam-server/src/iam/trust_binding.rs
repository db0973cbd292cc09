//! Trust policies name principals by ARN, but bind the principal, not the name.
//!
//! AWS: "If your Principal element in a role trust policy contains an ARN that points
//! to a specific IAM user, then IAM transforms the ARN to the user's unique principal
//! ID when the policy is saved ... If you delete the user, then you break the
//! relationship ... If you create a new user with the same name, the new user's
//! principal ID does not match the ID stored in the trust policy", and the document
//! then shows the unique ID (`"AWS": "AIDA…"`) (IAM User Guide, "AWS JSON policy
//! elements: Principal", "IAM unique identifiers"). Roles are treated the same way.
//!
//! # Mechanism
//! ironiam stores the document as written and evaluates principals by ARN, and keeps
//! that ARN true to the principal it named at every change of the principal:
//!
//! - **DeleteUser / DeleteRole** rewrite, in the same store transaction as the
//!   deletion, every AWS principal value that named the deleted principal, in the
//!   trust policy of every role in every account on the server, to its unique ID.
//!   The ID names no caller, so a principal created later under the same name is
//!   not trusted, and GetRole, ListRoles and GetAccountAuthorizationDetails show the
//!   ID, as on AWS.
//! - **UpdateUser** (new name or path) rewrites the old ARN to the new one in the
//!   same way, so the trust follows the user, as AWS's ID binding does.
//!
//! Rewriting at those two moments, rather than resolving ARNs to IDs when a policy
//! is saved, keeps the stored documents exactly as clients wrote them, needs no new
//! storage, and costs nothing per request; the price is a scan of all roles on the
//! (rare) deletion or rename of a user or role. Being in the deleting transaction,
//! no window exists in which a same-name principal could be created and trusted.
//! Values are matched as the policy engine matches them (a user by its exact ARN; a
//! role by account and name whatever the path), so everything that trusted the old
//! principal is rewritten, and they are found by parsing each document, so JSON
//! escapes in the text cannot hide a value.
//!
//! The other half of binding is **at save time**: IAM refuses a trust policy that
//! names a user or role that does not exist (`MalformedPolicyDocument`, "Invalid
//! principal in policy"), since it has no ID to bind. ironiam does the same for
//! users and roles of the accounts it hosts ([`check_principals_exist`]), so a
//! trust policy cannot be written for a name that someone creates later. Principals
//! of accounts this server does not host cannot be checked and are accepted.

use ironiam_policy::{PolicyKind, PrincipalSet, PrincipalType, parse};
use ironiam_store::{ListOptions, StoreError, Transaction};

use crate::http::error::ApiError;

/// A principal whose name in trust policies changes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Named<'a> {
    /// A user, named by its exact ARN.
    User {
        /// The user's ARN.
        arn: &'a str,
    },
    /// A role, named by any role ARN of its account with its name.
    Role {
        /// The role's account.
        account: &'a str,
        /// The role's name.
        name: &'a str,
    },
}

impl Named<'_> {
    fn matches(&self, value: &str) -> bool {
        match self {
            Self::User { arn } => value == *arn,
            Self::Role { account, name } => value
                .strip_prefix("arn:")
                .and_then(|rest| rest.split_once(':'))
                .and_then(|(_partition, rest)| rest.strip_prefix(&format!("iam::{account}:role/")))
                .is_some_and(|path_and_name| path_and_name.rsplit('/').next() == Some(*name)),
        }
    }
}

/// Refuses a trust policy naming a user or role, of an account hosted here, that
/// does not exist, as IAM does: `Invalid principal in policy: "AWS":"ARN"`. A user
/// must match its ARN exactly (path included); a role is found by name, as the
/// policy engine matches roles.
///
/// # Errors
/// `MalformedPolicyDocument`, or a store fault.
pub(super) fn check_principals_exist(tx: &mut dyn Transaction, text: &str) -> Result<(), ApiError> {
    let Ok(document) = parse(text, PolicyKind::Trust) else {
        // Validated before; a document that does not parse has no principals to bind.
        return Ok(());
    };
    let values = document
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .filter_map(|p| match &p.principals {
            PrincipalSet::ByType(by_type) => Some(by_type),
            PrincipalSet::Everyone => None,
        })
        .flatten()
        .filter(|(kind, _)| *kind == PrincipalType::Aws)
        .flat_map(|(_, values)| values);
    for value in values {
        let arn = value.value.as_ref();
        let Some((account, kind, name)) = iam_principal(arn) else {
            continue;
        };
        match tx.get_account(account) {
            Ok(_) => {}
            Err(StoreError::NotFound { .. }) => continue,
            Err(err) => return Err(err.into()),
        }
        let exists = match kind {
            "user" => match tx.get_user(account, name) {
                Ok(user) => user.arn == arn,
                Err(StoreError::NotFound { .. }) => false,
                Err(err) => return Err(err.into()),
            },
            _ => match tx.get_role(account, name) {
                Ok(_) => true,
                Err(StoreError::NotFound { .. }) => false,
                Err(err) => return Err(err.into()),
            },
        };
        if !exists {
            return Err(ApiError::MalformedPolicyDocument(format!(
                "Invalid principal in policy: \"AWS\":\"{arn}\""
            )));
        }
    }
    Ok(())
}

/// `(account, "user" | "role", name)` of an IAM user or role ARN.
fn iam_principal(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let (kind, path_and_name) = resource.split_once('/')?;
    let name = path_and_name.rsplit('/').next()?;
    (matches!(kind, "user" | "role") && !name.is_empty()).then_some((account, kind, name))
}

/// Replaces `named` by `replacement` (a unique ID, or a new ARN) in the AWS
/// principals of every role's trust policy, in every account; returns how many roles
/// changed.
///
/// # Errors
/// A store fault.
pub(super) fn rebind(
    tx: &mut dyn Transaction,
    named: Named<'_>,
    replacement: &str,
) -> Result<usize, ApiError> {
    let mut changed = 0;
    for account in tx.list_accounts()? {
        for mut role in tx.list_roles(&account.id, &ListOptions::all())?.items {
            if let Some(text) = rewrite(&role.assume_role_policy_document, named, replacement) {
                role.assume_role_policy_document = text;
                tx.update_role(&role)?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// The document with every AWS principal value `named` matches replaced by
/// `replacement`, the rest of the text untouched; `None` when nothing matched.
pub(super) fn rewrite(text: &str, named: Named<'_>, replacement: &str) -> Option<String> {
    let document = parse(text, PolicyKind::Trust).ok()?;
    let mut spans: Vec<(usize, usize)> = document
        .statements
        .iter()
        .filter_map(|s| s.principal.as_ref())
        .filter_map(|p| match &p.principals {
            PrincipalSet::ByType(by_type) => Some(by_type),
            PrincipalSet::Everyone => None,
        })
        .flatten()
        .filter(|(kind, _)| *kind == PrincipalType::Aws)
        .flat_map(|(_, values)| values)
        .filter(|value| named.matches(&value.value))
        .map(|value| (value.span.start, value.span.end))
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let quoted = serde_json::to_string(replacement).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        let token = text.get(start..end)?;
        out.push_str(text.get(at..start)?);
        // A string's span is its token, quotes included; should it ever be the
        // content only, the quotes around it stay where they are.
        if token.starts_with('"') {
            out.push_str(&quoted);
        } else {
            out.push_str(quoted.get(1..quoted.len() - 1)?);
        }
        at = end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: Named<'static> = Named::User {
        arn: "arn:aws:iam::111122223333:user/ops/alice",
    };

    #[test]
    fn only_the_named_user_is_replaced_and_the_text_is_kept() {
        let text = "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"arn:aws:iam::111122223333:user/ops/alice\", \"arn:aws:iam::111122223333:user/bob\"]}, \"Action\": \"sts:AssumeRole\", \"Condition\": {\"StringEquals\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:user/ops/alice\"}}}]}";
        let out = rewrite(text, USER, "AIDAEXAMPLE1234567890");
        let expected = text.replacen(
            "\"arn:aws:iam::111122223333:user/ops/alice\"",
            "\"AIDAEXAMPLE1234567890\"",
            1,
        );
        assert_eq!(out.as_deref(), Some(expected.as_str()));
        // The same ARN in a condition is a string, not a principal: left alone.
        assert!(
            expected.contains("\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:user/ops/alice\"")
        );
    }

    #[test]
    fn escaped_text_cannot_hide_a_principal() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user\/ops\/alic\u0065"},"Action":"sts:AssumeRole"}}"#;
        let out = rewrite(text, USER, "AIDAEXAMPLE1234567890");
        assert_eq!(
            out.as_deref(),
            Some(
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"AIDAEXAMPLE1234567890"},"Action":"sts:AssumeRole"}}"#
            )
        );
    }

    #[test]
    fn a_role_is_matched_by_name_whatever_the_path() {
        let role = Named::Role {
            account: "111122223333",
            name: "Admin",
        };
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/x/Admin","arn:aws:iam::111122223333:role/Admins","arn:aws:iam::444455556666:role/Admin","111122223333"]},"Action":"sts:AssumeRole"}]}"#;
        let out = rewrite(text, role, "AROAEXAMPLE1234567890");
        assert_eq!(
            out.as_deref(),
            Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["AROAEXAMPLE1234567890","arn:aws:iam::111122223333:role/Admins","arn:aws:iam::444455556666:role/Admin","111122223333"]},"Action":"sts:AssumeRole"}]}"#
            )
        );
        assert_eq!(
            rewrite(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
                role,
                "x"
            ),
            None
        );
    }
}
