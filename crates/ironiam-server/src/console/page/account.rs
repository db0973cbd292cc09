//! Account settings: the password policy, the account alias, ironiam's console setting
//! "require MFA enrollment at first sign-in", and the credential report download.
//!
//! The console setting has no IAM operation (AWS has no such setting). Changing it is
//! authorized as `iam:UpdateAccountPasswordPolicy`, the action that governs the other
//! account-wide sign-in rules, and audited as `UpdateConsoleSettings`; showing it, as
//! `iam:GetAccountPasswordPolicy` (`GetConsoleSettings`); see docs/console.md.

use ironiam_store::StoreExt;
use ironiam_store::record::ConsoleSettings;

use super::super::caller::{CallError, Caller};
use super::super::html::{self, Page, esc};
use super::super::xml::base64_decode;
use super::super::{ConsoleError, Ctx, Reply};
use super::{after, denied_page, failure};
use crate::http::error::ApiError;

/// `/console/account...`.
pub(crate) fn handle(ctx: &mut Ctx<'_>, post: bool, rest: &[&str]) -> Result<Reply, ConsoleError> {
    match (post, rest) {
        (false, []) => show(ctx),
        (true, ["password-policy"]) => update_policy(ctx),
        (true, ["password-policy", "delete"]) => {
            let result = ctx.caller()?.call("DeleteAccountPasswordPolicy", &[]);
            Ok(after(
                ctx,
                result,
                "The password policy was reset to AWS's default.",
                "/console/account",
            ))
        }
        (true, ["alias"]) => {
            let alias = ctx.f("alias").trim().to_owned();
            let result = ctx
                .caller()?
                .call("CreateAccountAlias", &[("AccountAlias", &alias)]);
            Ok(after(
                ctx,
                result,
                &format!("The account alias is now {alias}."),
                "/console/account",
            ))
        }
        (true, ["alias", "delete"]) => {
            let alias = ctx.f("alias").to_owned();
            let result = ctx
                .caller()?
                .call("DeleteAccountAlias", &[("AccountAlias", &alias)]);
            Ok(after(
                ctx,
                result,
                "The account alias was deleted.",
                "/console/account",
            ))
        }
        (true, ["console-settings"]) => update_settings(ctx),
        (false, ["credential-report"]) => credential_report(ctx),
        _ => Err(ConsoleError::NotFound),
    }
}

fn show(ctx: &Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let mut body = String::new();
    body.push_str(&html::section(
        "password-policy",
        "Password policy",
        &policy_section(ctx, &caller),
    ));
    body.push_str(&html::section(
        "alias",
        "Account alias",
        &alias_section(ctx, &caller),
    ));
    body.push_str(&html::section(
        "console-settings",
        "Console sign-in",
        &settings_section(ctx, &caller)?,
    ));
    body.push_str(&html::section(
        "credential-report",
        "Credential report",
        &format!(
            "<p>A CSV of every user and the root user with the state of their passwords, access keys and MFA devices.</p><p>{}</p>",
            html::link("/console/account/credential-report", "Download credential report")
        ),
    ));
    Ok(Reply::Page(Page::new("Account settings", body)))
}

