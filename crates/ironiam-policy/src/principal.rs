//! The caller of a request, and how `Principal` elements match it.
//!
//! Matching follows the IAM User Guide page "AWS JSON policy elements: Principal": an
//! account ID or `arn:...:root` names the account (which then delegates to its own
//! identity policies), a role ARN names every session of that role, a session ARN names
//! that session, and `"*"` names everyone, including anonymous callers. Principal values
//! take no wildcards other than a lone `*`.

use crate::context::{Context, ContextValue};
use crate::document::{PrincipalElement, PrincipalSet, PrincipalType};

/// What kind of caller made the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// The account root user (`arn:aws:iam::ACCOUNT:root`).
    Root,
    /// An IAM user.
    User {
        /// The user name (the last path segment).
        name: String,
    },
    /// A role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    AssumedRole {
        /// The role's ARN (`arn:aws:iam::ACCOUNT:role/ROLE`, without a path: the
        /// session ARN does not carry it).
        role_arn: String,
        /// The role's name.
        role_name: String,
        /// The session name.
        session: String,
    },
    /// A federated user session (`arn:aws:sts::ACCOUNT:federated-user/NAME`).
    FederatedUser {
        /// The name given to GetFederationToken.
        name: String,
    },
    /// An AWS service principal such as `ec2.amazonaws.com`.
    Service,
    /// An unauthenticated caller.
    Anonymous,
    /// Any other ARN (a role itself, say, when evaluating a trust policy).
    Other,
}

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The caller's ARN (for a service, its service principal name; `*` for anonymous).
    pub arn: String,
    /// The partition (`aws`), if the caller is an ARN.
    pub partition: Option<String>,
    /// The caller's account, if it has one.
    pub account: Option<String>,
    /// What kind of caller it is.
    pub kind: CallerKind,
}

/// Why a caller ARN was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a principal ARN, a service principal or `*`")]
pub struct CallerError(pub String);

/// How a `Principal` element matched the caller. The order matters: a stronger match
/// wins when several values match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalMatch {
    /// The element named the caller's account: access is delegated to the account's
    /// identity policies.
    Account,
    /// The element named the role whose session is calling.
    Role,
    /// The element named the caller itself (user, session, service) or everyone.
    Exact,
}

impl Caller {
    /// Reads a caller from an ARN, a service principal name, or `*` (anonymous).
    pub fn parse(arn: &str) -> Result<Self, CallerError> {
        let invalid = || CallerError(arn.to_string());
        if arn == "*" {
            return Ok(Self {
                arn: arn.to_string(),
                partition: None,
                account: None,
                kind: CallerKind::Anonymous,
            });
        }
        if !arn.starts_with("arn:") {
            let is_service = arn.contains('.')
                && !arn.contains(|c: char| c.is_whitespace() || c == ':' || c == '/');
            return if is_service {
                Ok(Self {
                    arn: arn.to_string(),
                    partition: None,
                    account: None,
                    kind: CallerKind::Service,
                })
            } else {
                Err(invalid())
            };
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, service, _region, account, resource] = parts.as_slice() else {
            return Err(invalid());
        };
        if partition.is_empty() || account.is_empty() || resource.is_empty() {
            return Err(invalid());
        }
        let last_segment = |path: &str| path.rsplit('/').next().unwrap_or_default().to_string();
        let kind = match (*service, *resource) {
            ("iam", "root") => CallerKind::Root,
            ("iam", user) if user.starts_with("user/") => {
                let name = last_segment(user);
                if name.is_empty() {
                    return Err(invalid());
                }
                CallerKind::User { name }
            }
            ("sts", session) if session.starts_with("assumed-role/") => {
                let mut pieces = session.splitn(3, '/').skip(1);
                let (Some(role_name), Some(session)) = (pieces.next(), pieces.next()) else {
                    return Err(invalid());
                };
                if role_name.is_empty() || session.is_empty() {
                    return Err(invalid());
                }
                CallerKind::AssumedRole {
                    role_arn: format!("arn:{partition}:iam::{account}:role/{role_name}"),
                    role_name: role_name.to_string(),
                    session: session.to_string(),
                }
            }
            ("sts", federated) if federated.starts_with("federated-user/") => {
                CallerKind::FederatedUser {
                    name: last_segment(federated),
                }
            }
            _ => CallerKind::Other,
        };
        Ok(Self {
            arn: arn.to_string(),
            partition: Some((*partition).to_string()),
            account: Some((*account).to_string()),
            kind,
        })
    }

    /// Whether the caller is an account's root user.
    pub fn is_root(&self) -> bool {
        self.kind == CallerKind::Root
    }

    /// The ARN that `aws:PrincipalArn` reports: for a role session, the role's ARN.
    pub fn principal_arn(&self) -> &str {
        match &self.kind {
            CallerKind::AssumedRole { role_arn, .. } => role_arn,
            _ => &self.arn,
        }
    }

