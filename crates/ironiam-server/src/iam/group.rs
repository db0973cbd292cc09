//! Groups and membership.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{Group, PrincipalKind, Timestamp, arn};
use ironiam_store::{ListOptions, StoreExt};

use super::OpCtx;
use super::output::{list_options, required, truncation, write_group, write_user};
use crate::http::error::ApiError;

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "GroupName")?;
    let path = input.str_member("Path").unwrap_or("/");
    let account = ctx.account().to_owned();
    let group = Group {
        id: id::unique_id(id::GROUP_PREFIX, &mut OsRandom).map_err(ApiError::internal)?,
        account_id: account.clone(),
        name: name.to_owned(),
        path: path.to_owned(),
        arn: arn(&account, "group", path, name),
        create_date: Timestamp::from_secs(ctx.now),
    };
    ctx.state.store.write(|tx| tx.insert_group(&group))?;
    w.start("Group");
    write_group(w, &group);
    w.end();
    Ok(())
}

pub(super) fn get(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let name = required(input, "GroupName")?;
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let (group, page) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let group = tx.get_group(&account, name)?;
        let page = tx.list_group_members(
            &account,
            name,
            &ListOptions {
                path_prefix: None,
                ..options
            },
        )?;
        Ok((group, page))
    })?;
    w.start("Group");
    write_group(w, &group);
    w.end();
    w.members("Users", &page.items, write_user);
    truncation(w, &page, |u| &u.name);
    Ok(())
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let page = ctx
        .state
        .store
        .read(|tx| tx.list_groups(&account, &options))?;
    w.members("Groups", &page.items, write_group);
    truncation(w, &page, |g| &g.name);
    Ok(())
}

/// `UpdateGroup`: a new name and/or path. Authorized on the group as it is and as it
/// will be (the contract's `RenamedGroup`), so moving a group into a path the caller
/// may not touch is refused before anything changes.
pub(super) fn update(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "GroupName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut group = tx.get_group(&account, name)?;
        if let Some(new_name) = input.str_member("NewGroupName") {
            group.name = new_name.to_owned();
        }
        if let Some(new_path) = input.str_member("NewPath") {
            group.path = new_path.to_owned();
        }
        group.arn = arn(&account, "group", &group.path, &group.name);
        tx.update_group(&group)?;
        Ok(())
    })
}

pub(super) fn delete(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "GroupName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let usage = tx.usage(&account, PrincipalKind::Group, name)?;
        let conflict = if usage.group_memberships > 0 {
            Some("Cannot delete entity, must remove users from group first.")
        } else if usage.attached_policies > 0 {
            Some("Cannot delete entity, must detach all policies first.")
        } else if usage.inline_policies > 0 {
            Some("Cannot delete entity, must delete policies first.")
        } else {
            None
        };
        if let Some(message) = conflict {
            return Err(ApiError::DeleteConflict(message.to_owned()));
        }
        tx.delete_group(&account, name)?;
        Ok(())
    })
}

pub(super) fn add_user(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let group = required(input, "GroupName")?;
    let user = required(input, "UserName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        tx.get_group(&account, group)?;
        tx.get_user(&account, user)?;
        tx.add_user_to_group(&account, group, user)?;
        Ok(())
    })
}

pub(super) fn remove_user(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let group = required(input, "GroupName")?;
    let user = required(input, "UserName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        tx.get_group(&account, group)?;
        tx.get_user(&account, user)?;
        if !tx.remove_user_from_group(&account, group, user)? {
            return Err(ApiError::NoSuchEntity(format!(
                "The user with name {user} cannot be found."
            )));
        }
        Ok(())
    })
}

pub(super) fn list_for_user(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let user = required(input, "UserName")?;
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let page = ctx
        .state
        .store
        .read(|tx| tx.list_groups_for_user(&account, user, &options))?;
    w.members("Groups", &page.items, write_group);
    truncation(w, &page, |g| &g.name);
    Ok(())
}
