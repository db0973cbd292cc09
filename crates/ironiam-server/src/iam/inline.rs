//! Inline policies of users, groups and roles:
//! Put/Get/List/Delete{User,Group,Role}Policy.

use ironiam_policy::PolicyKind;
use ironiam_protocol::encoding::uri_encode;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::{InlinePolicy, PrincipalKind};
use ironiam_store::{ListOptions, StoreError, StoreExt};

use super::OpCtx;
use super::managed::validate;
use super::output::{list_options, required, truncation};
use crate::http::error::ApiError;

/// IAM's quota on the summed size of a user's inline policies; groups have
/// 5120 and roles 10240 (IAM User Guide, "IAM and AWS STS quotas").
fn quota(kind: PrincipalKind) -> usize {
    match kind {
        PrincipalKind::User => 2048,
        PrincipalKind::Group => 5120,
        PrincipalKind::Role => 10240,
    }
}

fn owner_member(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::User => "UserName",
        PrincipalKind::Group => "GroupName",
        PrincipalKind::Role => "RoleName",
    }
}

/// Size as IAM counts it: without whitespace.
fn size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

fn put(ctx: &OpCtx<'_>, input: &Value, kind: PrincipalKind) -> Result<(), ApiError> {
    let owner = required(input, owner_member(kind))?;
    let name = required(input, "PolicyName")?;
    let document = required(input, "PolicyDocument")?;
    validate(document, PolicyKind::Identity)?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let existing = tx.list_inline_policies(&account, kind, owner, &ListOptions::all())?;
        let others: usize = existing
            .items
            .iter()
            .filter(|p| !p.name.eq_ignore_ascii_case(name))
            .map(|p| size(&p.document))
            .sum();
        let limit = quota(kind);
        if others + size(document) > limit {
            return Err(ApiError::LimitExceeded(format!(
                "Maximum policy size of {limit} bytes exceeded for {} {owner}",
                kind.arn_resource()
            )));
        }
        tx.put_inline_policy(
            &account,
            kind,
            owner,
            &InlinePolicy {
                name: name.to_owned(),
                document: document.to_owned(),
            },
        )?;
        Ok(())
    })
}

fn get(
    ctx: &OpCtx<'_>,
    input: &Value,
    kind: PrincipalKind,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let owner = required(input, owner_member(kind))?;
    let name = required(input, "PolicyName")?;
    let account = ctx.account().to_owned();
    let policy = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        match kind {
            PrincipalKind::User => drop(tx.get_user(&account, owner)?),
            PrincipalKind::Group => drop(tx.get_group(&account, owner)?),
            PrincipalKind::Role => drop(tx.get_role(&account, owner)?),
        }
        tx.get_inline_policy(&account, kind, owner, name)
            .map_err(|err| match err {
                StoreError::NotFound { .. } => ApiError::NoSuchEntity(format!(
                    "The {} policy with name {name} cannot be found.",
                    kind.arn_resource()
                )),
                other => other.into(),
            })
    })?;
    w.element(owner_member(kind), owner)
        .element("PolicyName", &policy.name)
        .element(
            "PolicyDocument",
            &uri_encode(policy.document.as_bytes(), false),
        );
    Ok(())
}

fn list(
    ctx: &OpCtx<'_>,
    input: &Value,
    kind: PrincipalKind,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let owner = required(input, owner_member(kind))?;
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let page = ctx
        .state
        .store
        .read(|tx| tx.list_inline_policies(&account, kind, owner, &options))?;
    w.string_members("PolicyNames", page.items.iter().map(|p| p.name.as_str()));
    truncation(w, &page, |p| &p.name);
    Ok(())
}

fn delete(ctx: &OpCtx<'_>, input: &Value, kind: PrincipalKind) -> Result<(), ApiError> {
    let owner = required(input, owner_member(kind))?;
    let name = required(input, "PolicyName")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        tx.delete_inline_policy(&account, kind, owner, name)
            .map_err(|err| match err {
                StoreError::NotFound {
                    entity: ironiam_store::Entity::InlinePolicy,
                    ..
                } => ApiError::NoSuchEntity(format!(
                    "The {} policy with name {name} cannot be found.",
                    kind.arn_resource()
                )),
                other => other.into(),
            })
    })
}

pub(super) fn put_user(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    put(c, i, PrincipalKind::User)
}
pub(super) fn get_user(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    get(c, i, PrincipalKind::User, w)
}
pub(super) fn list_user(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    list(c, i, PrincipalKind::User, w)
}
pub(super) fn delete_user(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    delete(c, i, PrincipalKind::User)
}
pub(super) fn put_group(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    put(c, i, PrincipalKind::Group)
}
pub(super) fn get_group(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    get(c, i, PrincipalKind::Group, w)
}
pub(super) fn list_group(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    list(c, i, PrincipalKind::Group, w)
}
pub(super) fn delete_group(
    c: &mut OpCtx<'_>,
    i: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    delete(c, i, PrincipalKind::Group)
}
pub(super) fn put_role(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    put(c, i, PrincipalKind::Role)
}
pub(super) fn get_role(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    get(c, i, PrincipalKind::Role, w)
}
pub(super) fn list_role(c: &mut OpCtx<'_>, i: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    list(c, i, PrincipalKind::Role, w)
}
pub(super) fn delete_role(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    delete(c, i, PrincipalKind::Role)
}
