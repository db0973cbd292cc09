//! Which page answers a path, given where the session is in the sign-in sequence: a
//! session that still owes an MFA code, an enrollment or a new password can reach only
//! that step (and sign-out); everything else waits for a fully signed-in session.

use ironiam_protocol::encoding::percent_decode_lenient;

use super::session::Stage;
use super::{ConsoleError, Ctx, Reply, page, signin};

fn redirect(to: &str) -> Result<Reply, ConsoleError> {
    Ok(Reply::Redirect(to.to_owned()))
}

/// Answers `path` (which starts with `/console`).
pub(crate) fn route(ctx: &mut Ctx<'_>, post: bool, path: &str) -> Result<Reply, ConsoleError> {
    let Some(rest) = path.strip_prefix("/console") else {
        return Err(ConsoleError::NotFound);
    };
    let decoded: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(&percent_decode_lenient(s)).into_owned())
        .collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    if segments.as_slice() == ["signout"] {
        return if post {
            signin::sign_out(ctx)
        } else {
            redirect("/console/")
        };
    }
    match ctx.session.stage.clone() {
        Stage::Anonymous => match segments.as_slice() {
            ["signin"] => signin::user(ctx, post),
            ["signin", "root"] => signin::root(ctx, post),
            _ => redirect("/console/signin"),
        },
        Stage::Mfa => match segments.as_slice() {
            ["signin", "mfa"] => signin::mfa_step(ctx, post),
            _ => redirect("/console/signin/mfa"),
        },
        Stage::Enroll => match segments.as_slice() {
            ["signin", "enroll", step] => page::mfa_wizard::handle(ctx, post, step),
            _ => redirect("/console/signin/enroll/new"),
        },
        Stage::ChangePassword(reason) => match segments.as_slice() {
            ["signin", "password"] => signin::forced_password(ctx, post, reason),
            _ => redirect("/console/signin/password"),
        },
        Stage::Active => match segments.as_slice() {
            [] | ["signin", ..] => redirect("/console/home"),
            ["home"] if !post => page::dashboard::show(ctx),
            ["credentials", rest @ ..] => page::credentials::handle(ctx, post, rest),
            ["users", rest @ ..] => page::users::handle(ctx, post, rest),
            ["groups", rest @ ..] => page::groups::handle(ctx, post, rest),
            ["roles", rest @ ..] => page::roles::handle(ctx, post, rest),
            ["policies", rest @ ..] => page::policies::handle(ctx, post, rest),
            ["account", rest @ ..] => page::account::handle(ctx, post, rest),
            ["compliance"] if !post => page::compliance::show(ctx),
            _ => Err(ConsoleError::NotFound),
        },
    }
}
