//! Signing in: IAM users (account ID or alias, user name, password) and the root user
//! (account, root password) on separate pages, then the steps that may follow, in this
//! order, each decided afresh by [`advance`]:
//!
//! 1. an MFA code, when the signer has an assigned device (any of them);
//! 2. enrolling a device, when the account requires MFA enrollment at first sign-in and
//!    the user has none (then step 1 with the new device);
//! 3. a new password, when an administrator required one or the password expired under
//!    the password policy.
//!
//! A failed sign-in always says the same thing and costs the same Argon2 work whether
//! the account or user exists or not; failures are throttled per submitted user name
//! and per source address. Each attempt is audited as CloudTrail's `ConsoleLogin`.

use std::sync::OnceLock;

use zeroize::Zeroizing;

use ironiam_store::record::{KeyOwner, LoginProfile, PasswordPolicy, Timestamp};
use ironiam_store::secret::PasswordHash;
use ironiam_store::{StoreError, StoreExt};

use super::caller::{CallError, identity, request_id};
use super::html::{self, Page, esc};
use super::session::{PasswordReason, Signer, Stage};
use super::throttle::Subject;
use super::{ConsoleError, Ctx, Reply, denied, mfa};
use crate::audit::AuditRecord;
use crate::http::error::ApiError;
use crate::time::iso8601;

/// AWS's answer to any failed console sign-in.
pub(crate) const BAD_CREDENTIALS: &str =
    "Your authentication information is incorrect. Please try again.";

/// The answer when no Argon2 permit came free in time (HTTP 503).
pub(crate) const BUSY: &str =
    "Too many sign-ins are being checked right now. Wait a moment and try again.";

/// A hash of a random password, verified against when there is no real one, so that
/// unknown accounts and users cost the same Argon2 work as known ones.
fn decoy_hash() -> Option<&'static PasswordHash> {
    static DECOY: OnceLock<Option<PasswordHash>> = OnceLock::new();
    DECOY
        .get_or_init(|| {
            let password = super::session::random_token().ok()?;
            crate::argon::with_memory(|m| {
                PasswordHash::create_in(&password, &mut ironiam_store::id::OsRandom, m)
            })
            .ok()
        })
        .as_ref()
}

/// Verifies `password` against `hash`, or against the decoy when there is none.
fn password_matches(hash: Option<&PasswordHash>, password: &str) -> bool {
    match hash {
        Some(hash) => crate::argon::with_memory(|m| hash.verify_in(password, m)).unwrap_or(false),
        None => {
            if let Some(decoy) = decoy_hash() {
                let _ = crate::argon::with_memory(|m| decoy.verify_in(password, m));
            }
            false
        }
    }
}

/// The account an ID or alias names.
fn find_account(
    ctx: &Ctx<'_>,
    named: &str,
) -> Result<Option<ironiam_store::record::Account>, ConsoleError> {
    let named = named.trim();
    let accounts = ctx
        .state
        .store
        .read(|tx| -> Result<_, ApiError> { Ok(tx.list_accounts()?) })?;
    Ok(accounts
        .into_iter()
        .find(|a| a.id == named || a.alias.as_deref() == Some(named.to_lowercase().as_str())))
}

fn signin_form(ctx: &Ctx<'_>, account: &str, user: &str, error: Option<&str>) -> String {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&html::error_block(error));
    }
    body.push_str("<section class=\"narrow\" aria-label=\"Sign in as an IAM user\">");
    body.push_str(&html::form_open("/console/signin", ctx.csrf()));
    body.push_str(&html::input(
        "account",
        "Account ID (12 digits) or account alias",
        "text",
        "account",
        account,
        "required autocomplete=\"organization\"",
    ));
    body.push_str(&html::input(
        "username",
        "IAM user name",
        "text",
        "username",
        user,
        "required autocomplete=\"username\"",
    ));
    body.push_str(&html::input(
        "password",
        "Password",
        "password",
        "password",
        "",
        "required autocomplete=\"current-password\"",
    ));
    body.push_str(&html::submit("Sign in"));
    body.push_str("</form></section><p>");
    let root = if account.is_empty() {
        "/console/signin/root".to_owned()
    } else {
        format!("/console/signin/root?account={}", html::url_part(account))
    };
    body.push_str(&html::link(&root, "Sign in as the root user"));
    body.push_str("</p>");
    body
}

