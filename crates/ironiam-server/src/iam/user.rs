//! Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, and the
//! user permissions boundary.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{PrincipalKind, Timestamp, User, arn};
use ironiam_store::{Entity, StoreError, StoreExt, Transaction};

use super::OpCtx;
use super::output::{list_options, required, tags, truncation, write_user};
use super::trust_binding::{self, Named};
use crate::http::error::{ApiError, not_found};

/// Checks a boundary ARN names an existing managed policy.
pub(super) fn check_boundary(
    tx: &mut dyn Transaction,
    account: &str,
    boundary: &str,
) -> Result<(), ApiError> {
    match tx.get_policy(account, boundary) {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound { .. }) => Err(ApiError::NoSuchEntity(format!(
            "Scope ARN: {boundary} does not exist or is not attachable."
        ))),
        Err(err) => Err(err.into()),
    }
}

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "UserName")?;
    let path = input.str_member("Path").unwrap_or("/");
    let boundary = input.str_member("PermissionsBoundary");
    let account = ctx.account().to_owned();
    let user_id = id::unique_id(id::USER_PREFIX, &mut OsRandom).map_err(ApiError::internal)?;
    let user = User {
        id: user_id,
        account_id: account.clone(),
        name: name.to_owned(),
        path: path.to_owned(),
        arn: arn(&account, "user", path, name),
        create_date: Timestamp::from_secs(ctx.now),
        permissions_boundary: boundary.map(str::to_owned),
        tags: tags(input),
        password_last_used: None,
    };
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        if let Some(boundary) = boundary {
            check_boundary(tx, &account, boundary)?;
        }
        tx.insert_user(&user)?;
        Ok(())
    })?;
    w.start("User");
    write_user(w, &user);
    w.end();
    Ok(())
}

pub(super) fn get(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let user = match input.str_member("UserName") {
        Some(name) => {
            let account = ctx.account().to_owned();
            ctx.state.store.read(|tx| tx.get_user(&account, name))?
        }
        None => match &ctx.principal.user {
            Some(user) => user.clone(),
            None => {
                return Err(ApiError::Validation(
                    "Must specify userName when calling with non-User credentials".to_owned(),
                ));
            }
        },
    };
    w.start("User");
    write_user(w, &user);
    w.end();
    Ok(())
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let page = ctx
        .state
        .store
        .read(|tx| tx.list_users(&account, &options))?;
    w.members("Users", &page.items, write_user);
    truncation(w, &page, |u| &u.name);
    Ok(())
}

pub(super) fn update(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "UserName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut user = tx.get_user(&account, name)?;
        let old_arn = user.arn.clone();
        if let Some(new_name) = input.str_member("NewUserName") {
            user.name = new_name.to_owned();
        }
        if let Some(new_path) = input.str_member("NewPath") {
            user.path = new_path.to_owned();
        }
        user.arn = arn(&account, "user", &user.path, &user.name);
        tx.update_user(&user)?;
        // AWS binds a trusted user by its unique ID, so the trust follows the user
        // to its new name or path (see `trust_binding`).
        if user.arn != old_arn {
            trust_binding::rebind(tx, Named::User { arn: &old_arn }, &user.arn)?;
        }
        Ok(())
    })?;
    Ok(())
}

pub(super) fn delete(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "UserName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let usage = tx.usage(&account, PrincipalKind::User, name)?;
        // IAM's DeleteConflict wording, one dependency at a time:
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html
        // MFA first: a user with an MFA device and access keys gets the MFA
        // message from AWS (CloudFormation's DELETE_FAILED reports show it).
        let conflict = if usage.mfa_devices > 0 {
            Some("Cannot delete entity, must delete MFA device first.")
        } else if usage.access_keys > 0 {
            Some("Cannot delete entity, must delete access keys first.")
        } else if usage.login_profile {
            Some("Cannot delete entity, must delete login profile first.")
        } else if usage.attached_policies > 0 {
            Some("Cannot delete entity, must detach all policies first.")
        } else if usage.inline_policies > 0 {
            Some("Cannot delete entity, must delete policies first.")
        } else if usage.group_memberships > 0 {
            Some("Cannot delete entity, must remove user from all groups first.")
        } else {
            None
        };
        if let Some(message) = conflict {
            return Err(ApiError::DeleteConflict(message.to_owned()));
        }
        let user = tx.get_user(&account, name)?;
        tx.delete_user(&account, name)?;
        // Trust policies that named the user now show its unique ID, so a user
        // created later under the same name is not trusted (see `trust_binding`).
        trust_binding::rebind(tx, Named::User { arn: &user.arn }, &user.id)?;
        Ok(())
    })?;
    Ok(())
}

pub(super) fn put_boundary(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "UserName")?;
    let boundary = required(input, "PermissionsBoundary")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut user = tx.get_user(&account, name)?;
        check_boundary(tx, &account, boundary)?;
        user.permissions_boundary = Some(boundary.to_owned());
        tx.update_user(&user)?;
        Ok(())
    })
}

pub(super) fn delete_boundary(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "UserName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut user = tx.get_user(&account, name)?;
        if user.permissions_boundary.is_none() {
            return Err(ApiError::NoSuchEntity(not_found(
                Entity::Policy,
                "boundary",
            )));
        }
        user.permissions_boundary = None;
        tx.update_user(&user)?;
        Ok(())
    })
}
