//! The global condition keys that describe the caller beyond its ARN: its
//! organization, its session's tags and source identity, and the service flags.
//!
//! IAM User Guide, "AWS global condition context keys":
//! - `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths`: "This key is included in the
//!   request context only if the principal is a member of an organization", for the
//!   root user, IAM users and roles alike; the path is the account's, from the
//!   organization ID through the root down to the OU that holds it
//!   (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/`).
//! - `aws:PrincipalIsAWSService` and `aws:ViaAWSService`: present in every signed
//!   request; `false` for a call an IAM principal makes itself.
//! - `aws:PrincipalTag/*`: a role session's tags "override a role tag with the same
//!   key" ("Passing session tags in AWS STS"); keys compare case-insensitively.
//! - `aws:SourceIdentity`: "present in requests for any AWS action taken during the
//!   role session" ("Monitor and control actions taken with assumed roles").

use ironiam_policy::{Context, ContextValue, ValueType};
use ironiam_store::record::OrgNode;
use ironiam_store::{StoreError, Transaction};

use super::{Principal, SessionFacts};
use crate::http::error::ApiError;

/// How many nodes a path may have: the root and at most five nested OUs (the
/// Organizations quota). A longer walk means a corrupt tree.
const MAX_PATH_NODES: usize = 6;

/// The organization of a principal's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalOrg {
    /// `o-…`: `aws:PrincipalOrgID`.
    pub id: String,
    /// `o-…/r-…/ou-…/`: `aws:PrincipalOrgPaths`.
    pub path: String,
}

/// The organization `account` belongs to, management account included; `None`
/// outside an organization.
///
/// # Errors
/// A store fault, or a broken tree.
pub fn principal_org(
    tx: &mut dyn Transaction,
    account: &str,
) -> Result<Option<PrincipalOrg>, ApiError> {
    let membership = match tx.get_org_account(account) {
        Ok(membership) => membership,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let org = membership.organization_id;
    // From the account's parent up to the root, then reversed.
    let mut nodes = Vec::new();
    let mut parent = membership.parent_id;
    loop {
        if nodes.len() >= MAX_PATH_NODES {
            return Err(ApiError::internal(format!(
                "organization {org}: the path of account {account} is too long"
            )));
        }
        match OrgNode::of(&parent) {
            Some(OrgNode::Unit) => {
                let unit = tx.get_org_unit(&org, &parent)?;
                nodes.push(parent);
                parent = unit.parent_id;
            }
            Some(OrgNode::Root) => {
                nodes.push(parent);
                break;
            }
            _ => {
                return Err(ApiError::internal(format!(
                    "organization {org}: `{parent}` is not a root or OU"
                )));
            }
        }
    }
    let mut path = format!("{org}/");
    for node in nodes.iter().rev() {
        path.push_str(node);
        path.push('/');
    }
    Ok(Some(PrincipalOrg { id: org, path }))
}

/// The caller's organization keys and the service flags.
pub(super) fn add_principal_keys(context: &mut Context, principal: &Principal) {
    context.insert("aws:PrincipalIsAWSService", ContextValue::boolean(false));
    context.insert("aws:ViaAWSService", ContextValue::boolean(false));
    if let Some(org) = &principal.org {
        context.insert("aws:PrincipalOrgID", ContextValue::string(org.id.clone()));
        // Multivalued: AWS documents it for the ForAnyValue operators.
        context.insert(
            "aws:PrincipalOrgPaths",
            ContextValue::list(ValueType::String, vec![org.path.clone()]),
        );
    }
}

/// A session's tags (over the role's own, which the caller inserted first) and its
/// source identity.
pub(super) fn add_session_tags(context: &mut Context, session: &SessionFacts) {
    for tag in &session.tags {
        context.insert(
            &format!("aws:PrincipalTag/{}", tag.key),
            ContextValue::string(tag.value.clone()),
        );
    }
    if let Some(source) = &session.source_identity {
        context.insert("aws:SourceIdentity", ContextValue::string(source.clone()));
    }
}