/// `/console/signin`.
pub(crate) fn user(ctx: &mut Ctx<'_>, post: bool) -> Result<Reply, ConsoleError> {
    if !post {
        let account = ctx.q("account").to_owned();
        let mut body = String::new();
        if ctx.q("signed_out") == "1" {
            body.push_str("<p class=\"flash\" role=\"status\">You signed out.</p>");
        }
        body.push_str(&signin_form(ctx, &account, "", None));
        return Ok(Reply::Page(Page::new("Sign in", body)));
    }
    let account_named = ctx.f("account").trim().to_owned();
    let name = ctx.f("username").trim().to_owned();
    let password = ctx.f("password").to_owned();
    let refuse = |ctx: &Ctx<'_>, status: u16, message: &str| {
        Ok(Reply::Page(
            Page::new(
                "Sign in",
                signin_form(ctx, &account_named, &name, Some(message)),
            )
            .with_status(status),
        ))
    };
    if account_named.is_empty() || name.is_empty() || password.is_empty() {
        return refuse(
            ctx,
            400,
            "Enter your account ID or alias, your user name and your password.",
        );
    }
    let subjects = [
        Subject::user(&account_named, &name),
        Subject::address(&ctx.peer),
    ];
    if let Err(wait) = ctx.state.console.throttle.reserve(&subjects, ctx.now) {
        audit_login(ctx, None, false, "Too many failed attempts");
        return refuse(ctx, 429, &throttled(wait));
    }
    let account = find_account(ctx, &account_named)?;
    let found = match &account {
        Some(account) => ctx.state.store.read(|tx| -> Result<_, ApiError> {
            let user = match tx.get_user(&account.id, &name) {
                Ok(user) => user,
                Err(StoreError::NotFound { .. }) => return Ok(None),
                Err(err) => return Err(err.into()),
            };
            match tx.get_login_profile(&user.id) {
                Ok(profile) => Ok(Some((user, profile))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(err) => Err(err.into()),
            }
        })?,
        None => None,
    };
    let hash = found
        .as_ref()
        .map(|(_, profile)| profile.password_hash.clone());
    let typed = Zeroizing::new(password.clone());
    let Ok(matches) = ctx
        .state
        .argon
        .run(move || password_matches(hash.as_ref(), &typed))
    else {
        ctx.state.console.throttle.refund(&subjects);
        return refuse(ctx, 503, BUSY);
    };
    // A failure was counted when the attempt was reserved.
    let (Some(account), Some((user, profile)), true) = (account, found.clone(), matches) else {
        audit_login(ctx, None, false, "Failed authentication");
        return refuse(ctx, 401, BAD_CREDENTIALS);
    };
    ctx.state.console.throttle.succeeded(&subjects);
    let policy = ctx
        .state
        .store
        .read(|tx| -> Result<_, ApiError> { Ok(tx.get_account(&account.id)?.password_policy) })?;
    if expired(policy.as_ref(), &profile, ctx.now) && policy.as_ref().is_some_and(|p| p.hard_expiry)
    {
        audit_login(ctx, None, false, "Password expired");
        return refuse(
            ctx,
            403,
            "Your password has expired and the account's password policy lets only an administrator reset it. Contact your administrator.",
        );
    }
    // IAM's PasswordLastUsed: when the password last signed in.
    let user_id = user.id.clone();
    let now = ctx.now;
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut stored = tx.get_user_by_id(&user_id)?;
        stored.password_last_used = Some(Timestamp::from_secs(now));
        tx.update_user(&stored)?;
        Ok(())
    })?;
    start(
        ctx,
        Signer {
            account_id: account.id.clone(),
            user: Some((user.id.clone(), user.name.clone())),
            signed_in_at: ctx.now,
        },
    );
    let principal = ctx.principal()?;
    audit_login(ctx, Some(identity(&principal)), true, "");
    advance(ctx)
}

fn root_form(ctx: &Ctx<'_>, account: &str, error: Option<&str>) -> String {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&html::error_block(error));
    }
    body.push_str(
        "<p>The root user can do everything in the account. Use it only for the tasks that need it.</p>",
    );
    body.push_str("<section class=\"narrow\" aria-label=\"Sign in as the root user\">");
    body.push_str(&html::form_open("/console/signin/root", ctx.csrf()));
    body.push_str(&html::input(
        "account",
        "Account ID (12 digits) or account alias",
        "text",
        "account",
        account,
        "required",
    ));
    body.push_str(&html::input(
        "password",
        "Root user password",
        "password",
        "password",
        "",
        "required autocomplete=\"current-password\"",
    ));
    body.push_str(&html::submit("Sign in"));
    body.push_str("</form></section><p>");
    body.push_str(&html::link("/console/signin", "Sign in as an IAM user"));
    body.push_str("</p>");
    body
}

