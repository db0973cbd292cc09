//! The MFA device assignment wizard, as in AWS's console: name the device; scan the QR
//! code (or show the secret key); enter two consecutive codes; done.
//!
//! It runs in two places: under My security credentials, and as the forced enrollment
//! step of sign-in (`/console/signin/enroll`) when the account requires it. Each step
//! is an IAM operation (CreateVirtualMFADevice, EnableMFADevice, DeleteVirtualMFADevice
//! on cancel) authorized with the session's context. The seed and QR code, which IAM
//! returns only once, are kept in the server-side session between the steps.

use super::super::caller::CallError;
use super::super::html::{self, Page, esc};
use super::super::session::{PendingDevice, Stage};
use super::super::xml::base64_decode;
use super::super::{ConsoleError, Ctx, Reply, denied, mfa, signin};
use super::failure;

/// The wizard's URL prefix.
fn base(ctx: &Ctx<'_>) -> &'static str {
    if ctx.session.stage == Stage::Enroll {
        "/console/signin/enroll"
    } else {
        "/console/credentials/mfa"
    }
}

fn steps(current: usize) -> String {
    let names = [
        "Name the device",
        "Set up your authenticator app",
        "Enter two codes",
    ];
    let mut out = String::from("<ol class=\"steps\" aria-label=\"Steps\">");
    for (i, name) in names.iter().enumerate() {
        if i + 1 == current {
            out.push_str(&format!(
                "<li aria-current=\"step\"><strong>{name}</strong></li>"
            ));
        } else {
            out.push_str(&format!("<li>{name}</li>"));
        }
    }
    out.push_str("</ol>");
    out
}

fn intro(ctx: &Ctx<'_>) -> String {
    if ctx.session.stage == Stage::Enroll {
        "<p>Your account requires every user to add an MFA device before using the console. \
         Add one now; then you sign in with a code from it.</p>"
            .to_owned()
    } else {
        String::new()
    }
}

/// `{base}/{step}`.
pub(crate) fn handle(ctx: &mut Ctx<'_>, post: bool, step: &str) -> Result<Reply, ConsoleError> {
    match (post, step) {
        (false, "new") => Ok(name_page(ctx, None)),
        (true, "new") => create(ctx),
        (false, "assign") => assign_page(ctx, None),
        (true, "assign") => enable(ctx),
        (true, "cancel") => cancel(ctx),
        _ => Err(ConsoleError::NotFound),
    }
}

fn name_page(ctx: &Ctx<'_>, error: Option<String>) -> Reply {
    let default_name = ctx
        .session
        .signer
        .as_ref()
        .and_then(|s| s.user.as_ref().map(|(_, name)| name.clone()))
        .unwrap_or_else(|| "root-account-mfa-device".to_owned());
    let mut body = intro(ctx);
    body.push_str(&steps(1));
    if let Some(error) = error {
        body.push_str(&error);
    }
    body.push_str("<section class=\"narrow\" aria-label=\"Name the device\">");
    body.push_str(&html::form_open(&format!("{}/new", base(ctx)), ctx.csrf()));
    body.push_str(&html::input_with_hint(
        "device-name",
        "Device name",
        "text",
        "name",
        &default_name,
        "required maxlength=\"226\"",
        "Letters, digits and + = , . @ - _. Policies that let users manage only their own device \
         (arn:aws:iam::ACCOUNT:mfa/${aws:username}) need the device named after the user.",
    ));
    body.push_str(&html::submit("Next"));
    body.push_str("</form></section>");
    Reply::Page(Page::new("Assign MFA device", body))
}

fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let name = ctx.f("name").trim().to_owned();
    let caller = ctx.caller()?;
    // A device left over from an abandoned run of the wizard is removed first.
    if let Some(old) = ctx.session.pending_device.take() {
        let _ = caller.call("DeleteVirtualMFADevice", &[("SerialNumber", &old.serial)]);
    }
    match caller.call("CreateVirtualMFADevice", &[("VirtualMFADeviceName", &name)]) {
        Ok(created) => {
            let device = created
                .child("VirtualMFADevice")
                .cloned()
                .unwrap_or_default();
            ctx.session.pending_device = Some(PendingDevice {
                serial: device.text_of("SerialNumber").to_owned(),
                // Both are blobs in botocore's model, so base64 on the wire: the
                // seed is the base64 of its base32 text.
                seed: base64_decode(device.text_of("Base32StringSeed"))
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .unwrap_or_default(),
                qr_png_base64: device.text_of("QRCodePNG").to_owned(),
            });
            Ok(Reply::Redirect(format!("{}/assign", base(ctx))))
        }
        Err(CallError::Denied(view)) => {
            let mut error = denied::render(&view);
            if ctx.session.stage == Stage::Enroll {
                error.push_str(
                    "<p>Your policies do not let you add your own MFA device, so the enrollment \
                     your account requires cannot finish. Ask an administrator to allow \
                     <code>iam:CreateVirtualMFADevice</code> and <code>iam:EnableMFADevice</code> \
                     for you, or sign out.</p>",
                );
            }
            let Reply::Page(page) = name_page(ctx, Some(error)) else {
                return Err(ConsoleError::NotFound);
            };
            Ok(Reply::Page(page.with_status(403)))
        }
        Err(err) => {
            let Reply::Page(page) = name_page(ctx, Some(failure("create the device", &err))) else {
                return Err(ConsoleError::NotFound);
            };
            Ok(Reply::Page(page.with_status(400)))
        }
    }
}