fn policy_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> String {
    let mut out = String::new();
    let current = match caller.call("GetAccountPasswordPolicy", &[]) {
        Ok(got) => {
            out.push_str("<p>The account has a custom password policy.</p>");
            got.child("PasswordPolicy").cloned()
        }
        Err(CallError::Failed(ApiError::NoSuchEntity(_))) => {
            out.push_str("<p>No custom policy: passwords need at least 8 characters and three of uppercase, lowercase, digits and symbols (AWS's default).</p>");
            None
        }
        Err(err) => {
            out.push_str(&failure("view the password policy", &err));
            None
        }
    };
    let p = current.clone().unwrap_or_default();
    let flag = |name: &str| p.text_of(name) == "true";
    out.push_str(&html::form_open(
        "/console/account/password-policy",
        ctx.csrf(),
    ));
    let min = if p.text_of("MinimumPasswordLength").is_empty() {
        "8"
    } else {
        p.text_of("MinimumPasswordLength")
    };
    out.push_str(&html::input(
        "min-length",
        "Minimum password length",
        "number",
        "min_length",
        min,
        "min=\"6\" max=\"128\" required",
    ));
    out.push_str(&html::checkbox(
        "require-upper",
        "Require at least one uppercase letter",
        "upper",
        "on",
        flag("RequireUppercaseCharacters"),
    ));
    out.push_str(&html::checkbox(
        "require-lower",
        "Require at least one lowercase letter",
        "lower",
        "on",
        flag("RequireLowercaseCharacters"),
    ));
    out.push_str(&html::checkbox(
        "require-numbers",
        "Require at least one number",
        "numbers",
        "on",
        flag("RequireNumbers"),
    ));
    out.push_str(&html::checkbox(
        "require-symbols",
        "Require at least one non-alphanumeric character",
        "symbols",
        "on",
        flag("RequireSymbols"),
    ));
    out.push_str(&html::checkbox(
        "allow-change",
        "Allow users to change their own password",
        "allow_change",
        "on",
        flag("AllowUsersToChangePassword"),
    ));
    out.push_str(&html::input(
        "max-age",
        "Password expires after (days, empty for never)",
        "number",
        "max_age",
        p.text_of("MaxPasswordAge"),
        "min=\"1\" max=\"1095\"",
    ));
    out.push_str(&html::input(
        "reuse",
        "Prevent reuse of the last N passwords (empty for no check)",
        "number",
        "reuse",
        p.text_of("PasswordReusePrevention"),
        "min=\"1\" max=\"24\"",
    ));
    out.push_str(&html::checkbox(
        "hard-expiry",
        "Expired passwords can only be reset by an administrator",
        "hard_expiry",
        "on",
        flag("HardExpiry"),
    ));
    out.push_str(&html::submit("Save password policy"));
    out.push_str("</form>");
    if current.is_some() {
        out.push_str(&html::action_button(
            "/console/account/password-policy/delete",
            ctx.csrf(),
            &[],
            "Reset to default",
            "Reset the password policy to AWS's default",
            true,
        ));
    }
    out
}

fn update_policy(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let on = |ctx: &Ctx<'_>, name: &str| if ctx.f(name) == "on" { "true" } else { "false" };
    let mut params: Vec<(&str, String)> = vec![
        (
            "MinimumPasswordLength",
            ctx.f("min_length").trim().to_owned(),
        ),
        ("RequireUppercaseCharacters", on(ctx, "upper").to_owned()),
        ("RequireLowercaseCharacters", on(ctx, "lower").to_owned()),
        ("RequireNumbers", on(ctx, "numbers").to_owned()),
        ("RequireSymbols", on(ctx, "symbols").to_owned()),
        (
            "AllowUsersToChangePassword",
            on(ctx, "allow_change").to_owned(),
        ),
        ("HardExpiry", on(ctx, "hard_expiry").to_owned()),
    ];
    for (field, member) in [
        ("max_age", "MaxPasswordAge"),
        ("reuse", "PasswordReusePrevention"),
    ] {
        let value = ctx.f(field).trim();
        if !value.is_empty() {
            params.push((member, value.to_owned()));
        }
    }
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let result = ctx.caller()?.call("UpdateAccountPasswordPolicy", &borrowed);
    Ok(after(
        ctx,
        result,
        "The password policy was saved.",
        "/console/account",
    ))
}