/// `/console/signin/root`.
pub(crate) fn root(ctx: &mut Ctx<'_>, post: bool) -> Result<Reply, ConsoleError> {
    if !post {
        let account = ctx.q("account").to_owned();
        return Ok(Reply::Page(Page::new(
            "Root user sign in",
            root_form(ctx, &account, None),
        )));
    }
    let account_named = ctx.f("account").trim().to_owned();
    let password = ctx.f("password").to_owned();
    let refuse = |ctx: &Ctx<'_>, status: u16, message: &str| {
        Ok(Reply::Page(
            Page::new(
                "Root user sign in",
                root_form(ctx, &account_named, Some(message)),
            )
            .with_status(status),
        ))
    };
    if account_named.is_empty() || password.is_empty() {
        return refuse(
            ctx,
            400,
            "Enter your account ID or alias and the root user password.",
        );
    }
    let subjects = [
        Subject::user(&account_named, "\u{0}root"),
        Subject::address(&ctx.peer),
    ];
    if let Err(wait) = ctx.state.console.throttle.reserve(&subjects, ctx.now) {
        audit_login(ctx, None, false, "Too many failed attempts");
        return refuse(ctx, 429, &throttled(wait));
    }
    let account = find_account(ctx, &account_named)?;
    let hash = account.as_ref().and_then(|a| a.root_password.clone());
    let typed = Zeroizing::new(password.clone());
    let Ok(matches) = ctx
        .state
        .argon
        .run(move || password_matches(hash.as_ref(), &typed))
    else {
        ctx.state.console.throttle.refund(&subjects);
        return refuse(ctx, 503, BUSY);
    };
    let (Some(account), true) = (account.clone(), matches) else {
        audit_login(ctx, None, false, "Failed authentication");
        return refuse(ctx, 401, BAD_CREDENTIALS);
    };
    ctx.state.console.throttle.succeeded(&subjects);
    start(
        ctx,
        Signer {
            account_id: account.id.clone(),
            user: None,
            signed_in_at: ctx.now,
        },
    );
    let principal = ctx.principal()?;
    audit_login(ctx, Some(identity(&principal)), true, "");
    advance(ctx)
}

fn throttled(wait: i64) -> String {
    format!("Too many failed sign-in attempts. Wait {wait} seconds and try again.")
}

/// The password is right: a new session id (no fixation), nothing carried over.
fn start(ctx: &mut Ctx<'_>, signer: Signer) {
    ctx.renew = true;
    ctx.session.signer = Some(signer);
    ctx.session.mfa_at = None;
    ctx.session.pending_device = None;
    ctx.session.flash = None;
}

/// Whether the password is older than the policy's `MaxPasswordAge` at `now`.
pub(crate) fn expired(policy: Option<&PasswordPolicy>, profile: &LoginProfile, now: i64) -> bool {
    let Some(days) = policy.and_then(|p| p.max_password_age) else {
        return false;
    };
    let changed = profile
        .password_changed
        .unwrap_or(profile.create_date)
        .as_secs();
    now >= changed + i64::from(days) * 86_400
}

/// The owner of the signer's devices.
pub(crate) fn owner(signer: &Signer) -> KeyOwner {
    match &signer.user {
        Some((id, _)) => KeyOwner::User(id.clone()),
        None => KeyOwner::Root,
    }
}

/// Moves the session to its next sign-in step (or into the console) and redirects
/// there.
pub(crate) fn advance(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    let Some(signer) = ctx.session.signer.clone() else {
        return Err(ConsoleError::SessionEnded);
    };
    let stage = next_stage(ctx, &signer)?;
    let to = match &stage {
        Stage::Mfa => "/console/signin/mfa",
        Stage::Enroll => "/console/signin/enroll/new",
        Stage::ChangePassword(_) => "/console/signin/password",
        Stage::Active | Stage::Anonymous => "/console/home",
    };
    ctx.session.stage = stage;
    Ok(Reply::Redirect(to.to_owned()))
}

