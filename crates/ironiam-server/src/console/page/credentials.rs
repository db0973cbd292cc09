//! My security credentials: the signed-in caller's console password, MFA devices and
//! access keys. Every read and change is the IAM operation on the caller itself
//! (no `UserName`), so a policy written with `${aws:username}` governs it exactly as it
//! would through the API.

use super::super::caller::Caller;
use super::super::html::{self, Page, esc};
use super::super::{ConsoleError, Ctx, Reply, signin};
use super::{after, cell, failure, when};

/// `/console/credentials...` for a signed-in session.
pub(crate) fn handle(ctx: &mut Ctx<'_>, post: bool, rest: &[&str]) -> Result<Reply, ConsoleError> {
    match (post, rest) {
        (false, []) => show(ctx, None),
        (true, ["password"]) => password(ctx),
        (true, ["keys", "create"]) => create_key(ctx),
        (true, ["keys", "update"]) => {
            let id = ctx.f("key").to_owned();
            let status = if ctx.f("status") == "Active" {
                "Active"
            } else {
                "Inactive"
            };
            let result = ctx.caller()?.call(
                "UpdateAccessKey",
                &[("AccessKeyId", &id), ("Status", status)],
            );
            let done = format!("Access key {id} is now {}.", status.to_lowercase());
            Ok(after(ctx, result, &done, "/console/credentials"))
        }
        (true, ["keys", "delete"]) => {
            let id = ctx.f("key").to_owned();
            let result = ctx
                .caller()?
                .call("DeleteAccessKey", &[("AccessKeyId", &id)]);
            Ok(after(
                ctx,
                result,
                &format!("Access key {id} was deleted."),
                "/console/credentials",
            ))
        }
        (true, ["mfa", "remove"]) => remove_device(ctx, true),
        (true, ["mfa", "deactivate"]) => remove_device(ctx, false),
        (_, ["mfa", step]) => super::mfa_wizard::handle(ctx, post, step),
        _ => Err(ConsoleError::NotFound),
    }
}

fn show(ctx: &Ctx<'_>, problem: Option<String>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let mut body = String::new();
    let status = if problem.is_some() { 400 } else { 200 };
    if let Some(problem) = problem {
        body.push_str(&problem);
    }
    body.push_str(&summary(&caller));
    body.push_str(&password_section(ctx, &caller));
    body.push_str(&mfa_section(ctx, &caller));
    body.push_str(&keys_section(ctx, &caller));
    Ok(Reply::Page(
        Page::new("My security credentials", body).with_status(status),
    ))
}

fn summary(caller: &Caller<'_>) -> String {
    let principal = caller.principal();
    let mut out = format!(
        "<p>Signed in as <code>{}</code>, account <code>{}</code>.</p>",
        esc(principal.arn()),
        esc(&principal.account_id)
    );
    if principal.user.is_some() {
        match caller.call("GetUser", &[]) {
            Ok(got) => {
                let user = got.child("User").cloned().unwrap_or_default();
                out.push_str(&format!(
                    "<p>User created {}; password last used {}.</p>",
                    esc(&when(user.text_of("CreateDate"))),
                    esc(&when(user.text_of("PasswordLastUsed")))
                ));
            }
            Err(err) => out.push_str(&failure("view your user", &err)),
        }
    }
    out
}

fn password_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> String {
    let body = if caller.principal().is_root() {
        "<p>The root user's console password is set by the server's configuration \
         (<code>ironiam serve --root-password</code>).</p>"
            .to_owned()
    } else {
        format!(
            "{}{}{}</form>",
            html::form_open("/console/credentials/password", ctx.csrf()),
            signin::password_fields(),
            html::submit("Change password")
        )
    };
    html::section("password", "Console password", &body)
}

fn mfa_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> String {
    let mut body = String::from(
        "<p>Use a virtual MFA device (an authenticator app) to sign in with a code as well as your password.</p>",
    );
    match caller.call("ListMFADevices", &[]) {
        Ok(listed) => {
            let rows: Vec<Vec<String>> = listed
                .members("MFADevices")
                .map(|d| {
                    let serial = d.text_of("SerialNumber");
                    let name = serial.rsplit('/').next().unwrap_or(serial);
                    vec![
                        cell(name),
                        format!("<code>{}</code>", esc(serial)),
                        esc(&when(d.text_of("EnableDate"))).to_string(),
                        format!(
                            "{}{}",
                            html::action_button(
                                "/console/credentials/mfa/deactivate",
                                ctx.csrf(),
                                &[("serial", serial)],
                                "Deactivate",
                                &format!("Deactivate MFA device {name}"),
                                false,
                            ),
                            html::action_button(
                                "/console/credentials/mfa/remove",
                                ctx.csrf(),
                                &[("serial", serial)],
                                "Remove",
                                &format!("Remove MFA device {name}"),
                                true,
                            )
                        ),
                    ]
                })
                .collect();
            body.push_str(&html::table(
                "Assigned MFA devices",
                &["Device name", "Identifier", "Assigned", "Actions"],
                &rows,
            ));
        }
        Err(err) => body.push_str(&failure("list your MFA devices", &err)),
    }
    body.push_str(&format!(
        "<p>{}</p>",
        html::link("/console/credentials/mfa/new", "Assign MFA device")
    ));
    html::section("mfa", "Multi-factor authentication (MFA)", &body)
}