fn alias_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> String {
    let mut out = String::new();
    match caller.call("ListAccountAliases", &[]) {
        Ok(listed) => match listed.members("AccountAliases").next() {
            Some(alias) => {
                out.push_str(&format!(
                    "<p>IAM users can sign in with the alias <code>{}</code> instead of the account ID.</p>",
                    esc(&alias.text)
                ));
                out.push_str(&html::action_button(
                    "/console/account/alias/delete",
                    ctx.csrf(),
                    &[("alias", &alias.text)],
                    "Delete alias",
                    "Delete the account alias",
                    true,
                ));
            }
            None => out.push_str("<p>The account has no alias.</p>"),
        },
        Err(err) => out.push_str(&failure("view the account alias", &err)),
    }
    out.push_str(&html::form_open("/console/account/alias", ctx.csrf()));
    out.push_str(&html::input(
        "new-alias",
        "Account alias",
        "text",
        "alias",
        "",
        "required maxlength=\"63\"",
    ));
    out.push_str(&html::submit("Set alias"));
    out.push_str("</form>");
    out
}

fn settings_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> Result<String, ConsoleError> {
    // Read like the password policy it sits beside.
    if let Err(err) = caller.authorize_setting("GetAccountPasswordPolicy", "GetConsoleSettings") {
        return Ok(failure("view the console sign-in settings", &err));
    }
    let settings = ctx.settings(&caller.principal().account_id)?;
    let mut out = String::from(
        "<p>Beyond AWS: a user who has no MFA device adds one right after entering their password, \
         before anything else, including a required password change. This avoids the deadlock of a \
         force-MFA policy that denies <code>iam:ChangePassword</code> until MFA sign-in, without \
         weakening any policy; the enrollment itself still needs the user's policies to allow \
         <code>iam:CreateVirtualMFADevice</code> and <code>iam:EnableMFADevice</code>.</p>",
    );
    out.push_str(&html::form_open(
        "/console/account/console-settings",
        ctx.csrf(),
    ));
    out.push_str(&html::checkbox(
        "require-mfa-enrollment",
        "Require MFA enrollment at first sign-in",
        "require_mfa_enrollment",
        "on",
        settings.require_mfa_enrollment,
    ));
    out.push_str(&html::submit("Save console settings"));
    out.push_str("</form>");
    Ok(out)
}

fn update_settings(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    match caller.authorize_setting("UpdateAccountPasswordPolicy", "UpdateConsoleSettings") {
        Ok(()) => {}
        Err(CallError::Denied(view)) => {
            return Ok(denied_page(
                "Account settings",
                &view,
                Some("/console/account"),
            ));
        }
        Err(CallError::Failed(err)) => return Err(err.into()),
    }
    let settings = ConsoleSettings {
        require_mfa_enrollment: ctx.f("require_mfa_enrollment") == "on",
        ..ConsoleSettings::defaults(&caller.principal().account_id)
    };
    drop(caller);
    ctx.state
        .store
        .write(|tx| -> Result<(), ApiError> { Ok(tx.put_console_settings(&settings)?) })?;
    ctx.flash(if settings.require_mfa_enrollment {
        "Users without an MFA device must now add one when they sign in."
    } else {
        "MFA enrollment at sign-in is no longer required."
    });
    Ok(Reply::Redirect("/console/account".to_owned()))
}

/// Generates the report if needed, then downloads it.
fn credential_report(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let got = caller
        .call("GenerateCredentialReport", &[])
        .and_then(|_| caller.call("GetCredentialReport", &[]));
    match got {
        Ok(report) => {
            let Some(csv) = base64_decode(report.text_of("Content")) else {
                return Err(ApiError::internal("credential report content is not base64").into());
            };
            Ok(Reply::Download {
                filename: "credential-report.csv".to_owned(),
                content_type: "text/csv; charset=utf-8",
                body: csv,
            })
        }
        Err(CallError::Denied(view)) => Ok(denied_page(
            "Credential report",
            &view,
            Some("/console/account"),
        )),
        Err(err) => {
            drop(caller);
            Ok(after(ctx, Err(err), "", "/console/account"))
        }
    }
}
