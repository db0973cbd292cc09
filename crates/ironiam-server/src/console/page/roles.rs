//! Roles: list and create (with a trust policy); one role's trust policy and attached
//! policies.

use ironiam_policy::PolicyKind;
use ironiam_protocol::encoding::percent_decode_lenient;

use super::super::caller::CallError;
use super::super::html::{self, Page, esc, url_part};
use super::super::{ConsoleError, Ctx, Reply};
use super::policies::document_errors;
use super::{
    after, attachable_policies, attached_policies_table, cell, denied_page, failure, when,
};
use crate::http::error::ApiError;

/// `/console/roles...`.
pub(crate) fn handle(ctx: &mut Ctx<'_>, post: bool, rest: &[&str]) -> Result<Reply, ConsoleError> {
    match (post, rest) {
        (false, []) => list(ctx),
        (false, ["new"]) => new_page(ctx, None, None),
        (true, ["new"]) => create(ctx),
        (false, [name]) => detail(ctx, name, None),
        (true, [name, op]) => change(ctx, name, op),
        _ => Err(ConsoleError::NotFound),
    }
}

fn role_href(name: &str) -> String {
    format!("/console/roles/{}", url_part(name))
}

fn list(ctx: &Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let listed = match caller.call("ListRoles", &[("MaxItems", "1000")]) {
        Ok(listed) => listed,
        Err(CallError::Denied(view)) => return Ok(denied_page("Roles", &view, None)),
        Err(err) => return Ok(Reply::Page(Page::new("Roles", failure("list roles", &err)))),
    };
    let rows: Vec<Vec<String>> = listed
        .members("Roles")
        .map(|r| {
            let name = r.text_of("RoleName");
            vec![
                html::link(&role_href(name), name),
                cell(r.text_of("Description")),
                esc(&when(r.text_of("CreateDate"))).to_string(),
            ]
        })
        .collect();
    let mut body = format!("<p>{}</p>", html::link("/console/roles/new", "Create role"));
    body.push_str(&html::table(
        "Roles in this account",
        &["Role name", "Description", "Created"],
        &rows,
    ));
    Ok(Reply::Page(Page::new("Roles", body)))
}

/// A trust policy that lets the account's principals assume the role with MFA, the
/// pattern the seed tutorials recommend.
fn default_trust(account: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{\"AWS\": \"arn:aws:iam::{account}:root\"}},\n      \"Action\": \"sts:AssumeRole\",\n      \"Condition\": {{\"Bool\": {{\"aws:MultiFactorAuthPresent\": \"true\"}}}}\n    }}\n  ]\n}}"
    )
}

fn new_page(
    ctx: &Ctx<'_>,
    document: Option<&str>,
    error: Option<String>,
) -> Result<Reply, ConsoleError> {
    let account = ctx.caller()?.principal().account_id.clone();
    let trust = document.map_or_else(|| default_trust(&account), str::to_owned);
    let mut body = error.unwrap_or_default();
    body.push_str(&html::form_open("/console/roles/new", ctx.csrf()));
    body.push_str(&html::input(
        "role-name",
        "Role name",
        "text",
        "name",
        ctx.f("name"),
        "required maxlength=\"64\"",
    ));
    body.push_str(&html::input(
        "role-description",
        "Description (optional)",
        "text",
        "description",
        ctx.f("description"),
        "maxlength=\"1000\"",
    ));
    body.push_str(&html::textarea(
        "trust-policy",
        "Trust policy (JSON)",
        "document",
        &trust,
        16,
        "required",
    ));
    body.push_str(&html::submit("Create role"));
    body.push_str("</form>");
    Ok(Reply::Page(Page::new("Create role", body)))
}

fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let name = ctx.f("name").trim().to_owned();
    let description = ctx.f("description").trim().to_owned();
    let document = ctx.f("document").to_owned();
    let mut params = vec![
        ("RoleName", name.as_str()),
        ("AssumeRolePolicyDocument", document.as_str()),
    ];
    if !description.is_empty() {
        params.push(("Description", description.as_str()));
    }
    match ctx.caller()?.call("CreateRole", &params) {
        Ok(_) => {
            ctx.flash(format!("Role {name} was created."));
            Ok(Reply::Redirect(role_href(&name)))
        }
        Err(CallError::Denied(view)) => Ok(denied_page(
            "Create role",
            &view,
            Some("/console/roles/new"),
        )),
        Err(err) => {
            let error = document_errors(&document, PolicyKind::Trust, &err);
            let reply = new_page(ctx, Some(&document), Some(error))?;
            Ok(match reply {
                Reply::Page(page) => Reply::Page(page.with_status(400)),
                other => other,
            })
        }
    }
}

