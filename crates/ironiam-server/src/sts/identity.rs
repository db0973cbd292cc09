//! `GetCallerIdentity` and `GetAccessKeyInfo`.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::StoreExt;

use super::token::{SESSION_KEY_PREFIX, session_key_account};
use crate::http::error::ApiError;
use crate::iam::OpCtx;

/// Who the caller is: for a `GetSessionToken` session, the user (or root) itself; for
/// a role session, `ROLEID:SESSION` and the assumed-role ARN.
pub(super) fn get_caller_identity(
    ctx: &mut OpCtx<'_>,
    _: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let principal = ctx.principal;
    w.element("UserId", &principal.user_id())
        .element("Account", &principal.account_id)
        .element("Arn", principal.arn());
    Ok(())
}

/// The account an access key belongs to: temporary keys carry it in their ID;
/// long-term keys are looked up, in any account.
pub(super) fn get_access_key_info(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let id = input.str_member("AccessKeyId").unwrap_or_default();
    let account = if id.starts_with(SESSION_KEY_PREFIX) {
        session_key_account(id)
    } else {
        ctx.state
            .store
            .read(|tx| -> Result<_, ApiError> { Ok(tx.get_access_key(id).ok()) })?
            .map(|key| key.account_id)
    };
    let account = account.ok_or_else(|| {
        ApiError::InvalidParameterValue(format!(
            "The access key ID {id} was not issued by this server, so its account is unknown."
        ))
    })?;
    w.element("Account", &account);
    Ok(())
}