fn assign_page(ctx: &Ctx<'_>, error: Option<String>) -> Result<Reply, ConsoleError> {
    let Some(device) = ctx.session.pending_device.clone() else {
        return Ok(Reply::Redirect(format!("{}/new", base(ctx))));
    };
    let base = base(ctx);
    let name = device.serial.rsplit('/').next().unwrap_or(&device.serial);
    let mut body = intro(ctx);
    body.push_str(&steps(2));
    body.push_str(&format!(
        "<section aria-labelledby=\"setup-h\"><h2 id=\"setup-h\">Set up your authenticator app</h2>\
         <p>Install an authenticator app (a TOTP app such as Google Authenticator, Authy or a \
         password manager) and add an account by scanning this QR code.</p>\
         <img class=\"qr\" src=\"data:image/png;base64,{}\" alt=\"QR code for MFA device {}\">",
        esc(&device.qr_png_base64),
        esc(name)
    ));
    if ctx.q("show") == "secret" {
        body.push_str(&html::copyable("secret-key", "Secret key", &device.seed));
        body.push_str(
            "<p class=\"hint\">Type this key into your app if it cannot scan the code. \
                       Keep it secret: anyone with it can generate your codes.</p>",
        );
    } else {
        body.push_str(&format!(
            "<form method=\"get\" action=\"{base}/assign\"><input type=\"hidden\" name=\"show\" value=\"secret\">{}</form>",
            "<button type=\"submit\" class=\"secondary\">Show secret key</button>"
        ));
    }
    body.push_str("</section>");
    body.push_str(&steps(3));
    if let Some(error) = error {
        body.push_str(&error);
    }
    body.push_str("<section class=\"narrow\" aria-labelledby=\"codes-h\"><h2 id=\"codes-h\">Enter two consecutive codes</h2>\
                   <p>Type the code the app shows, wait for it to change (up to 30 seconds), then type the next one.</p>");
    body.push_str(&html::form_open(&format!("{base}/assign"), ctx.csrf()));
    let code_attrs = "required inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\"";
    body.push_str(&html::input(
        "code1",
        "MFA code 1",
        "text",
        "code1",
        "",
        code_attrs,
    ));
    body.push_str(&html::input(
        "code2",
        "MFA code 2",
        "text",
        "code2",
        "",
        code_attrs,
    ));
    body.push_str(&html::submit("Add MFA"));
    body.push_str("</form>");
    body.push_str(&html::action_button(
        &format!("{base}/cancel"),
        ctx.csrf(),
        &[],
        "Cancel",
        "Cancel adding the MFA device",
        false,
    ));
    body.push_str("</section>");
    Ok(Reply::Page(Page::new("Assign MFA device", body)))
}

fn enable(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let Some(device) = ctx.session.pending_device.clone() else {
        return Ok(Reply::Redirect(format!("{}/new", base(ctx))));
    };
    let code1 = ctx.f("code1").trim().to_owned();
    let code2 = ctx.f("code2").trim().to_owned();
    let caller = ctx.caller()?;
    let result = match caller.user_name() {
        Some(user) => caller
            .call(
                "EnableMFADevice",
                &[
                    ("UserName", user),
                    ("SerialNumber", &device.serial),
                    ("AuthenticationCode1", &code1),
                    ("AuthenticationCode2", &code2),
                ],
            )
            .map(|_| ()),
        None => mfa::enable_for_root(
            ctx,
            &caller.principal().account_id,
            &device.serial,
            (&code1, &code2),
        )
        .map_err(CallError::Failed),
    };
    drop(caller);
    match result {
        Ok(()) => {
            ctx.session.pending_device = None;
            if ctx.session.stage == Stage::Enroll {
                ctx.flash("MFA device assigned. Now sign in with a code from it.");
                return signin::advance(ctx);
            }
            ctx.flash("MFA device assigned. Sign out and sign in again with a code to use MFA.");
            Ok(Reply::Redirect("/console/credentials".to_owned()))
        }
        Err(CallError::Denied(view)) => {
            let Reply::Page(page) = assign_page(ctx, Some(denied::render(&view)))? else {
                return Err(ConsoleError::NotFound);
            };
            Ok(Reply::Page(page.with_status(403)))
        }
        Err(err) => {
            let Reply::Page(page) = assign_page(ctx, Some(failure("assign the device", &err)))?
            else {
                return Err(ConsoleError::NotFound);
            };
            Ok(Reply::Page(page.with_status(400)))
        }
    }
}

fn cancel(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    if let Some(device) = ctx.session.pending_device.take() {
        let caller = ctx.caller()?;
        if let Err(err) = caller.call(
            "DeleteVirtualMFADevice",
            &[("SerialNumber", &device.serial)],
        ) {
            ctx.flash_error(format!(
                "The unassigned device {} could not be deleted ({}); it does no harm and an administrator can delete it.",
                device.serial,
                err.code()
            ));
            return Ok(Reply::Redirect(back(ctx)));
        }
    }
    ctx.flash("No MFA device was added.");
    Ok(Reply::Redirect(back(ctx)))
}

fn back(ctx: &Ctx<'_>) -> String {
    if ctx.session.stage == Stage::Enroll {
        "/console/signin/enroll/new".to_owned()
    } else {
        "/console/credentials".to_owned()
    }
}