    /// AWS's `aws:PrincipalType` value.
    pub fn principal_type(&self) -> &'static str {
        match self.kind {
            CallerKind::Root => "Account",
            CallerKind::User { .. } => "User",
            CallerKind::AssumedRole { .. } => "AssumedRole",
            CallerKind::FederatedUser { .. } => "FederatedUser",
            CallerKind::Anonymous => "Anonymous",
            CallerKind::Service | CallerKind::Other => "Service",
        }
    }

    /// Adds the keys AWS derives from the caller, unless `context` already has them, as
    /// AWS's policy simulator does with `CallerArn`: `aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username` for IAM users, and
    /// `aws:userid` where the ARN determines it (the root user's is the account ID; a
    /// federated user's is `ACCOUNT:NAME`). A user's or role's `aws:userid` is its unique
    /// ID, which an ARN does not carry: the caller must supply it.
    pub fn add_derived_keys(&self, context: &mut Context) {
        if matches!(self.kind, CallerKind::Anonymous | CallerKind::Service) {
            return;
        }
        context.insert_if_absent(
            "aws:PrincipalArn",
            ContextValue::string(self.principal_arn()),
        );
        if let Some(account) = &self.account {
            context.insert_if_absent(
                "aws:PrincipalAccount",
                ContextValue::string(account.clone()),
            );
        }
        context.insert_if_absent(
            "aws:PrincipalType",
            ContextValue::string(self.principal_type()),
        );
        match (&self.kind, &self.account) {
            (CallerKind::User { name }, _) => {
                context.insert_if_absent("aws:username", ContextValue::string(name.clone()));
            }
            (CallerKind::Root, Some(account)) => {
                context.insert_if_absent("aws:userid", ContextValue::string(account.clone()));
            }
            (CallerKind::FederatedUser { name }, Some(account)) => {
                context.insert_if_absent(
                    "aws:userid",
                    ContextValue::string(format!("{account}:{name}")),
                );
            }
            _ => {}
        }
    }

    /// How (if at all) one principal value of the given type names this caller.
    fn match_value(&self, principal_type: PrincipalType, value: &str) -> Option<PrincipalMatch> {
        match principal_type {
            PrincipalType::Aws => {
                if value == "*" {
                    return Some(PrincipalMatch::Exact);
                }
                let account = self.account.as_deref()?;
                if value == account
                    || self
                        .partition
                        .as_deref()
                        .is_some_and(|p| value == format!("arn:{p}:iam::{account}:root"))
                {
                    return Some(if self.is_root() {
                        PrincipalMatch::Exact
                    } else {
                        PrincipalMatch::Account
                    });
                }
                if value == self.arn {
                    return Some(PrincipalMatch::Exact);
                }
                match &self.kind {
                    CallerKind::AssumedRole {
                        role_arn,
                        role_name,
                        ..
                    } => {
                        // The role may have a path; its sessions' ARNs do not show it.
                        let same_role = value == role_arn
                            || value
                                .strip_prefix(&format!(
                                    "arn:{}:iam::{account}:role/",
                                    self.partition.as_deref().unwrap_or("aws")
                                ))
                                .is_some_and(|rest| {
                                    rest.rsplit('/').next() == Some(role_name.as_str())
                                });
                        same_role.then_some(PrincipalMatch::Role)
                    }
                    _ => None,
                }
            }
            PrincipalType::Service => (self.kind == CallerKind::Service && value == self.arn)
                .then_some(PrincipalMatch::Exact),
            PrincipalType::Federated => (value == self.arn).then_some(PrincipalMatch::Exact),
            // Canonical user IDs belong to S3; ironiam's callers never carry one.
            PrincipalType::CanonicalUser => None,
        }
    }

    /// How a `Principal`/`NotPrincipal` element applies to this caller: `None` when the
    /// statement does not apply.
    pub fn match_element(&self, element: &PrincipalElement) -> Option<PrincipalMatch> {
        let matched = match &element.principals {
            PrincipalSet::Everyone => Some(PrincipalMatch::Exact),
            PrincipalSet::ByType(by_type) => by_type
                .iter()
                .flat_map(|(principal_type, values)| {
                    values
                        .iter()
                        .filter_map(|value| self.match_value(*principal_type, &value.value))
                })
                .max(),
        };
        if element.negated {
            // NotPrincipal applies to everyone it does not name exactly. The IAM User
            // Guide asks for the session ARN (not only the role's) to exempt a role
            // session, so a role or account match does not exempt the caller.
            match matched {
                Some(PrincipalMatch::Exact) => None,
                _ => Some(PrincipalMatch::Exact),
            }
        } else {
            matched
        }
    }
}
