//! The account alias: CreateAccountAlias, ListAccountAliases,
//! DeleteAccountAlias. (GetAccountSummary is in `summary.rs`.)
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html>
//! An account has at most one alias. CreateAccountAlias with a free name
//! replaces the current alias rather than failing, as AWS does (observed on a
//! live account, floci-io/floci#2103); a name already held, by this account
//! or another, is `EntityAlreadyExists`. The model's pattern and length
//! (3–63 lowercase letters, digits and single hyphens) are checked by the
//! protocol layer before the handler runs.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::{StoreError, StoreExt};

use super::OpCtx;
use super::output::{bool_text, required};
use crate::http::error::ApiError;

/// AWS's wording (awslabs/aws-deployment-framework#465).
fn taken(alias: &str) -> ApiError {
    ApiError::EntityAlreadyExists(format!("The account alias {alias} already exists."))
}

pub(super) fn create_alias(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let alias = required(input, "AccountAlias")?;
    // "It cannot be a 12-digit number" (IAM name requirements), so that it
    // can never be mistaken for an account ID in a sign-in URL.
    if alias.len() == 12 && alias.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Validation(
            "The account alias cannot be a 12-digit number.".to_owned(),
        ));
    }
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut record = tx.get_account(&account)?;
        if record.alias.as_deref() == Some(alias) {
            return Err(taken(alias));
        }
        record.alias = Some(alias.to_owned());
        match tx.update_account(&record) {
            Err(StoreError::AlreadyExists { .. }) => Err(taken(alias)),
            other => Ok(other?),
        }
    })
}

pub(super) fn list_aliases(
    ctx: &mut OpCtx<'_>,
    _: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let record = ctx.state.store.read(|tx| tx.get_account(&account))?;
    w.string_members("AccountAliases", record.alias.as_deref());
    w.element("IsTruncated", bool_text(false));
    Ok(())
}

pub(super) fn delete_alias(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let alias = required(input, "AccountAlias")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut record = tx.get_account(&account)?;
        if record.alias.as_deref() != Some(alias) {
            return Err(ApiError::NoSuchEntity(format!(
                "The account alias {alias} cannot be found."
            )));
        }
        record.alias = None;
        tx.update_account(&record)?;
        Ok(())
    })
}