fn next_stage(ctx: &Ctx<'_>, signer: &Signer) -> Result<Stage, ConsoleError> {
    if ctx.session.mfa_at.is_none() {
        let devices = mfa::assigned_devices(ctx.state, &signer.account_id, &owner(signer))?;
        if !devices.is_empty() {
            return Ok(Stage::Mfa);
        }
        if !signer.is_root() && ctx.settings(&signer.account_id)?.require_mfa_enrollment {
            return Ok(Stage::Enroll);
        }
    }
    let Some((user_id, _)) = &signer.user else {
        return Ok(Stage::Active);
    };
    let (profile, policy) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let profile = match tx.get_login_profile(user_id) {
            Ok(profile) => Some(profile),
            Err(StoreError::NotFound { .. }) => None,
            Err(err) => return Err(err.into()),
        };
        Ok((profile, tx.get_account(&signer.account_id)?.password_policy))
    })?;
    let Some(profile) = profile else {
        // The password was deleted since sign-in: nothing to change.
        return Ok(Stage::Active);
    };
    if profile.password_reset_required {
        return Ok(Stage::ChangePassword(PasswordReason::ResetRequired));
    }
    if expired(policy.as_ref(), &profile, ctx.now) {
        return Ok(Stage::ChangePassword(PasswordReason::Expired));
    }
    Ok(Stage::Active)
}

fn mfa_form(ctx: &Ctx<'_>, devices: &[String], error: Option<&str>) -> String {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&html::error_block(error));
    }
    body.push_str(
        "<p>Your account has an MFA device. Enter the code your authenticator app shows now.</p>",
    );
    body.push_str("<section class=\"narrow\" aria-label=\"Multi-factor authentication\">");
    body.push_str(&html::form_open("/console/signin/mfa", ctx.csrf()));
    if devices.len() > 1 {
        let options: Vec<(String, String)> = devices
            .iter()
            .map(|serial| {
                let name = serial.rsplit('/').next().unwrap_or(serial);
                (serial.clone(), name.to_owned())
            })
            .collect();
        body.push_str(&html::select(
            "device",
            "MFA device",
            "device",
            &options,
            "",
        ));
    }
    body.push_str(&html::input(
        "code",
        "MFA code",
        "text",
        "code",
        "",
        "required inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\"",
    ));
    body.push_str(&html::submit("Submit"));
    body.push_str("</form></section>");
    body
}

/// `/console/signin/mfa`: a code from any of the signer's devices.
pub(crate) fn mfa_step(ctx: &mut Ctx<'_>, post: bool) -> Result<Reply, ConsoleError> {
    let Some(signer) = ctx.session.signer.clone() else {
        return Err(ConsoleError::SessionEnded);
    };
    let owner = owner(&signer);
    let devices = mfa::assigned_devices(ctx.state, &signer.account_id, &owner)?;
    if !post {
        return Ok(Reply::Page(Page::new(
            "Multi-factor authentication",
            mfa_form(ctx, &devices, None),
        )));
    }
    let refuse = |ctx: &Ctx<'_>, status: u16, message: &str| {
        Ok(Reply::Page(
            Page::new(
                "Multi-factor authentication",
                mfa_form(ctx, &devices, Some(message)),
            )
            .with_status(status),
        ))
    };
    let name = signer
        .user
        .as_ref()
        .map_or("\u{0}root", |(_, n)| n.as_str());
    let subjects = [
        Subject::user(&signer.account_id, name),
        Subject::address(&ctx.peer),
    ];
    // Reserved atomically with the check, like the password: parallel guesses cannot
    // outrun the count.
    if let Err(wait) = ctx.state.console.throttle.reserve(&subjects, ctx.now) {
        return refuse(ctx, 429, &throttled(wait));
    }
    let chosen = ctx.f("device");
    let serial = if chosen.is_empty() {
        devices.first().cloned()
    } else {
        devices.iter().find(|d| *d == chosen).cloned()
    };
    let code = ctx.f("code").trim().to_owned();
    let verified = match &serial {
        Some(serial) => mfa::verify_code(ctx, &signer.account_id, &owner, serial, &code),
        None => Err(ApiError::AccessDenied("no such MFA device".to_owned())),
    };
    match verified {
        Ok(()) => {
            ctx.state.console.throttle.succeeded(&subjects);
            ctx.renew = true;
            ctx.session.mfa_at = Some(ctx.now);
            advance(ctx)
        }
        Err(ApiError::AccessDenied(message)) => {
            let shown = if message.contains("locked") || message.contains("Try again") {
                message
            } else {
                "The MFA code is not valid. Enter the current code from your device.".to_owned()
            };
            refuse(ctx, 401, &shown)
        }
        Err(other) => {
            ctx.state.console.throttle.refund(&subjects);
            Err(other.into())
        }
    }
}

