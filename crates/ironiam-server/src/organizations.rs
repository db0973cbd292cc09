//! AWS Organizations over the JSON 1.1 protocol (`X-Amz-Target:
//! AWSOrganizationsV20161128.<Operation>`), with the shapes and errors of botocore's
//! model.
//!
//! - [`structure`]: the organization, its root, and enabling policy types.
//! - [`account`]: creating accounts (each gets its own IAM namespace, the AWS managed
//!   policies and an `OrganizationAccountAccessRole`), listing, describing, moving.
//! - [`unit`]: organizational units, `ListChildren`, `ListParents`.
//! - [`policy`]: service control policies and their attachments.
//! - [`authz`]: the resources and condition keys each call is authorized with.
//!
//! Who may call what (Organizations User Guide): `CreateOrganization` from an account
//! in no organization; `DescribeOrganization` from any account of the organization;
//! everything else only from the management account (a member account gets
//! `AccessDeniedException`, an account outside any organization
//! `AWSOrganizationsNotInUseException`). Every call is first authorized as
//! `organizations:<Operation>` by the policy engine, with the caller's SCPs.

mod account;
pub(crate) mod authz;
mod error;
mod output;
mod policy;
mod structure;
mod unit;

use std::collections::HashMap;
use std::sync::LazyLock;

use ironiam_protocol::model::{Model, Value};
use ironiam_store::record::{OrgAccount, OrgNode, Organization};
use ironiam_store::{StoreError, Transaction};
use serde_json::Value as Json;

use crate::authz::Principal;
use crate::http::json::{JsonFault, JsonOperation, JsonService};
use crate::iam::OpCtx;
use error::{OrgResult, not_in_use, not_management};

/// The Organizations entry of the JSON services table.
pub static SERVICE: JsonService = JsonService {
    target_prefix: "AWSOrganizationsV20161128",
    signing_name: "organizations",
    action_prefix: "organizations",
    event_source: "organizations.amazonaws.com",
    model: Model::organizations,
    operation: lookup,
    authorize: authz::request,
    invalid_input: error::invalid_input,
    internal_error: "ServiceException",
};

/// Adapts an operation returning [`OrgResult`] to the table's handler type (a
/// closure that captures nothing is a plain function).
macro_rules! op {
    ($f:path) => {
        |ctx: &mut OpCtx<'_>, input: &Value| -> Result<Json, JsonFault> {
            $f(ctx, input).map_err(JsonFault::from)
        }
    };
}

static OPS: LazyLock<HashMap<&'static str, JsonOperation>> = LazyLock::new(|| {
    // (operation, handler, whether it writes). Append new operations at the end.
    let table: &[(&'static str, crate::http::json::JsonHandler, bool)] = &[
        ("CreateOrganization", op!(structure::create), true),
        ("DescribeOrganization", op!(structure::describe), false),
        ("DeleteOrganization", op!(structure::delete), true),
        ("ListRoots", op!(structure::list_roots), false),
        ("EnablePolicyType", op!(structure::enable_policy_type), true),
        (
            "DisablePolicyType",
            op!(structure::disable_policy_type),
            true,
        ),
        ("CreateAccount", op!(account::create), true),
        (
            "DescribeCreateAccountStatus",
            op!(account::describe_status),
            false,
        ),
        ("ListAccounts", op!(account::list), false),
        ("DescribeAccount", op!(account::describe), false),
        ("MoveAccount", op!(account::move_account), true),
        ("CreateOrganizationalUnit", op!(unit::create), true),
        (
            "ListOrganizationalUnitsForParent",
            op!(unit::list_for_parent),
            false,
        ),
        ("DescribeOrganizationalUnit", op!(unit::describe), false),
        ("DeleteOrganizationalUnit", op!(unit::delete), true),
        ("ListChildren", op!(unit::list_children), false),
        ("ListParents", op!(unit::list_parents), false),
        ("CreatePolicy", op!(policy::create), true),
        ("UpdatePolicy", op!(policy::update), true),
        ("DescribePolicy", op!(policy::describe), false),
        ("ListPolicies", op!(policy::list), false),
        ("DeletePolicy", op!(policy::delete), true),
        ("AttachPolicy", op!(policy::attach), true),
        ("DetachPolicy", op!(policy::detach), true),
        ("ListPoliciesForTarget", op!(policy::list_for_target), false),
        ("ListTargetsForPolicy", op!(policy::list_targets), false),
    ];
    table
        .iter()
        .map(|(name, handler, mutates)| {
            (
                *name,
                JsonOperation {
                    handler: *handler,
                    mutates: *mutates,
                },
            )
        })
        .collect()
});

fn lookup(operation: &str) -> Option<&'static JsonOperation> {
    OPS.get(operation)
}

/// The names of every implemented operation.
pub fn implemented() -> Vec<&'static str> {
    let mut names: Vec<_> = OPS.keys().copied().collect();
    names.sort_unstable();
    names
}

/// The organization `account_id` belongs to, with its membership; `None` when it is
/// in none.
pub(crate) fn membership(
    tx: &mut dyn Transaction,
    account_id: &str,
) -> Result<Option<(Organization, OrgAccount)>, StoreError> {
    let member = match tx.get_org_account(account_id) {
        Ok(member) => member,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(err) => return Err(err),
    };
    let organization = tx.get_organization(&member.organization_id)?;
    Ok(Some((organization, member)))
}

/// The caller's organization, for operations any member may call.
fn member_org(tx: &mut dyn Transaction, principal: &Principal) -> OrgResult<Organization> {
    match membership(tx, &principal.account_id)? {
        Some((organization, _)) => Ok(organization),
        None => Err(not_in_use()),
    }
}

/// The caller's organization, for operations only its management account may call.
fn managed_org(tx: &mut dyn Transaction, principal: &Principal) -> OrgResult<Organization> {
    let organization = member_org(tx, principal)?;
    if organization.management_account_id != principal.account_id {
        return Err(not_management());
    }
    Ok(organization)
}

/// A required string member; the model has already checked it is there.
fn required<'v>(input: &'v Value, member: &str) -> OrgResult<&'v str> {
    input.str_member(member).ok_or_else(|| {
        error::invalid(
            "INPUT_REQUIRED",
            format!("You must include a value for all required parameters. {member} is missing."),
        )
    })
}

/// Whether `parent` is a root or OU of `org`.
fn parent_exists(tx: &mut dyn Transaction, org: &Organization, parent: &str) -> OrgResult<bool> {
    let found = match OrgNode::of(parent) {
        Some(OrgNode::Root) => tx.get_org_root(&org.id, parent).map(|_| ()),
        Some(OrgNode::Unit) => tx.get_org_unit(&org.id, parent).map(|_| ()),
        _ => return Ok(false),
    };
    match found {
        Ok(()) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// The `Tags` member as records.
fn tags(input: &Value) -> Vec<ironiam_store::record::Tag> {
    input
        .get("Tags")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some(ironiam_store::record::Tag {
                key: t.str_member("Key")?.to_owned(),
                value: t.str_member("Value").unwrap_or_default().to_owned(),
            })
        })
        .collect()
}
