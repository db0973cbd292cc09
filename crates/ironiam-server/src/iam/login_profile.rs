//! Login profiles (a user's console password): CreateLoginProfile,
//! GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile.
//!
//! Passwords are hashed with Argon2id before they reach the store and never
//! appear in a response or a log.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html>

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{LoginProfile, Timestamp, User};
use ironiam_store::{Entity, StoreError, StoreExt, Transaction};

use super::OpCtx;
use super::output::{bool_text, required};
use super::password::{check, hash};
use crate::http::error::{ApiError, not_found};
use crate::time::iso8601;

/// The user `UserName` names, or the calling user.
fn target(tx: &mut dyn Transaction, ctx: &OpCtx<'_>, input: &Value) -> Result<User, ApiError> {
    match input.str_member("UserName") {
        Some(name) => Ok(tx.get_user(ctx.account(), name)?),
        None => ctx.principal.user.clone().ok_or_else(|| {
            ApiError::Validation(
                "Must specify userName when calling with non-User credentials".to_owned(),
            )
        }),
    }
}

/// The user's login profile, with IAM's `NoSuchEntity` naming the user.
fn profile_of(tx: &mut dyn Transaction, user: &User) -> Result<LoginProfile, ApiError> {
    match tx.get_login_profile(&user.id) {
        Err(StoreError::NotFound { .. }) => Err(ApiError::NoSuchEntity(not_found(
            Entity::LoginProfile,
            &user.name,
        ))),
        other => Ok(other?),
    }
}

fn write_profile(w: &mut XmlWriter, user: &User, profile: &LoginProfile) {
    w.start("LoginProfile")
        .element("UserName", &user.name)
        .element("CreateDate", &iso8601(profile.create_date.as_secs()))
        .element(
            "PasswordResetRequired",
            bool_text(profile.password_reset_required),
        )
        .end();
}

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    // The model leaves Password optional (for console-generated passwords);
    // through the API one is needed.
    let password = required(input, "Password")?;
    let reset = input
        .get("PasswordResetRequired")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let account = ctx.account().to_owned();
    let now = ctx.now;
    // Hashed once, outside the transaction, which may run more than once.
    let password_hash = hash(&ctx.state.argon, password)?;
    let c: &OpCtx<'_> = ctx;
    let (user, profile) = c.state.store.write(|tx| -> Result<_, ApiError> {
        let user = target(tx, c, input)?;
        check(tx.get_account(&account)?.password_policy.as_ref(), password)?;
        let profile = LoginProfile {
            user_id: user.id.clone(),
            password_hash: password_hash.clone(),
            password_reset_required: reset,
            create_date: Timestamp::from_secs(now),
            password_history: Vec::new(),
            password_changed: Some(Timestamp::from_secs(now)),
        };
        match tx.insert_login_profile(&profile) {
            Err(StoreError::AlreadyExists { .. }) => {
                return Err(ApiError::EntityAlreadyExists(
                    crate::http::error::already_exists(Entity::LoginProfile, &user.name),
                ));
            }
            other => other?,
        }
        Ok((user, profile))
    })?;
    write_profile(w, &user, &profile);
    Ok(())
}

pub(super) fn get(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let c: &OpCtx<'_> = ctx;
    let (user, profile) = c.state.store.read(|tx| -> Result<_, ApiError> {
        let user = target(tx, c, input)?;
        let profile = profile_of(tx, &user)?;
        Ok((user, profile))
    })?;
    write_profile(w, &user, &profile);
    Ok(())
}

/// UpdateLoginProfile: an administrator sets the password and/or the reset
/// flag. The new password must satisfy the policy; reuse prevention applies
/// to users changing their own password (ChangePassword), not to resets.
pub(super) fn update(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let password = input.str_member("Password");
    let reset = input.get("PasswordResetRequired").and_then(Value::as_bool);
    let account = ctx.account().to_owned();
    let now = ctx.now;
    let new_hash = password.map(|p| hash(&ctx.state.argon, p)).transpose()?;
    let c: &OpCtx<'_> = ctx;
    c.state.store.write(|tx| -> Result<(), ApiError> {
        let user = target(tx, c, input)?;
        let mut profile = profile_of(tx, &user)?;
        if let (Some(password), Some(new_hash)) = (password, &new_hash) {
            check(tx.get_account(&account)?.password_policy.as_ref(), password)?;
            let current = std::mem::replace(&mut profile.password_hash, new_hash.clone());
            profile.password_history.insert(0, current);
            profile
                .password_history
                .truncate(ironiam_store::record::PASSWORD_HISTORY_LEN);
            profile.password_changed = Some(Timestamp::from_secs(now));
        }
        if let Some(reset) = reset {
            profile.password_reset_required = reset;
        }
        tx.update_login_profile(&profile)?;
        Ok(())
    })
}

pub(super) fn delete(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let c: &OpCtx<'_> = ctx;
    c.state.store.write(|tx| -> Result<(), ApiError> {
        let user = target(tx, c, input)?;
        profile_of(tx, &user)?;
        tx.delete_login_profile(&user.id)?;
        Ok(())
    })
}
