//! Managed policies: the list (customer and AWS managed), creating one from JSON with
//! the engine's validation errors shown at their line, a policy's versions (edit =
//! a new default version, set default, delete), where it is attached, and deletion.

use ironiam_policy::{Policy, PolicyKind};
use ironiam_protocol::encoding::percent_decode_lenient;

use super::super::caller::CallError;
use super::super::html::{self, Page, esc, url_part};
use super::super::{ConsoleError, Ctx, Reply};
use super::{after, cell, denied_page, failure, when};
use crate::http::error::ApiError;

const SKELETON: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"iam:GetUser\",\n      \"Resource\": \"arn:aws:iam::*:user/${aws:username}\"\n    }\n  ]\n}";

/// `/console/policies...`.
pub(crate) fn handle(ctx: &mut Ctx<'_>, post: bool, rest: &[&str]) -> Result<Reply, ConsoleError> {
    match (post, rest) {
        (false, []) => list(ctx),
        (false, ["new"]) => Ok(Reply::Page(new_page(ctx, SKELETON, None))),
        (true, ["new"]) => create(ctx),
        (false, ["view"]) => view(ctx, None),
        (true, ["edit"]) => edit(ctx),
        (true, ["default"]) => {
            let (arn, version) = (ctx.f("arn").to_owned(), ctx.f("version").to_owned());
            let result = ctx.caller()?.call(
                "SetDefaultPolicyVersion",
                &[("PolicyArn", &arn), ("VersionId", &version)],
            );
            Ok(after(
                ctx,
                result,
                &format!("Version {version} is now the default."),
                &view_href(&arn),
            ))
        }
        (true, ["delete-version"]) => {
            let (arn, version) = (ctx.f("arn").to_owned(), ctx.f("version").to_owned());
            let result = ctx.caller()?.call(
                "DeletePolicyVersion",
                &[("PolicyArn", &arn), ("VersionId", &version)],
            );
            Ok(after(
                ctx,
                result,
                &format!("Version {version} was deleted."),
                &view_href(&arn),
            ))
        }
        (true, ["delete"]) => {
            let arn = ctx.f("arn").to_owned();
            let result = ctx.caller()?.call("DeletePolicy", &[("PolicyArn", &arn)]);
            let back = if result.is_ok() {
                "/console/policies".to_owned()
            } else {
                view_href(&arn)
            };
            Ok(after(ctx, result, "The policy was deleted.", &back))
        }
        _ => Err(ConsoleError::NotFound),
    }
}

fn view_href(arn: &str) -> String {
    format!("/console/policies/view?arn={}", url_part(arn))
}

fn list(ctx: &Ctx<'_>) -> Result<Reply, ConsoleError> {
    let scope = match ctx.q("scope") {
        "Local" => "Local",
        "AWS" => "AWS",
        _ => "All",
    };
    let caller = ctx.caller()?;
    let listed = match caller.call("ListPolicies", &[("Scope", scope), ("MaxItems", "1000")]) {
        Ok(listed) => listed,
        Err(CallError::Denied(view)) => return Ok(denied_page("Policies", &view, None)),
        Err(err) => {
            return Ok(Reply::Page(Page::new(
                "Policies",
                failure("list policies", &err),
            )));
        }
    };
    let rows: Vec<Vec<String>> = listed
        .members("Policies")
        .map(|p| {
            let arn = p.text_of("Arn");
            let kind = if arn.starts_with("arn:aws:iam::aws:") {
                "AWS managed"
            } else {
                "Customer managed"
            };
            vec![
                html::link(&view_href(arn), p.text_of("PolicyName")),
                kind.to_owned(),
                cell(p.text_of("AttachmentCount")),
                cell(p.text_of("DefaultVersionId")),
            ]
        })
        .collect();
    let mut body = format!(
        "<p>{} · Show: {} · {} · {}</p>",
        html::link("/console/policies/new", "Create policy"),
        html::link("/console/policies?scope=All", "all"),
        html::link("/console/policies?scope=Local", "customer managed"),
        html::link("/console/policies?scope=AWS", "AWS managed"),
    );
    body.push_str(&html::table(
        "Managed policies",
        &["Policy name", "Type", "Attachments", "Default version"],
        &rows,
    ));
    Ok(Reply::Page(Page::new("Policies", body)))
}

