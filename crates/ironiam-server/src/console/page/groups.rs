//! User groups: list and create; one group's members and attached policies.

use super::super::caller::CallError;
use super::super::html::{self, Page, esc, url_part};
use super::super::{ConsoleError, Ctx, Reply};
use super::{
    after, attachable_policies, attached_policies_table, cell, denied_page, failure, when,
};
use crate::http::error::ApiError;

/// `/console/groups...`.
pub(crate) fn handle(ctx: &mut Ctx<'_>, post: bool, rest: &[&str]) -> Result<Reply, ConsoleError> {
    match (post, rest) {
        (false, []) => list(ctx),
        (true, ["new"]) => create(ctx),
        (false, [name]) => detail(ctx, name),
        (true, [name, op]) => change(ctx, name, op),
        _ => Err(ConsoleError::NotFound),
    }
}

fn group_href(name: &str) -> String {
    format!("/console/groups/{}", url_part(name))
}

fn list(ctx: &Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let listed = match caller.call("ListGroups", &[("MaxItems", "1000")]) {
        Ok(listed) => listed,
        Err(CallError::Denied(view)) => return Ok(denied_page("User groups", &view, None)),
        Err(err) => {
            return Ok(Reply::Page(Page::new(
                "User groups",
                failure("list groups", &err),
            )));
        }
    };
    let rows: Vec<Vec<String>> = listed
        .members("Groups")
        .map(|g| {
            let name = g.text_of("GroupName");
            vec![
                html::link(&group_href(name), name),
                cell(g.text_of("Path")),
                esc(&when(g.text_of("CreateDate"))).to_string(),
            ]
        })
        .collect();
    let mut body = html::table(
        "User groups in this account",
        &["Group name", "Path", "Created"],
        &rows,
    );
    let mut form = html::form_open("/console/groups/new", ctx.csrf());
    form.push_str(&html::input(
        "group-name",
        "Group name",
        "text",
        "name",
        "",
        "required maxlength=\"128\"",
    ));
    form.push_str(&html::submit("Create group"));
    form.push_str("</form>");
    body.push_str(&html::section("create", "Create user group", &form));
    Ok(Reply::Page(Page::new("User groups", body)))
}

fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let name = ctx.f("name").trim().to_owned();
    let result = ctx.caller()?.call("CreateGroup", &[("GroupName", &name)]);
    let back = if result.is_ok() {
        group_href(&name)
    } else {
        "/console/groups".to_owned()
    };
    Ok(after(
        ctx,
        result,
        &format!("Group {name} was created."),
        &back,
    ))
}

fn detail(ctx: &Ctx<'_>, name: &str) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let csrf = ctx.csrf();
    let href = group_href(name);
    let got = match caller.call("GetGroup", &[("GroupName", name)]) {
        Ok(got) => got,
        Err(CallError::Denied(view)) => {
            return Ok(denied_page(name, &view, Some("/console/groups")));
        }
        Err(CallError::Failed(ApiError::NoSuchEntity(_))) => return Err(ConsoleError::NotFound),
        Err(err) => {
            return Ok(Reply::Page(Page::new(
                name,
                failure("view the group", &err),
            )));
        }
    };
    let mut body = format!(
        "<p>ARN <code>{}</code>; created {}.</p>",
        esc(got.path(&["Group", "Arn"]).map_or("", |n| n.text.as_str())),
        esc(&when(
            got.path(&["Group", "CreateDate"])
                .map_or("", |n| n.text.as_str())
        ))
    );
    let rows: Vec<Vec<String>> = got
        .members("Users")
        .map(|u| {
            let user = u.text_of("UserName");
            vec![
                html::link(&format!("/console/users/{}", url_part(user)), user),
                html::action_button(
                    &format!("{href}/remove-user"),
                    csrf,
                    &[("user", user)],
                    "Remove",
                    &format!("Remove {user} from the group"),
                    true,
                ),
            ]
        })
        .collect();
    let mut users = html::table("Members", &["User", "Actions"], &rows);
    match caller.call("ListUsers", &[("MaxItems", "1000")]) {
        Ok(all) => {
            let options: Vec<(String, String)> = all
                .members("Users")
                .map(|u| {
                    (
                        u.text_of("UserName").to_owned(),
                        u.text_of("UserName").to_owned(),
                    )
                })
                .collect();
            users.push_str(&html::form_open(&format!("{href}/add-user"), csrf));
            users.push_str(&html::select("add-user", "User", "user", &options, ""));
            users.push_str(&html::submit("Add user to group"));
            users.push_str("</form>");
        }
        Err(err) => users.push_str(&failure("list users to add", &err)),
    }
    body.push_str(&html::section("members", "Users", &users));
    let mut policies = String::new();
    match caller.call("ListAttachedGroupPolicies", &[("GroupName", name)]) {
        Ok(listed) => {
            policies.push_str(&attached_policies_table(
                &listed,
                "Attached policies",
                &href,
                csrf,
            ));
        }
        Err(err) => policies.push_str(&failure("list the group's policies", &err)),
    }
    match attachable_policies(&caller) {
        Ok(all) => {
            policies.push_str(&html::form_open(&format!("{href}/attach"), csrf));
            policies.push_str(&html::select("attach-policy", "Policy", "policy", &all, ""));
            policies.push_str(&html::submit("Attach policy"));
            policies.push_str("</form>");
        }
        Err(err) => policies.push_str(&failure("list policies to attach", &err)),
    }
    body.push_str(&html::section("permissions", "Permissions", &policies));
    body.push_str(&html::section(
        "delete",
        "Delete group",
        &html::action_button(
            &format!("{href}/delete"),
            csrf,
            &[],
            "Delete group",
            &format!("Delete group {name}"),
            true,
        ),
    ));
    Ok(Reply::Page(Page::new(name, body)))
}

fn change(ctx: &mut Ctx<'_>, name: &str, op: &str) -> Result<Reply, ConsoleError> {
    let back = group_href(name);
    let caller = ctx.caller()?;
    let f = |k: &str| ctx.f(k).to_owned();
    let (result, done, back) = match op {
        "attach" => (
            caller.call(
                "AttachGroupPolicy",
                &[("GroupName", name), ("PolicyArn", &f("policy"))],
            ),
            "Policy attached.",
            back,
        ),
        "detach" => (
            caller.call(
                "DetachGroupPolicy",
                &[("GroupName", name), ("PolicyArn", &f("policy"))],
            ),
            "Policy detached.",
            back,
        ),
        "add-user" => (
            caller.call(
                "AddUserToGroup",
                &[("GroupName", name), ("UserName", &f("user"))],
            ),
            "User added.",
            back,
        ),
        "remove-user" => (
            caller.call(
                "RemoveUserFromGroup",
                &[("GroupName", name), ("UserName", &f("user"))],
            ),
            "User removed.",
            back,
        ),
        "delete" => {
            let result = caller.call("DeleteGroup", &[("GroupName", name)]);
            let back = if result.is_ok() {
                "/console/groups".to_owned()
            } else {
                back
            };
            (result, "Group deleted.", back)
        }
        _ => return Err(ConsoleError::NotFound),
    };
    drop(caller);
    Ok(after(ctx, result, done, &back))
}