fn password_form(ctx: &Ctx<'_>, reason: PasswordReason) -> String {
    let why = match reason {
        PasswordReason::ResetRequired => {
            "Your administrator requires you to set a new password before you continue."
        }
        PasswordReason::Expired => {
            "Your password has expired under the account's password policy. Set a new one to continue."
        }
    };
    let mut body = format!("<p>{}</p>", esc(why));
    body.push_str("<section class=\"narrow\" aria-label=\"Change password\">");
    body.push_str(&html::form_open("/console/signin/password", ctx.csrf()));
    body.push_str(&password_fields());
    body.push_str(&html::submit("Change password"));
    body.push_str("</form></section>");
    body
}

/// The three fields of a password change.
pub(crate) fn password_fields() -> String {
    [
        html::input(
            "old-password",
            "Current password",
            "password",
            "old_password",
            "",
            "required autocomplete=\"current-password\"",
        ),
        html::input(
            "new-password",
            "New password",
            "password",
            "new_password",
            "",
            "required autocomplete=\"new-password\"",
        ),
        html::input(
            "confirm-password",
            "Confirm new password",
            "password",
            "confirm_password",
            "",
            "required autocomplete=\"new-password\"",
        ),
    ]
    .concat()
}

/// Runs ChangePassword for the signed-in user from the three fields.
pub(crate) fn change_password(ctx: &Ctx<'_>) -> Result<(), PasswordChangeError> {
    let old = ctx.f("old_password");
    let new = ctx.f("new_password");
    if new != ctx.f("confirm_password") {
        return Err(PasswordChangeError::Mismatch);
    }
    let caller = ctx.caller().map_err(PasswordChangeError::Console)?;
    caller
        .call(
            "ChangePassword",
            &[("OldPassword", old), ("NewPassword", new)],
        )
        .map(|_| ())
        .map_err(PasswordChangeError::Call)
}

/// Why a password change did not happen.
#[derive(Debug)]
pub(crate) enum PasswordChangeError {
    /// The confirmation differs.
    Mismatch,
    /// ChangePassword was denied or failed.
    Call(CallError),
    /// The session is unusable.
    Console(ConsoleError),
}

impl PasswordChangeError {
    /// Markup for the failure.
    pub(crate) fn render(&self) -> Result<String, ConsoleError> {
        match self {
            Self::Mismatch => Ok(html::error_block(
                "The new password and its confirmation do not match.",
            )),
            Self::Call(CallError::Denied(view)) => Ok(denied::render(view)),
            Self::Call(CallError::Failed(err)) => Ok(html::error_block(&err.message())),
            Self::Console(ConsoleError::NotFound) => Err(ConsoleError::NotFound),
            Self::Console(ConsoleError::SessionEnded) => Err(ConsoleError::SessionEnded),
            Self::Console(ConsoleError::Api(err)) => Err(ApiError::internal(err).into()),
        }
    }
}

/// `/console/signin/password`: the forced change.
pub(crate) fn forced_password(
    ctx: &mut Ctx<'_>,
    post: bool,
    reason: PasswordReason,
) -> Result<Reply, ConsoleError> {
    if !post {
        return Ok(Reply::Page(Page::new(
            "Set a new password",
            password_form(ctx, reason),
        )));
    }
    match change_password(ctx) {
        Ok(()) => {
            ctx.flash("Your password was changed.");
            advance(ctx)
        }
        Err(err) => {
            let mut body = err.render()?;
            body.push_str(&password_form(ctx, reason));
            Ok(Reply::Page(
                Page::new("Set a new password", body).with_status(400),
            ))
        }
    }
}

/// `POST /console/signout`.
pub(crate) fn sign_out(ctx: &mut Ctx<'_>) -> Result<Reply, ConsoleError> {
    ctx.end = true;
    Ok(Reply::Redirect("/console/signin?signed_out=1".to_owned()))
}

/// CloudTrail's `ConsoleLogin` record.
fn audit_login(
    ctx: &Ctx<'_>,
    who: Option<crate::audit::UserIdentity>,
    success: bool,
    failure: &str,
) {
    let record = AuditRecord {
        event_version: "1.08",
        event_time: iso8601(ctx.now),
        event_source: "signin.amazonaws.com",
        event_name: "ConsoleLogin".to_owned(),
        aws_region: "us-east-1".to_owned(),
        source_ip_address: ctx.peer.clone(),
        user_agent: ctx.user_agent.clone(),
        user_identity: who,
        request_id: request_id(),
        error_code: None,
        error_message: (!success).then(|| failure.to_owned()),
        decision: "none".to_owned(),
        event_type: "AwsConsoleSignIn",
        recipient_account_id: ctx.state.account_id.clone(),
        evaluations: Vec::new(),
    };
    ctx.state.audit.write(&record);
}