/// The document with its lines numbered and the offending one marked, plus the
/// engine's message, when `error` is the engine's refusal of `document`.
pub(crate) fn document_errors(document: &str, kind: PolicyKind, err: &CallError) -> String {
    let CallError::Failed(
        ApiError::MalformedPolicyDocument(message) | ApiError::LimitExceeded(message),
    ) = err
    else {
        return failure("save the policy", err);
    };
    // The API's message already names the line; the engine gives its position to mark.
    let located = Policy::new("console", document, kind).err();
    let mut out = String::from("<div class=\"error\" role=\"alert\">");
    match &located {
        Some(e) => {
            out.push_str(&format!(
                "<p><strong>Line {}, column {}:</strong> {}</p>",
                e.location.line,
                e.location.column,
                esc(&e.message)
            ));
            if let Some(detail) = &e.detail {
                out.push_str(&format!("<p>{}</p>", esc(detail)));
            }
        }
        None => out.push_str(&format!("<p>{}</p>", esc(message))),
    }
    out.push_str("</div>");
    if let Some(e) = located {
        out.push_str("<ol class=\"policy-lines\" aria-label=\"Policy document by line\">");
        for (i, line) in document.lines().enumerate() {
            if i + 1 == e.location.line {
                out.push_str(&format!(
                    "<li class=\"bad\" aria-current=\"true\" title=\"line {}\">{}</li>",
                    i + 1,
                    esc(line)
                ));
            } else {
                out.push_str(&format!("<li>{}</li>", esc(line)));
            }
        }
        out.push_str("</ol>");
    }
    out
}

fn new_page(ctx: &Ctx<'_>, document: &str, error: Option<String>) -> Page {
    let mut body = error.unwrap_or_default();
    body.push_str(&html::form_open("/console/policies/new", ctx.csrf()));
    body.push_str(&html::input(
        "policy-name",
        "Policy name",
        "text",
        "name",
        ctx.f("name"),
        "required maxlength=\"128\"",
    ));
    body.push_str(&html::input(
        "policy-description",
        "Description (optional)",
        "text",
        "description",
        ctx.f("description"),
        "maxlength=\"1000\"",
    ));
    body.push_str(&html::textarea(
        "policy-document",
        "Policy document (JSON)",
        "document",
        document,
        24,
        "required",
    ));
    body.push_str(&html::submit("Create policy"));
    body.push_str("</form>");
    Page::new("Create policy", body)
}

fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let name = ctx.f("name").trim().to_owned();
    let description = ctx.f("description").trim().to_owned();
    let document = ctx.f("document").to_owned();
    let mut params = vec![
        ("PolicyName", name.as_str()),
        ("PolicyDocument", document.as_str()),
    ];
    if !description.is_empty() {
        params.push(("Description", description.as_str()));
    }
    let result = ctx.caller()?.call("CreatePolicy", &params);
    match result {
        Ok(created) => {
            let arn = created
                .path(&["Policy", "Arn"])
                .map(|n| n.text.clone())
                .unwrap_or_default();
            ctx.flash(format!("Policy {name} was created."));
            Ok(Reply::Redirect(view_href(&arn)))
        }
        Err(CallError::Denied(view)) => Ok(denied_page(
            "Create policy",
            &view,
            Some("/console/policies/new"),
        )),
        Err(err) => Ok(Reply::Page(
            new_page(
                ctx,
                &document,
                Some(document_errors(&document, PolicyKind::Managed, &err)),
            )
            .with_status(400),
        )),
    }
}

