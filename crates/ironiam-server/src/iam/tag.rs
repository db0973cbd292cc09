//! Tags on users, roles, customer managed policies and virtual MFA devices:
//! Tag/Untag/List{User,Role,Policy,MFADevice}Tags.
//!
//! The rules are IAM's ("Rules for tagging in IAM and AWS STS",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>): at most
//! 50 tags per resource; keys are unique case-insensitively, so tagging with
//! `department` replaces an existing `Department` tag; the `aws:` prefix is
//! reserved. Key and value lengths and characters are checked by the model.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::Tag;
use ironiam_store::{StoreExt, Transaction};

use super::OpCtx;
use super::managed::local_policy;
use super::output::{DEFAULT_MAX_ITEMS, bool_text, required, tags};
use crate::http::error::ApiError;

/// IAM's quota of tags per resource.
pub const MAX_TAGS: usize = 50;

/// What carries the tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    User,
    Role,
    Policy,
    MfaDevice,
}

impl Target {
    fn member(self) -> &'static str {
        match self {
            Self::User => "UserName",
            Self::Role => "RoleName",
            Self::Policy => "PolicyArn",
            Self::MfaDevice => "SerialNumber",
        }
    }
}

/// Checks the tags of one request: no reserved prefix, no key twice.
///
/// # Errors
/// `InvalidInput` with IAM's wording.
pub(super) fn check_new(new: &[Tag]) -> Result<(), ApiError> {
    for (i, tag) in new.iter().enumerate() {
        if tag.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(ApiError::InvalidInput(
                "User-defined tags cannot start with 'aws:'.".to_owned(),
            ));
        }
        if new
            .iter()
            .skip(i + 1)
            .any(|other| other.key.eq_ignore_ascii_case(&tag.key))
        {
            return Err(ApiError::InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                    .to_owned(),
            ));
        }
    }
    if new.len() > MAX_TAGS {
        return Err(too_many());
    }
    Ok(())
}

fn too_many() -> ApiError {
    ApiError::LimitExceeded(format!(
        "The number of tags has reached the maximum limit of {MAX_TAGS}."
    ))
}

/// Adds `new` to `tags`, replacing tags with the same key.
fn merge(tags: &mut Vec<Tag>, new: &[Tag]) -> Result<(), ApiError> {
    for tag in new {
        match tags
            .iter_mut()
            .find(|t| t.key.eq_ignore_ascii_case(&tag.key))
        {
            Some(existing) => *existing = tag.clone(),
            None => tags.push(tag.clone()),
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(too_many());
    }
    Ok(())
}

/// Reads the target's tags, lets `change` edit them, and writes them back.
fn modify(
    tx: &mut dyn Transaction,
    account: &str,
    target: Target,
    name: &str,
    change: &mut dyn FnMut(&mut Vec<Tag>) -> Result<(), ApiError>,
) -> Result<Vec<Tag>, ApiError> {
    match target {
        Target::User => {
            let mut user = tx.get_user(account, name)?;
            change(&mut user.tags)?;
            tx.update_user(&user)?;
            Ok(user.tags)
        }
        Target::Role => {
            let mut role = tx.get_role(account, name)?;
            change(&mut role.tags)?;
            tx.update_role(&role)?;
            Ok(role.tags)
        }
        Target::Policy => {
            let mut policy = local_policy(tx, account, name)?;
            change(&mut policy.tags)?;
            tx.update_policy(&policy)?;
            Ok(policy.tags)
        }
        Target::MfaDevice => {
            let mut device = tx.get_virtual_mfa_device(account, name)?;
            change(&mut device.tags)?;
            tx.update_virtual_mfa_device(&device)?;
            Ok(device.tags)
        }
    }
}

fn read(
    tx: &mut dyn Transaction,
    account: &str,
    target: Target,
    name: &str,
) -> Result<Vec<Tag>, ApiError> {
    Ok(match target {
        Target::User => tx.get_user(account, name)?.tags,
        Target::Role => tx.get_role(account, name)?.tags,
        Target::Policy => tx.get_policy(account, name)?.tags,
        Target::MfaDevice => tx.get_virtual_mfa_device(account, name)?.tags,
    })
}

fn tag(ctx: &OpCtx<'_>, input: &Value, target: Target) -> Result<(), ApiError> {
    let name = required(input, target.member())?;
    let new = tags(input);
    check_new(&new)?;
    let account = ctx.account().to_owned();
    ctx.state
        .store
        .write(|tx| modify(tx, &account, target, name, &mut |tags| merge(tags, &new)))?;
    Ok(())
}

fn untag(ctx: &OpCtx<'_>, input: &Value, target: Target) -> Result<(), ApiError> {
    let name = required(input, target.member())?;
    let keys: Vec<&str> = input
        .get("TagKeys")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let account = ctx.account().to_owned();
    // Keys the resource does not have are ignored, as in IAM.
    ctx.state.store.write(|tx| {
        modify(tx, &account, target, name, &mut |tags| {
            tags.retain(|t| !keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)));
            Ok(())
        })
    })?;
    Ok(())
}

/// Lists tags in the order they were added; the marker is the last key of the
/// previous page.
fn list(ctx: &OpCtx<'_>, input: &Value, target: Target, w: &mut XmlWriter) -> Result<(), ApiError> {
    let name = required(input, target.member())?;
    let account = ctx.account().to_owned();
    let all = ctx
        .state
        .store
        .read(|tx| read(tx, &account, target, name))?;
    let start = match input.str_member("Marker") {
        Some(marker) => all
            .iter()
            .position(|t| t.key == marker)
            .map_or(all.len(), |i| i + 1),
        None => 0,
    };
    let limit = input
        .get("MaxItems")
        .and_then(Value::as_i64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_ITEMS);
    let rest = all.get(start..).unwrap_or_default();
    let page = rest.get(..limit.min(rest.len())).unwrap_or_default();
    let truncated = rest.len() > page.len();
    w.members("Tags", page, |w, tag| {
        w.element("Key", &tag.key).element("Value", &tag.value);
    });
    w.element("IsTruncated", bool_text(truncated));
    if truncated && let Some(last) = page.last() {
        w.element("Marker", &last.key);
    }
    Ok(())
}

pub(super) fn tag_user(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    tag(c, i, Target::User)
}
pub(super) fn untag_user(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    untag(c, i, Target::User)
}
pub(super) fn list_user(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    list(c, i, Target::User, w)
}
pub(super) fn tag_role(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    tag(c, i, Target::Role)
}
pub(super) fn untag_role(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    untag(c, i, Target::Role)
}
pub(super) fn list_role(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    list(c, i, Target::Role, w)
}
pub(super) fn tag_policy(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    tag(c, i, Target::Policy)
}
pub(super) fn untag_policy(
    c: &mut OpCtx<'_>,
    i: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    untag(c, i, Target::Policy)
}
pub(super) fn list_policy(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    list(c, i, Target::Policy, w)
}
pub(super) fn tag_mfa_device(
    c: &mut OpCtx<'_>,
    i: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    tag(c, i, Target::MfaDevice)
}
pub(super) fn untag_mfa_device(
    c: &mut OpCtx<'_>,
    i: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    untag(c, i, Target::MfaDevice)
}
pub(super) fn list_mfa_device(
    c: &mut OpCtx<'_>,
    i: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    list(c, i, Target::MfaDevice, w)
}
