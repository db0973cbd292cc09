//! The console's pages, one module per area, and what they share: rendering a failed
//! call inside a section, and the answer to a form post.

pub(crate) mod account;
pub(crate) mod compliance;
pub(crate) mod credentials;
pub(crate) mod dashboard;
pub(crate) mod groups;
pub(crate) mod mfa_wizard;
pub(crate) mod policies;
pub(crate) mod roles;
pub(crate) mod users;

use super::caller::{CallError, DeniedView};
use super::html::{self, Page, esc};
use super::xml::Node;
use super::{Ctx, Reply, denied};

/// A section's content when its call failed: a compact denial, or the AWS error.
pub(crate) fn failure(what: &str, err: &CallError) -> String {
    match err {
        CallError::Denied(view) => denied::render_compact(what, view),
        CallError::Failed(err) => html::error_block(&format!("{}: {}", err.code(), err.message())),
    }
}

/// A page that is nothing but a denial.
pub(crate) fn denied_page(title: &str, view: &DeniedView, back: Option<&str>) -> Reply {
    let mut body = denied::render(view);
    if let Some(back) = back {
        body.push_str(&format!("<p>{}</p>", html::link(back, "Go back")));
    }
    Reply::Page(Page::new(title, body).with_status(403))
}

/// The answer to a form post: on success a notice and back to `back`; a denial is
/// shown in full (it is the point of the page); other errors return to `back` with the
/// error.
pub(crate) fn after(
    ctx: &mut Ctx<'_>,
    result: Result<Node, CallError>,
    success: &str,
    back: &str,
) -> Reply {
    match result {
        Ok(_) => {
            ctx.flash(success);
            Reply::Redirect(back.to_owned())
        }
        Err(CallError::Denied(view)) => denied_page("Access denied", &view, Some(back)),
        Err(CallError::Failed(err)) => {
            ctx.flash_error(format!("{}: {}", err.code(), err.message()));
            Reply::Redirect(back.to_owned())
        }
    }
}

/// An ISO 8601 date as people read it: `2024-01-31 12:00 UTC`.
pub(crate) fn when(iso: &str) -> String {
    if iso.is_empty() {
        return "—".to_owned();
    }
    match (iso.get(0..10), iso.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso.to_owned(),
    }
}

/// Escaped text, or a dash when empty.
pub(crate) fn cell(text: &str) -> String {
    if text.is_empty() {
        "—".to_owned()
    } else {
        esc(text).to_string()
    }
}

/// The names of every policy the account can attach, `(arn, label)`, AWS managed
/// included, for the attach forms; `Err` when listing is not allowed.
pub(crate) fn attachable_policies(
    caller: &super::caller::Caller<'_>,
) -> Result<Vec<(String, String)>, CallError> {
    let listed = caller.call("ListPolicies", &[("Scope", "All"), ("MaxItems", "1000")])?;
    Ok(listed
        .members("Policies")
        .map(|p| {
            let arn = p.text_of("Arn").to_owned();
            let owner = if arn.starts_with("arn:aws:iam::aws:") {
                "AWS managed"
            } else {
                "customer managed"
            };
            (arn, format!("{} ({owner})", p.text_of("PolicyName")))
        })
        .collect())
}

/// A `List*AttachedPolicies` answer as a table: each policy links to its page and has
/// a Detach button posting to `{href}/detach`.
pub(crate) fn attached_policies_table(
    listed: &Node,
    caption: &str,
    href: &str,
    csrf: &str,
) -> String {
    let rows: Vec<Vec<String>> = listed
        .members("AttachedPolicies")
        .map(|p| {
            let arn = p.text_of("PolicyArn");
            let policy = p.text_of("PolicyName");
            vec![
                html::link(
                    &format!("/console/policies/view?arn={}", html::url_part(arn)),
                    policy,
                ),
                html::action_button(
                    &format!("{href}/detach"),
                    csrf,
                    &[("policy", arn)],
                    "Detach",
                    &format!("Detach {policy}"),
                    true,
                ),
            ]
        })
        .collect();
    html::table(caption, &["Policy", "Actions"], &rows)
}

/// The account's group names, for the membership forms.
pub(crate) fn group_names(caller: &super::caller::Caller<'_>) -> Result<Vec<String>, CallError> {
    let listed = caller.call("ListGroups", &[("MaxItems", "1000")])?;
    Ok(listed
        .members("Groups")
        .map(|g| g.text_of("GroupName").to_owned())
        .collect())
}
