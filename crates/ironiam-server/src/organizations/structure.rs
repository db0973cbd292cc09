//! The organization and its root: CreateOrganization, DescribeOrganization,
//! DeleteOrganization, ListRoots, EnablePolicyType, DisablePolicyType.

use ironiam_protocol::model::Value;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{
    FeatureSet, JoinedMethod, OrgAccount, OrgAccountStatus, OrgRoot, Organization,
    SERVICE_CONTROL_POLICY, Timestamp,
};
use ironiam_store::{StoreExt, Transaction};
use serde_json::{Value as Json, json};

use super::error::{
    OrgResult, fault, policy_type_not_available, policy_type_not_enabled, root_not_found,
};
use super::output::{self, listing, paginate};
use super::policy::{attach_full_aws_access, full_aws_access};
use super::{managed_org, member_org, membership, required};
use crate::http::error::ApiError;
use crate::iam::OpCtx;

/// The email address the management account's membership shows. ironiam accounts
/// have no email of their own (AWS uses the root user's); this one is under
/// `.invalid` (RFC 2606), so it can never reach anyone.
pub(super) fn management_email(account_id: &str) -> String {
    format!("root+{account_id}@ironiam.invalid")
}

/// The organization's root (there is one).
pub(super) fn the_root(tx: &mut dyn Transaction, org: &Organization) -> OrgResult<OrgRoot> {
    tx.list_org_roots(&org.id)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal(format!("organization {} has no root", org.id)).into())
}

/// Whether SCPs are enabled on the organization's root.
pub(super) fn scps_enabled(tx: &mut dyn Transaction, org: &Organization) -> OrgResult<bool> {
    Ok(the_root(tx, org)?
        .enabled_policy_types
        .iter()
        .any(|t| t == SERVICE_CONTROL_POLICY))
}

fn describe_json(tx: &mut dyn Transaction, org: &Organization) -> OrgResult<Json> {
    let email = tx.get_org_account(&org.management_account_id)?.email;
    Ok(json!({ "Organization": output::organization(org, &email) }))
}

pub(super) fn create(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let feature_set = match input.str_member("FeatureSet") {
        Some(text) => FeatureSet::parse(text).ok_or_else(|| {
            super::error::invalid("INVALID_ENUM", "You specified an invalid value.")
        })?,
        None => FeatureSet::All,
    };
    let account_id = ctx.principal.account_id.clone();
    let now = Timestamp::from_secs(ctx.now);
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        if membership(tx, &account_id)?.is_some() {
            return Err(fault(
                "AlreadyInOrganizationException",
                "This account is already a member of an organization.",
            ));
        }
        let account = tx.get_account(&account_id)?;
        let org = Organization {
            id: id::organization_id(&mut OsRandom).map_err(ApiError::internal)?,
            management_account_id: account_id.clone(),
            feature_set,
            create_date: now,
        };
        let root = OrgRoot {
            id: id::org_root_id(&mut OsRandom).map_err(ApiError::internal)?,
            organization_id: org.id.clone(),
            name: "Root".to_owned(),
            enabled_policy_types: Vec::new(),
        };
        tx.insert_organization(&org)?;
        tx.insert_org_root(&root)?;
        tx.insert_org_account(&OrgAccount {
            account_id: account_id.clone(),
            organization_id: org.id.clone(),
            parent_id: root.id.clone(),
            name: account.alias.unwrap_or_else(|| account_id.clone()),
            email: management_email(&account_id),
            status: OrgAccountStatus::Active,
            joined_method: JoinedMethod::Invited,
            joined_timestamp: now,
            tags: Vec::new(),
        })?;
        tx.insert_org_policy(&full_aws_access(&org.id))?;
        describe_json(tx, &org)
    })
}

pub(super) fn describe(ctx: &mut OpCtx<'_>, _: &Value) -> OrgResult<Json> {
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = member_org(tx, principal)?;
        describe_json(tx, &org)
    })
}

pub(super) fn delete(ctx: &mut OpCtx<'_>, _: &Value) -> OrgResult<Json> {
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let members = tx.list_org_accounts(&org.id, None)?;
        if members
            .iter()
            .any(|m| m.account_id != org.management_account_id)
        {
            return Err(fault(
                "OrganizationNotEmptyException",
                "The organization isn't empty. To delete an organization, you must first remove all member accounts except the management account.",
            ));
        }
        tx.delete_organization(&org.id)?;
        Ok(json!({}))
    })
}

pub(super) fn list_roots(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let roots = tx.list_org_roots(&org.id)?;
        let (page, token) = paginate(roots, input, |r| r.id.as_str())?;
        let items = page.iter().map(|r| output::root(&org, r)).collect();
        Ok(listing("Roots", items, token))
    })
}

/// The root named by `RootId`, in the caller's organization (which it manages), and
/// whether the requested `PolicyType` can be used there at all.
fn policy_type_target(
    tx: &mut dyn Transaction,
    ctx: &OpCtx<'_>,
    input: &Value,
) -> OrgResult<(Organization, OrgRoot, String)> {
    let root_id = required(input, "RootId")?;
    let policy_type = required(input, "PolicyType")?.to_owned();
    let org = managed_org(tx, ctx.principal)?;
    let root = match tx.get_org_root(&org.id, root_id) {
        Ok(root) => root,
        Err(ironiam_store::StoreError::NotFound { .. }) => return Err(root_not_found()),
        Err(err) => return Err(err.into()),
    };
    let all_features = org.feature_set == FeatureSet::All;
    if !all_features || policy_type != SERVICE_CONTROL_POLICY {
        return Err(policy_type_not_available(&policy_type, all_features));
    }
    Ok((org, root, policy_type))
}

/// Enabling SCPs attaches `FullAWSAccess` to the root, every OU and every account
/// (Organizations User Guide, "Enabling a policy type"), so nothing changes for the
/// accounts until a more restrictive SCP replaces it.
pub(super) fn enable_policy_type(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let ctx = &*ctx;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let (org, mut root, policy_type) = policy_type_target(tx, ctx, input)?;
        if root.enabled_policy_types.contains(&policy_type) {
            return Err(fault(
                "PolicyTypeAlreadyEnabledException",
                "The specified policy type is already enabled.",
            ));
        }
        root.enabled_policy_types.push(policy_type);
        tx.update_org_root(&root)?;
        let mut targets = vec![root.id.clone()];
        let mut parents = vec![root.id.clone()];
        while let Some(parent) = parents.pop() {
            for unit in tx.list_org_units(&org.id, &parent)? {
                targets.push(unit.id.clone());
                parents.push(unit.id);
            }
        }
        targets.extend(
            tx.list_org_accounts(&org.id, None)?
                .into_iter()
                .map(|a| a.account_id),
        );
        for target in targets {
            attach_full_aws_access(tx, &org, &target)?;
        }
        Ok(json!({ "Root": output::root(&org, &root) }))
    })
}

/// Disabling SCPs detaches every SCP from every root, OU and account.
pub(super) fn disable_policy_type(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let ctx = &*ctx;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let (org, mut root, policy_type) = policy_type_target(tx, ctx, input)?;
        if !root.enabled_policy_types.contains(&policy_type) {
            return Err(policy_type_not_enabled());
        }
        root.enabled_policy_types.retain(|t| *t != policy_type);
        tx.update_org_root(&root)?;
        for policy in tx.list_org_policies(&org.id, &policy_type)? {
            for target in tx.list_org_policy_targets(&org.id, &policy.id)? {
                tx.detach_org_policy(&org.id, &policy.id, &target)?;
            }
        }
        Ok(json!({ "Root": output::root(&org, &root) }))
    })
}
