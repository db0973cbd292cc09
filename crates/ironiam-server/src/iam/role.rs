//! Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole, and the role permissions boundary.

use ironiam_policy::PolicyKind;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{PrincipalKind, Role, Timestamp, arn};
use ironiam_store::{Entity, StoreExt};

use super::OpCtx;
use super::managed::validate;
use super::output::{RoleView, list_options, required, tags, truncation, write_role};
use super::trust_binding::{self, Named};
use super::user::check_boundary;
use crate::http::error::{ApiError, not_found};

/// `MaxSessionDuration` when the caller leaves it out (the model bounds it to
/// 3600–43200 seconds).
const DEFAULT_MAX_SESSION_DURATION: u32 = 3600;

fn max_session_duration(input: &Value) -> Result<Option<u32>, ApiError> {
    input
        .get("MaxSessionDuration")
        .and_then(Value::as_i64)
        .map(|secs| {
            u32::try_from(secs).map_err(|_| {
                ApiError::Validation(format!(
                    "1 validation error detected: Value '{secs}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"
                ))
            })
        })
        .transpose()
}

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let document = required(input, "AssumeRolePolicyDocument")?;
    let path = input.str_member("Path").unwrap_or("/");
    let boundary = input.str_member("PermissionsBoundary");
    validate(document, PolicyKind::Trust)?;
    let account = ctx.account().to_owned();
    let role = Role {
        id: id::unique_id(id::ROLE_PREFIX, &mut OsRandom).map_err(ApiError::internal)?,
        account_id: account.clone(),
        name: name.to_owned(),
        path: path.to_owned(),
        arn: arn(&account, "role", path, name),
        create_date: Timestamp::from_secs(ctx.now),
        assume_role_policy_document: document.to_owned(),
        description: input.str_member("Description").map(str::to_owned),
        max_session_duration: max_session_duration(input)?.unwrap_or(DEFAULT_MAX_SESSION_DURATION),
        permissions_boundary: boundary.map(str::to_owned),
        tags: tags(input),
        role_last_used: None,
    };
    super::tag::check_new(&role.tags)?;
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        if let Some(boundary) = boundary {
            check_boundary(tx, &account, boundary)?;
        }
        trust_binding::check_principals_exist(tx, document)?;
        tx.insert_role(&role)?;
        Ok(())
    })?;
    w.start("Role");
    write_role(w, &role, RoleView::Created);
    w.end();
    Ok(())
}

pub(super) fn get(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let account = ctx.account().to_owned();
    let role = ctx.state.store.read(|tx| tx.get_role(&account, name))?;
    w.start("Role");
    write_role(w, &role, RoleView::Full);
    w.end();
    Ok(())
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let page = ctx
        .state
        .store
        .read(|tx| tx.list_roles(&account, &options))?;
    w.members("Roles", &page.items, |w, r| {
        write_role(w, r, RoleView::Listed)
    });
    truncation(w, &page, |r| &r.name);
    Ok(())
}

/// Reads a role, applies `change`, and writes it back in one transaction.
fn modify(
    ctx: &OpCtx<'_>,
    name: &str,
    mut change: impl FnMut(&mut Role) -> Result<(), ApiError>,
) -> Result<Role, ApiError> {
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<Role, ApiError> {
        let mut role = tx.get_role(&account, name)?;
        change(&mut role)?;
        tx.update_role(&role)?;
        Ok(role)
    })
}

pub(super) fn update(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let description = input.str_member("Description");
    let duration = max_session_duration(input)?;
    modify(ctx, name, |role| {
        if let Some(description) = description {
            role.description = Some(description.to_owned());
        }
        if let Some(duration) = duration {
            role.max_session_duration = duration;
        }
        Ok(())
    })?;
    Ok(())
}

pub(super) fn update_description(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let description = required(input, "Description")?;
    let role = modify(ctx, name, |role| {
        role.description = Some(description.to_owned());
        Ok(())
    })?;
    w.start("Role");
    write_role(w, &role, RoleView::Created);
    w.end();
    Ok(())
}

pub(super) fn update_assume_role_policy(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let document = required(input, "PolicyDocument")?;
    validate(document, PolicyKind::Trust)?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut role = tx.get_role(&account, name)?;
        trust_binding::check_principals_exist(tx, document)?;
        role.assume_role_policy_document = document.to_owned();
        tx.update_role(&role)?;
        Ok(())
    })
}

pub(super) fn delete(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let usage = tx.usage(&account, PrincipalKind::Role, name)?;
        // IAM's DeleteConflict wording, one dependency at a time:
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html
        let conflict = if usage.attached_policies > 0 {
            Some("Cannot delete entity, must detach all policies first.")
        } else if usage.inline_policies > 0 {
            Some("Cannot delete entity, must delete policies first.")
        } else {
            None
        };
        if let Some(message) = conflict {
            return Err(ApiError::DeleteConflict(message.to_owned()));
        }
        let role = tx.get_role(&account, name)?;
        tx.delete_role(&account, name)?;
        // Trust policies that named the role now show its unique ID, so a role
        // created later under the same name is not trusted (see `trust_binding`).
        trust_binding::rebind(
            tx,
            Named::Role {
                account: &account,
                name,
            },
            &role.id,
        )?;
        Ok(())
    })
}

pub(super) fn put_boundary(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    let boundary = required(input, "PermissionsBoundary")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut role = tx.get_role(&account, name)?;
        check_boundary(tx, &account, boundary)?;
        role.permissions_boundary = Some(boundary.to_owned());
        tx.update_role(&role)?;
        Ok(())
    })
}

pub(super) fn delete_boundary(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "RoleName")?;
    modify(ctx, name, |role| {
        if role.permissions_boundary.is_none() {
            return Err(ApiError::NoSuchEntity(not_found(
                Entity::Policy,
                "boundary",
            )));
        }
        role.permissions_boundary = None;
        Ok(())
    })?;
    Ok(())
}