fn detail(
    ctx: &Ctx<'_>,
    name: &str,
    trust_error: Option<(String, String)>,
) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let csrf = ctx.csrf();
    let href = role_href(name);
    let role = match caller.call("GetRole", &[("RoleName", name)]) {
        Ok(got) => got.child("Role").cloned().unwrap_or_default(),
        Err(CallError::Denied(view)) => {
            return Ok(denied_page(name, &view, Some("/console/roles")));
        }
        Err(CallError::Failed(ApiError::NoSuchEntity(_))) => return Err(ConsoleError::NotFound),
        Err(err) => return Ok(Reply::Page(Page::new(name, failure("view the role", &err)))),
    };
    let mut body = format!(
        "<p>ARN <code>{}</code>; created {}; maximum session {} seconds.</p>",
        esc(role.text_of("Arn")),
        esc(&when(role.text_of("CreateDate"))),
        esc(role.text_of("MaxSessionDuration"))
    );
    let stored = String::from_utf8_lossy(&percent_decode_lenient(
        role.text_of("AssumeRolePolicyDocument"),
    ))
    .into_owned();
    let (text, error) = trust_error.unwrap_or((stored, String::new()));
    let mut trust = error;
    trust.push_str(&html::form_open(&format!("{href}/trust"), csrf));
    trust.push_str(&html::textarea(
        "trust-policy",
        "Trust policy (JSON)",
        "document",
        &text,
        16,
        "required",
    ));
    trust.push_str(&html::submit("Update trust policy"));
    trust.push_str("</form>");
    body.push_str(&html::section("trust", "Trust relationships", &trust));
    let mut policies = String::new();
    match caller.call("ListAttachedRolePolicies", &[("RoleName", name)]) {
        Ok(listed) => {
            policies.push_str(&attached_policies_table(
                &listed,
                "Attached policies",
                &href,
                csrf,
            ));
        }
        Err(err) => policies.push_str(&failure("list the role's policies", &err)),
    }
    if let Ok(all) = attachable_policies(&caller) {
        policies.push_str(&html::form_open(&format!("{href}/attach"), csrf));
        policies.push_str(&html::select("attach-policy", "Policy", "policy", &all, ""));
        policies.push_str(&html::submit("Attach policy"));
        policies.push_str("</form>");
    }
    body.push_str(&html::section("permissions", "Permissions", &policies));
    body.push_str(&html::section(
        "delete",
        "Delete role",
        &html::action_button(
            &format!("{href}/delete"),
            csrf,
            &[],
            "Delete role",
            &format!("Delete role {name}"),
            true,
        ),
    ));
    Ok(Reply::Page(Page::new(name, body)))
}

fn change(ctx: &mut Ctx<'_>, name: &str, op: &str) -> Result<Reply, ConsoleError> {
    let back = role_href(name);
    let caller = ctx.caller()?;
    let policy = ctx.f("policy").to_owned();
    let (result, done) = match op {
        "attach" => (
            caller.call(
                "AttachRolePolicy",
                &[("RoleName", name), ("PolicyArn", &policy)],
            ),
            "Policy attached.",
        ),
        "detach" => (
            caller.call(
                "DetachRolePolicy",
                &[("RoleName", name), ("PolicyArn", &policy)],
            ),
            "Policy detached.",
        ),
        "trust" => {
            let document = ctx.f("document").to_owned();
            match caller.call(
                "UpdateAssumeRolePolicy",
                &[("RoleName", name), ("PolicyDocument", &document)],
            ) {
                Ok(node) => (Ok(node), "Trust policy updated."),
                Err(CallError::Denied(view)) => return Ok(denied_page(name, &view, Some(&back))),
                Err(err) => {
                    drop(caller);
                    let error = document_errors(&document, PolicyKind::Trust, &err);
                    let reply = detail(ctx, name, Some((document, error)))?;
                    return Ok(match reply {
                        Reply::Page(page) => Reply::Page(page.with_status(400)),
                        other => other,
                    });
                }
            }
        }
        "delete" => {
            let result = caller.call("DeleteRole", &[("RoleName", name)]);
            drop(caller);
            let to = if result.is_ok() {
                "/console/roles".to_owned()
            } else {
                back
            };
            return Ok(after(
                ctx,
                result,
                &format!("Role {name} was deleted."),
                &to,
            ));
        }
        _ => return Err(ConsoleError::NotFound),
    };
    drop(caller);
    Ok(after(ctx, result, done, &back))
}