fn keys_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> String {
    let mut body = String::from(
        "<p>Access keys sign programmatic calls (AWS CLI, SDKs). The secret is shown once, when the key is created.</p>",
    );
    match caller.call("ListAccessKeys", &[]) {
        Ok(listed) => {
            let rows: Vec<Vec<String>> = listed
                .members("AccessKeyMetadata")
                .map(|k| {
                    let id = k.text_of("AccessKeyId");
                    let status = k.text_of("Status");
                    let (flip, flip_label) = if status == "Active" {
                        ("Inactive", "Deactivate")
                    } else {
                        ("Active", "Activate")
                    };
                    vec![
                        format!("<code>{}</code>", esc(id)),
                        cell(status),
                        esc(&when(k.text_of("CreateDate"))).to_string(),
                        format!(
                            "{}{}",
                            html::action_button(
                                "/console/credentials/keys/update",
                                ctx.csrf(),
                                &[("key", id), ("status", flip)],
                                flip_label,
                                &format!("{flip_label} access key {id}"),
                                false,
                            ),
                            html::action_button(
                                "/console/credentials/keys/delete",
                                ctx.csrf(),
                                &[("key", id)],
                                "Delete",
                                &format!("Delete access key {id}"),
                                true,
                            )
                        ),
                    ]
                })
                .collect();
            body.push_str(&html::table(
                "Access keys",
                &["Access key ID", "Status", "Created", "Actions"],
                &rows,
            ));
        }
        Err(err) => body.push_str(&failure("list your access keys", &err)),
    }
    body.push_str(&format!(
        "{}{}</form>",
        html::form_open("/console/credentials/keys/create", ctx.csrf()),
        html::submit("Create access key")
    ));
    html::section("keys", "Access keys", &body)
}

fn password(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    match signin::change_password(ctx) {
        Ok(()) => {
            ctx.flash("Your password was changed.");
            Ok(Reply::Redirect("/console/credentials".to_owned()))
        }
        Err(err) => show(ctx, Some(err.render()?)),
    }
}

fn create_key(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let created = ctx.caller()?.call("CreateAccessKey", &[]);
    match created {
        Ok(node) => Ok(Reply::Page(new_key_page(&node, "/console/credentials"))),
        Err(err) => Ok(after(ctx, Err(err), "", "/console/credentials")),
    }
}

/// The one page that shows a new secret access key.
pub(crate) fn new_key_page(node: &super::super::xml::Node, back: &str) -> Page {
    let key = node.child("AccessKey").cloned().unwrap_or_default();
    let mut body = String::from(
        "<p role=\"status\">The access key was created. This is the only time the secret access key \
         can be viewed or copied; store it safely now.</p>",
    );
    body.push_str(&html::copyable(
        "access-key-id",
        "Access key ID",
        key.text_of("AccessKeyId"),
    ));
    body.push_str(&html::copyable(
        "secret-access-key",
        "Secret access key",
        key.text_of("SecretAccessKey"),
    ));
    body.push_str(&format!("<p>{}</p>", html::link(back, "Done")));
    Page::new("Access key created", body)
}

/// Deactivates one of the caller's devices (DeactivateMFADevice); `delete` also deletes
/// the virtual device (DeleteVirtualMFADevice), which is what AWS's console "Remove"
/// does.
fn remove_device(ctx: &mut Ctx<'_>, delete: bool) -> Result<Reply, ConsoleError> {
    let serial = ctx.f("serial").to_owned();
    let caller = ctx.caller()?;
    let user = caller.user_name().map(str::to_owned);
    let mut params = vec![("SerialNumber", serial.as_str())];
    if let Some(user) = &user {
        params.push(("UserName", user));
    }
    let result = caller
        .call("DeactivateMFADevice", &params)
        .and_then(|node| {
            if delete {
                caller.call("DeleteVirtualMFADevice", &[("SerialNumber", &serial)])
            } else {
                Ok(node)
            }
        });
    drop(caller);
    let done = if delete {
        "The MFA device was removed."
    } else {
        "The MFA device was deactivated; it is no longer asked for at sign-in."
    };
    Ok(after(ctx, result, done, "/console/credentials"))
}