fn view(ctx: &Ctx<'_>, edit_error: Option<(String, String)>) -> Result<Reply, ConsoleError> {
    let arn = ctx.q("arn").to_owned();
    let caller = ctx.caller()?;
    let csrf = ctx.csrf();
    let policy = match caller.call("GetPolicy", &[("PolicyArn", &arn)]) {
        Ok(got) => got.child("Policy").cloned().unwrap_or_default(),
        Err(CallError::Denied(view)) => {
            return Ok(denied_page("Policy", &view, Some("/console/policies")));
        }
        Err(CallError::Failed(ApiError::NoSuchEntity(_))) => return Err(ConsoleError::NotFound),
        Err(err) => {
            return Ok(Reply::Page(Page::new(
                "Policy",
                failure("view the policy", &err),
            )));
        }
    };
    let name = policy.text_of("PolicyName").to_owned();
    let default = policy.text_of("DefaultVersionId").to_owned();
    let shown = if ctx.q("version").is_empty() {
        default.clone()
    } else {
        ctx.q("version").to_owned()
    };
    let mut body = format!(
        "<p>ARN <code>{}</code>; created {}; updated {}.</p>",
        esc(&arn),
        esc(&when(policy.text_of("CreateDate"))),
        esc(&when(policy.text_of("UpdateDate")))
    );
    if !policy.text_of("Description").is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(policy.text_of("Description"))));
    }
    let document = match caller.call(
        "GetPolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", &shown)],
    ) {
        Ok(got) => {
            let encoded = got
                .path(&["PolicyVersion", "Document"])
                .map_or("", |n| n.text.as_str());
            let text = String::from_utf8_lossy(&percent_decode_lenient(encoded)).into_owned();
            body.push_str(&html::section(
                "document",
                &format!("Policy document (version {shown})"),
                &format!("<pre>{}</pre>", esc(&text)),
            ));
            text
        }
        Err(err) => {
            body.push_str(&failure("read the policy document", &err));
            String::new()
        }
    };
    match caller.call("ListPolicyVersions", &[("PolicyArn", &arn)]) {
        Ok(listed) => {
            let rows: Vec<Vec<String>> = listed
                .members("Versions")
                .map(|v| {
                    let id = v.text_of("VersionId");
                    let is_default = v.text_of("IsDefaultVersion") == "true";
                    let actions = if is_default {
                        "Default".to_owned()
                    } else {
                        format!(
                            "{}{}",
                            html::action_button(
                                "/console/policies/default",
                                csrf,
                                &[("arn", &arn), ("version", id)],
                                "Set as default",
                                &format!("Set version {id} as default"),
                                false
                            ),
                            html::action_button(
                                "/console/policies/delete-version",
                                csrf,
                                &[("arn", &arn), ("version", id)],
                                "Delete",
                                &format!("Delete version {id}"),
                                true
                            )
                        )
                    };
                    vec![
                        html::link(&format!("{}&version={}", view_href(&arn), url_part(id)), id),
                        esc(&when(v.text_of("CreateDate"))).to_string(),
                        actions,
                    ]
                })
                .collect();
            body.push_str(&html::section(
                "versions",
                "Versions",
                &html::table("Policy versions", &["Version", "Created", "Status"], &rows),
            ));
        }
        Err(err) => body.push_str(&failure("list the policy's versions", &err)),
    }
    if !arn.starts_with("arn:aws:iam::aws:") {
        let (text, error) = match edit_error {
            Some((text, error)) => (text, error),
            None => (document, String::new()),
        };
        let mut form = error;
        form.push_str("<p>Saving creates a new version and makes it the default. A policy keeps at most five versions.</p>");
        form.push_str(&html::form_open("/console/policies/edit", csrf));
        form.push_str(&format!(
            "<input type=\"hidden\" name=\"arn\" value=\"{}\">",
            esc(&arn)
        ));
        form.push_str(&html::textarea(
            "edit-document",
            "Policy document (JSON)",
            "document",
            &text,
            24,
            "required",
        ));
        form.push_str(&html::submit("Save changes"));
        form.push_str("</form>");
        body.push_str(&html::section("edit", "Edit policy", &form));
    }
    match caller.call("ListEntitiesForPolicy", &[("PolicyArn", &arn)]) {
        Ok(listed) => {
            let mut rows = Vec::new();
            for (list, kind, base) in [
                ("PolicyUsers", "User", "/console/users/"),
                ("PolicyGroups", "Group", "/console/groups/"),
                ("PolicyRoles", "Role", "/console/roles/"),
            ] {
                let member = match kind {
                    "User" => "UserName",
                    "Group" => "GroupName",
                    _ => "RoleName",
                };
                for entity in listed.members(list) {
                    let who = entity.text_of(member);
                    rows.push(vec![
                        html::link(&format!("{base}{}", url_part(who)), who),
                        kind.to_owned(),
                    ]);
                }
            }
            body.push_str(&html::section(
                "entities",
                "Entities attached",
                &html::table("Attached to", &["Name", "Type"], &rows),
            ));
        }
        Err(err) => body.push_str(&failure("list where the policy is attached", &err)),
    }
    if !arn.starts_with("arn:aws:iam::aws:") {
        body.push_str(&html::section(
            "delete",
            "Delete policy",
            &html::action_button(
                "/console/policies/delete",
                csrf,
                &[("arn", &arn)],
                "Delete policy",
                &format!("Delete policy {name}"),
                true,
            ),
        ));
    }
    Ok(Reply::Page(Page::new(name, body)))
}

fn edit(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let arn = ctx.f("arn").to_owned();
    let document = ctx.f("document").to_owned();
    let result = ctx.caller()?.call(
        "CreatePolicyVersion",
        &[
            ("PolicyArn", &arn),
            ("PolicyDocument", &document),
            ("SetAsDefault", "true"),
        ],
    );
    match result {
        Ok(_) => {
            ctx.flash("A new default version was saved.");
            Ok(Reply::Redirect(view_href(&arn)))
        }
        Err(CallError::Denied(view)) => {
            Ok(denied_page("Edit policy", &view, Some(&view_href(&arn))))
        }
        Err(err) => {
            let error = document_errors(&document, PolicyKind::Managed, &err);
            ctx.query = ironiam_protocol::query::QueryParams::from_pairs([("arn", arn.as_str())]);
            let reply = view(ctx, Some((document, error)))?;
            Ok(match reply {
                Reply::Page(page) => Reply::Page(page.with_status(400)),
                other => other,
            })
        }
    }
}
