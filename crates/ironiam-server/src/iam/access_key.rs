//! Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey,
//! DeleteAccessKey, GetAccessKeyLastUsed.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{AccessKey, AccessKeyStatus, KeyOwner, Timestamp};
use ironiam_store::{Entity, StoreExt, Transaction};

use super::OpCtx;
use super::output::{bool_text, required};
use crate::authz::contract::key_in_account;
use crate::http::error::{ApiError, not_found};
use crate::time::iso8601;

/// IAM's quota: two access keys per user.
const MAX_KEYS: usize = 2;

/// The owner named by `UserName`, or the caller; with its display name.
fn owner(
    tx: &mut dyn Transaction,
    ctx: &OpCtx<'_>,
    input: &Value,
) -> Result<(KeyOwner, String), ApiError> {
    match input.str_member("UserName") {
        Some(name) => {
            let user = tx.get_user(ctx.account(), name)?;
            Ok((KeyOwner::User(user.id), user.name))
        }
        None => {
            let (owner, user) = ctx.own_credentials()?;
            let name = user.map_or_else(|| ctx.account().to_owned(), |u| u.name.clone());
            Ok((owner, name))
        }
    }
}

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let mut rng = OsRandom;
    let key_id = id::access_key_id(&mut rng).map_err(ApiError::internal)?;
    let secret = id::secret_access_key(&mut rng).map_err(ApiError::internal)?;
    let sealed = ctx
        .state
        .master_key
        .encrypt(&key_id, &secret, &mut rng)
        .map_err(ApiError::internal)?;
    let account = ctx.account().to_owned();
    let now = ctx.now;
    let c: &OpCtx<'_> = ctx;
    let user_name = c.state.store.write(|tx| -> Result<String, ApiError> {
        let (owner, user_name) = owner(tx, c, input)?;
        if tx.list_access_keys(&account, &owner)?.len() >= MAX_KEYS {
            return Err(ApiError::LimitExceeded(format!(
                "Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}"
            )));
        }
        tx.insert_access_key(&AccessKey {
            id: key_id.clone(),
            account_id: account.clone(),
            owner,
            secret: sealed.clone(),
            status: AccessKeyStatus::Active,
            create_date: Timestamp::from_secs(now),
            last_used: None,
        })?;
        Ok(user_name)
    })?;
    w.start("AccessKey")
        .element("UserName", &user_name)
        .element("AccessKeyId", &key_id)
        .element("Status", AccessKeyStatus::Active.as_str())
        .element("SecretAccessKey", secret.expose())
        .element("CreateDate", &iso8601(now))
        .end();
    Ok(())
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let c: &OpCtx<'_> = ctx;
    let (keys, user_name) = c.state.store.read(|tx| -> Result<_, ApiError> {
        let (owner, user_name) = owner(tx, c, input)?;
        Ok((tx.list_access_keys(&account, &owner)?, user_name))
    })?;
    w.members("AccessKeyMetadata", &keys, |w, key| {
        w.element("UserName", &user_name)
            .element("AccessKeyId", &key.id)
            .element("Status", key.status.as_str())
            .element("CreateDate", &iso8601(key.create_date.as_secs()));
    });
    w.element("IsTruncated", bool_text(false));
    Ok(())
}

/// The key `AccessKeyId` names, checked to belong to the owner in scope.
fn owned_key(
    tx: &mut dyn Transaction,
    ctx: &OpCtx<'_>,
    input: &Value,
) -> Result<AccessKey, ApiError> {
    let key_id = required(input, "AccessKeyId")?;
    let (owner, _) = owner(tx, ctx, input)?;
    match key_in_account(tx, ctx.account(), key_id)? {
        Some(key) if key.owner == owner => Ok(key),
        _ => Err(ApiError::NoSuchEntity(not_found(Entity::AccessKey, key_id))),
    }
}

pub(super) fn update(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let status = AccessKeyStatus::parse(required(input, "Status")?)
        .ok_or_else(|| ApiError::InvalidInput("Invalid status".to_owned()))?;
    let c: &OpCtx<'_> = ctx;
    c.state.store.write(|tx| -> Result<(), ApiError> {
        let mut key = owned_key(tx, c, input)?;
        key.status = status;
        tx.update_access_key(&key)?;
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
        let key = owned_key(tx, c, input)?;
        tx.delete_access_key(&key.account_id, &key.id)?;
        Ok(())
    })
}

pub(super) fn last_used(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let key_id = required(input, "AccessKeyId")?;
    let account = ctx.account().to_owned();
    let (key, user_name) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        // Another account's key answers as a nonexistent one: nothing tells whose it is.
        let key = key_in_account(tx, &account, key_id)?
            .ok_or_else(|| ApiError::NoSuchEntity(not_found(Entity::AccessKey, key_id)))?;
        let user_name = match &key.owner {
            KeyOwner::User(id) => Some(tx.get_user_by_id(id)?.name),
            KeyOwner::Root => None,
        };
        Ok((key, user_name))
    })?;
    w.optional_element("UserName", user_name.as_deref());
    w.start("AccessKeyLastUsed");
    match &key.last_used {
        Some(used) => {
            w.element("LastUsedDate", &iso8601(used.last_used_date.as_secs()))
                .element("ServiceName", &used.service_name)
                .element("Region", &used.region);
        }
        None => {
            w.element("ServiceName", "N/A").element("Region", "N/A");
        }
    }
    w.end();
    Ok(())
}
