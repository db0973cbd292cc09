//! The service control policies that bind an account.
//!
//! AWS Organizations' user guide ("SCP evaluation"): for a principal of a member
//! account, an action is allowed only if every level from the organization's root,
//! through each OU on the path, down to the account itself has an attached SCP that
//! allows it, and no SCP at any level denies it. SCPs do not affect the management
//! account, and they apply only while the `SERVICE_CONTROL_POLICY` type is enabled on
//! the root. They bind the member account's root user as well.

use std::sync::Arc;

use ironiam_policy::{Policy, PolicyKind};
use ironiam_store::record::{OrgNode, OrgPolicy, SERVICE_CONTROL_POLICY};
use ironiam_store::{StoreError, Transaction};

use super::PolicyCache;
use crate::http::error::ApiError;

/// How many levels a path may have: the root, at most five nested OUs (the
/// Organizations quota) and the account. A longer walk means a corrupt tree.
const MAX_LEVELS: usize = 7;

/// The SCPs that bind principals of `account_id`: one `Vec` per level, from the
/// organization's root, down each OU on the path, to the account, each with the SCPs
/// attached there. `None` when the account is in no organization, is its management
/// account, or the organization's root does not have SCPs enabled. A level with no
/// SCP attached denies everything, as in AWS.
///
/// Compiled policies come from `cache`, keyed by the policy's ARN and its content,
/// so an updated SCP is never served from an old compilation; each policy's `id()` is
/// its ARN, which AccessDenied messages name.
///
/// # Errors
/// A store fault, or a stored SCP that no longer compiles.
pub fn service_control_policies(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account_id: &str,
) -> Result<Option<Vec<Vec<Arc<Policy>>>>, ApiError> {
    let Some(levels) = service_control_path(tx, account_id)? else {
        return Ok(None);
    };
    let mut compiled = Vec::with_capacity(levels.len());
    for level in levels {
        let mut policies = Vec::with_capacity(level.len());
        for policy in level {
            policies.push(cache.get_or_compile(
                &policy.arn,
                &policy.content,
                PolicyKind::ServiceControl,
            )?);
        }
        compiled.push(policies);
    }
    Ok(Some(compiled))
}

/// The stored SCPs behind [`service_control_policies`], level by level, for callers
/// that label them differently (the policy simulator names each by its name).
///
/// # Errors
/// A store fault, or a broken tree.
pub fn service_control_path(
    tx: &mut dyn Transaction,
    account_id: &str,
) -> Result<Option<Vec<Vec<OrgPolicy>>>, ApiError> {
    let membership = match tx.get_org_account(account_id) {
        Ok(membership) => membership,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let organization = tx.get_organization(&membership.organization_id)?;
    if organization.management_account_id == account_id {
        return Ok(None);
    }
    let org = organization.id.as_str();
    // The path, from the account up to the root.
    let mut path = vec![account_id.to_owned()];
    let mut parent = membership.parent_id;
    loop {
        if path.len() >= MAX_LEVELS {
            return Err(ApiError::internal(format!(
                "organization {org}: the path of account {account_id} is longer than {MAX_LEVELS} levels"
            )));
        }
        match OrgNode::of(&parent) {
            Some(OrgNode::Unit) => {
                let unit = tx.get_org_unit(org, &parent)?;
                path.push(parent);
                parent = unit.parent_id;
            }
            Some(OrgNode::Root) => {
                let root = tx.get_org_root(org, &parent)?;
                if !root
                    .enabled_policy_types
                    .iter()
                    .any(|t| t == SERVICE_CONTROL_POLICY)
                {
                    return Ok(None);
                }
                path.push(parent);
                break;
            }
            _ => {
                return Err(ApiError::internal(format!(
                    "organization {org}: `{parent}` is not a root or OU"
                )));
            }
        }
    }
    path.reverse();
    let mut levels = Vec::with_capacity(path.len());
    for target in &path {
        levels.push(tx.list_org_policies_for_target(org, target, SERVICE_CONTROL_POLICY)?);
    }
    Ok(Some(levels))
}
