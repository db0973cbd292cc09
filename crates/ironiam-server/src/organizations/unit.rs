//! Organizational units and the tree: CreateOrganizationalUnit,
//! ListOrganizationalUnitsForParent, DescribeOrganizationalUnit,
//! DeleteOrganizationalUnit, ListChildren, ListParents.

use ironiam_protocol::model::Value;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{OrgNode, OrgUnit, Organization};
use ironiam_store::{StoreError, StoreExt, Transaction};
use serde_json::{Value as Json, json};

use super::error::{
    OrgResult, constraint, fault, parent_not_found, unit_not_empty, unit_not_found,
};
use super::output::{self, listing, paginate, path_of};
use super::policy::attach_full_aws_access;
use super::structure::the_root;
use super::{managed_org, parent_exists, required, tags};
use crate::http::error::ApiError;
use crate::iam::OpCtx;

/// OUs nest at most five levels below the root (Organizations quotas).
const MAX_UNIT_DEPTH: usize = 5;

/// How many OUs are above `parent` and `parent` itself, if it is an OU.
fn depth(tx: &mut dyn Transaction, org: &Organization, parent: &str) -> OrgResult<usize> {
    let mut depth = 0;
    let mut next = parent.to_owned();
    while OrgNode::of(&next) == Some(OrgNode::Unit) && depth <= MAX_UNIT_DEPTH {
        depth += 1;
        next = tx.get_org_unit(&org.id, &next)?.parent_id;
    }
    Ok(depth)
}

fn get_unit(tx: &mut dyn Transaction, org: &Organization, id: &str) -> OrgResult<OrgUnit> {
    match tx.get_org_unit(&org.id, id) {
        Ok(unit) => Ok(unit),
        Err(StoreError::NotFound { .. }) => Err(unit_not_found()),
        Err(err) => Err(err.into()),
    }
}

fn unit_json(tx: &mut dyn Transaction, org: &Organization, unit: &OrgUnit) -> OrgResult<Json> {
    let path = path_of(tx, org, &unit.id, &unit.parent_id)?;
    Ok(output::unit(org, unit, &path))
}

pub(super) fn create(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let parent = required(input, "ParentId")?;
    let name = required(input, "Name")?;
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        if !parent_exists(tx, &org, parent)? {
            return Err(parent_not_found());
        }
        if depth(tx, &org, parent)? >= MAX_UNIT_DEPTH {
            return Err(constraint(
                "OU_DEPTH_LIMIT_EXCEEDED",
                "You attempted to create an OU tree that is too many levels deep.",
            ));
        }
        let root = the_root(tx, &org)?;
        let unit = OrgUnit {
            id: id::org_unit_id(&root.id, &mut OsRandom).map_err(ApiError::internal)?,
            organization_id: org.id.clone(),
            parent_id: parent.to_owned(),
            name: name.to_owned(),
            tags: tags(input),
        };
        tx.insert_org_unit(&unit)?;
        attach_full_aws_access(tx, &org, &unit.id)?;
        Ok(json!({ "OrganizationalUnit": unit_json(tx, &org, &unit)? }))
    })
}

pub(super) fn list_for_parent(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let parent = required(input, "ParentId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        if !parent_exists(tx, &org, parent)? {
            return Err(parent_not_found());
        }
        let units = tx.list_org_units(&org.id, parent)?;
        let (page, token) = paginate(units, input, |u| u.id.as_str())?;
        let mut items = Vec::with_capacity(page.len());
        for unit in &page {
            items.push(unit_json(tx, &org, unit)?);
        }
        Ok(listing("OrganizationalUnits", items, token))
    })
}

pub(super) fn describe(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "OrganizationalUnitId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let unit = get_unit(tx, &org, id)?;
        Ok(json!({ "OrganizationalUnit": unit_json(tx, &org, &unit)? }))
    })
}

pub(super) fn delete(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "OrganizationalUnitId")?;
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        get_unit(tx, &org, id)?;
        match tx.delete_org_unit(&org.id, id) {
            Ok(()) => Ok(json!({})),
            Err(StoreError::InUse { .. }) => Err(unit_not_empty()),
            Err(err) => Err(err.into()),
        }
    })
}

pub(super) fn list_children(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let parent = required(input, "ParentId")?;
    let child_type = required(input, "ChildType")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        if !parent_exists(tx, &org, parent)? {
            return Err(parent_not_found());
        }
        let ids: Vec<String> = if child_type == "ACCOUNT" {
            tx.list_org_accounts(&org.id, Some(parent))?
                .into_iter()
                .map(|a| a.account_id)
                .collect()
        } else {
            tx.list_org_units(&org.id, parent)?
                .into_iter()
                .map(|u| u.id)
                .collect()
        };
        let (page, token) = paginate(ids, input, String::as_str)?;
        let items = page
            .iter()
            .map(|id| json!({"Id": id, "Type": child_type}))
            .collect();
        Ok(listing("Children", items, token))
    })
}

pub(super) fn list_parents(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let child = required(input, "ChildId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let parent = match OrgNode::of(child) {
            Some(OrgNode::Unit) => match tx.get_org_unit(&org.id, child) {
                Ok(unit) => Some(unit.parent_id),
                Err(StoreError::NotFound { .. }) => None,
                Err(err) => return Err(err.into()),
            },
            Some(OrgNode::Account) => match tx.get_org_account(child) {
                Ok(account) if account.organization_id == org.id => Some(account.parent_id),
                Ok(_) | Err(StoreError::NotFound { .. }) => None,
                Err(err) => return Err(err.into()),
            },
            _ => None,
        };
        let Some(parent) = parent else {
            return Err(fault(
                "ChildNotFoundException",
                "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
            ));
        };
        let kind = if OrgNode::of(&parent) == Some(OrgNode::Root) {
            "ROOT"
        } else {
            "ORGANIZATIONAL_UNIT"
        };
        let (page, token) = paginate(vec![parent], input, String::as_str)?;
        let items = page
            .iter()
            .map(|id| json!({"Id": id, "Type": kind}))
            .collect();
        Ok(listing("Parents", items, token))
    })
}
