//! ListEntitiesForPolicy: the users, groups and roles a managed policy is
//! attached to or bounds.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{PolicyEntity, PrincipalKind};
use ironiam_store::{ListOptions, StoreExt, Transaction};

use super::OpCtx;
use super::output::{DEFAULT_MAX_ITEMS, bool_text, required};
use crate::http::error::ApiError;

fn path_of(
    tx: &mut dyn Transaction,
    account: &str,
    entity: &PolicyEntity,
) -> Result<String, ApiError> {
    Ok(match entity.kind {
        PrincipalKind::User => tx.get_user(account, &entity.name)?.path,
        PrincipalKind::Group => tx.get_group(account, &entity.name)?.path,
        PrincipalKind::Role => tx.get_role(account, &entity.name)?.path,
    })
}

/// The users and roles that use `policy_arn` as permissions boundary.
fn boundary_users_and_roles(
    tx: &mut dyn Transaction,
    account: &str,
    policy_arn: &str,
) -> Result<Vec<PolicyEntity>, ApiError> {
    let mut out = Vec::new();
    for user in tx.list_users(account, &ListOptions::all())?.items {
        if user.permissions_boundary.as_deref() == Some(policy_arn) {
            out.push(PolicyEntity {
                kind: PrincipalKind::User,
                name: user.name,
                id: user.id,
            });
        }
    }
    for role in tx.list_roles(account, &ListOptions::all())?.items {
        if role.permissions_boundary.as_deref() == Some(policy_arn) {
            out.push(PolicyEntity {
                kind: PrincipalKind::Role,
                name: role.name,
                id: role.id,
            });
        }
    }
    Ok(out)
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html>:
/// `EntityFilter` keeps one kind, `PolicyUsageFilter` keeps permissions
/// policies or boundaries (both when absent), `PathPrefix` filters on the
/// entities' paths. The marker is the offset into the combined listing.
pub(super) fn list_for_policy(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let kind_filter = match input.str_member("EntityFilter") {
        Some("User") => Some(PrincipalKind::User),
        Some("Group") => Some(PrincipalKind::Group),
        Some("Role") => Some(PrincipalKind::Role),
        _ => None,
    };
    let usage = input.str_member("PolicyUsageFilter");
    let prefix = input.str_member("PathPrefix").unwrap_or("/");
    let account = ctx.account().to_owned();
    let listed = ctx
        .state
        .store
        .read(|tx| -> Result<Vec<PolicyEntity>, ApiError> {
            tx.get_policy(&account, policy_arn)?;
            let mut entities = Vec::new();
            if usage != Some("PermissionsBoundary") {
                entities.extend(tx.list_policy_entities(&account, policy_arn)?);
            }
            if usage != Some("PermissionsPolicy") {
                for entity in boundary_users_and_roles(tx, &account, policy_arn)? {
                    if !entities
                        .iter()
                        .any(|e| e.kind == entity.kind && e.id == entity.id)
                    {
                        entities.push(entity);
                    }
                }
            }
            let mut out = Vec::new();
            for entity in entities {
                if kind_filter.is_some_and(|k| k != entity.kind) {
                    continue;
                }
                if path_of(tx, &account, &entity)?.starts_with(prefix) {
                    out.push(entity);
                }
            }
            Ok(out)
        })?;
    let start = input
        .str_member("Marker")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = input
        .get("MaxItems")
        .and_then(Value::as_i64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_ITEMS);
    let rest = listed.get(start..).unwrap_or_default();
    let page = rest.get(..limit.min(rest.len())).unwrap_or_default();
    let of = |kind: PrincipalKind| page.iter().filter(move |l| l.kind == kind);
    w.members("PolicyGroups", of(PrincipalKind::Group), |w, l| {
        w.element("GroupName", &l.name).element("GroupId", &l.id);
    });
    w.members("PolicyUsers", of(PrincipalKind::User), |w, l| {
        w.element("UserName", &l.name).element("UserId", &l.id);
    });
    w.members("PolicyRoles", of(PrincipalKind::Role), |w, l| {
        w.element("RoleName", &l.name).element("RoleId", &l.id);
    });
    let truncated = rest.len() > page.len();
    w.element("IsTruncated", bool_text(truncated));
    if truncated {
        w.element("Marker", &(start + page.len()).to_string());
    }
    Ok(())
}
