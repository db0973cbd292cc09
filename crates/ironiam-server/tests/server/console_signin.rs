//! Console sign-in: uniform failures, throttling with backoff, the forced password
//! change (and the seed 001 situation), expiry under the password policy, and the
//! "require MFA enrollment" gate.

use std::net::SocketAddr;

use crate::console::*;
use crate::harness::*;

const BAD: &str = "Your authentication information is incorrect. Please try again.";
const PASSWORD: &str = "Correct-Horse-9";
const CHANGE_PASSWORD: &str = "arn:aws:iam::aws:policy/IAMUserChangePassword";

fn error_text(page: &Page) -> String {
    between(
        &page.body,
        "<div class=\"error\" role=\"alert\"><p>",
        "</p>",
    )
    .unwrap_or_default()
    .to_owned()
}

#[tokio::test]
async fn failures_look_the_same_whether_or_not_the_user_exists() {
    let h = console_harness();
    console_user(&h, "alice", PASSWORD, false, &[]).await;
    assert_eq!(
        h.root("CreateUser", &[("UserName", "nopassword")])
            .await
            .status,
        200
    );
    let mut seen = Vec::new();
    for (account, user, password) in [
        (ACCOUNT, "alice", "wrong-password"),
        (ACCOUNT, "nosuchuser", "wrong-password"),
        (ACCOUNT, "nopassword", "wrong-password"),
        ("999999999999", "alice", PASSWORD),
        ("no-such-alias", "alice", PASSWORD),
    ] {
        let mut browser = Browser::new(&h);
        browser.visit("/console/signin").await;
        let page = browser
            .post(
                "/console/signin",
                &[
                    ("account", account),
                    ("username", user),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(page.status, 401, "{user}@{account}");
        assert_eq!(error_text(&page), BAD);
        // The form keeps what was typed, except the password.
        assert!(!page.body.contains(password));
        seen.push((page.status, error_text(&page)));
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
    // The right password signs in, by account ID and by alias.
    let mut browser = Browser::new(&h);
    let page = browser.sign_in("alice", PASSWORD).await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);
    assert!(page.body.contains("Signed in as alice @ 123456789012"));
    assert_eq!(
        h.root("CreateAccountAlias", &[("AccountAlias", "acme")])
            .await
            .status,
        200
    );
    let mut browser = Browser::new(&h);
    browser.visit("/console/signin").await;
    let page = browser
        .submit(
            "/console/signin",
            &[
                ("account", "acme"),
                ("username", "ALICE"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);
    // PasswordLastUsed is recorded.
    let reply = h.root("GetUser", &[("UserName", "alice")]).await;
    assert!(reply.field("PasswordLastUsed").is_some(), "{}", reply.body);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_user_with_backoff() {
    let h = console_harness();
    console_user(&h, "bob", PASSWORD, false, &[]).await;
    let mut browser = Browser::new(&h);
    browser.visit("/console/signin").await;
    let attempt = |password: &'static str| {
        [
            ("account", ACCOUNT),
            ("username", "bob"),
            ("password", password),
        ]
    };
    for _ in 0..5 {
        let page = browser.post("/console/signin", &attempt("nope")).await;
        assert_eq!(page.status, 401);
    }
    // Throttled now, even with the right password; the answer says how long to wait.
    let page = browser.post("/console/signin", &attempt(PASSWORD)).await;
    assert_eq!(page.status, 429);
    assert!(
        error_text(&page).contains("Wait 5 seconds"),
        "{}",
        error_text(&page)
    );
    // The same name that does not exist is throttled the same way.
    h.clock.advance(5);
    let page = browser.post("/console/signin", &attempt("nope")).await;
    assert_eq!(page.status, 401);
    let page = browser.post("/console/signin", &attempt(PASSWORD)).await;
    assert!(
        error_text(&page).contains("Wait 10 seconds"),
        "{}",
        error_text(&page)
    );
    // Another user from another address is not affected.
    console_user(&h, "carol", PASSWORD, false, &[]).await;
    let mut other = Browser::new(&h);
    other.peer = SocketAddr::from(([198, 51, 100, 7], 40000));
    assert!(
        other
            .sign_in("carol", PASSWORD)
            .await
            .body
            .contains("IAM dashboard")
    );
    // After the wait, the right password works and clears the count.
    h.clock.advance(10);
    let page = browser.submit("/console/signin", &attempt(PASSWORD)).await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_source_address() {
    let h = console_harness();
    console_user(&h, "dave", PASSWORD, false, &[]).await;
    let mut browser = Browser::new(&h);
    browser.visit("/console/signin").await;
    for i in 0..20 {
        let name = format!("guess{i}");
        let page = browser
            .post(
                "/console/signin",
                &[("account", ACCOUNT), ("username", &name), ("password", "x")],
            )
            .await;
        assert_eq!(page.status, 401, "{i}");
    }
    let page = browser
        .post(
            "/console/signin",
            &[
                ("account", ACCOUNT),
                ("username", "dave"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 429);
    // Root sign-in from that address waits too.
    browser.visit("/console/signin/root").await;
    let page = browser
        .post(
            "/console/signin/root",
            &[("account", ACCOUNT), ("password", ROOT_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 429);
}

#[tokio::test]
async fn a_required_password_change_comes_before_anything_else() {
    let h = console_harness();
    console_user(&h, "erin", PASSWORD, true, &[CHANGE_PASSWORD]).await;
    let mut browser = Browser::new(&h);
    let page = browser.sign_in("erin", PASSWORD).await;
    assert!(
        page.body.contains("<h1>Set a new password</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Your administrator requires"));
    // Nothing else is reachable until it is done.
    let page = browser.get("/console/users").await;
    assert_eq!(page.location.as_deref(), Some("/console/signin/password"));
    // The confirmation must match.
    browser.visit("/console/signin/password").await;
    let page = browser
        .post(
            "/console/signin/password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "New-Passw0rd-1"),
                ("confirm_password", "other"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("do not match"));
    let page = browser
        .submit(
            "/console/signin/password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "New-Passw0rd-1"),
                ("confirm_password", "New-Passw0rd-1"),
            ],
        )
        .await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);
    assert!(page.body.contains("Your password was changed."));
    let reply = h.root("GetLoginProfile", &[("UserName", "erin")]).await;
    assert_eq!(reply.field("PasswordResetRequired"), Some("false"));
    // The new password signs in, straight to the console.
    let mut again = Browser::new(&h);
    assert!(
        again
            .sign_in("erin", "New-Passw0rd-1")
            .await
            .body
            .contains("IAM dashboard")
    );
}

/// Seed 003's Force_MFA policy (AWS's "manage own credentials with MFA" example): its
/// Deny spares only the MFA actions and GetUser, so `iam:ChangePassword` is denied
/// until MFA sign-in.
pub const FORCE_MFA: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowViewAccountInfo", "Effect": "Allow",
     "Action": ["iam:GetAccountPasswordPolicy", "iam:GetAccountSummary", "iam:ListVirtualMFADevices"],
     "Resource": "*"},
    {"Sid": "AllowManageOwnPasswords", "Effect": "Allow",
     "Action": ["iam:ChangePassword", "iam:GetUser"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"},
    {"Sid": "AllowManageOwnAccessKeys", "Effect": "Allow",
     "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"},
    {"Sid": "AllowManageOwnVirtualMFADevice", "Effect": "Allow",
     "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
     "Resource": "arn:aws:iam::*:mfa/${aws:username}"},
    {"Sid": "AllowManageOwnUserMFA", "Effect": "Allow",
     "Action": ["iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"},
    {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny",
     "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
                   "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
     "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
}"#;

#[tokio::test]
async fn the_seed_001_situation_explains_why_the_password_cannot_be_changed() {
    let h = console_harness();
    let force = managed_policy(&h, "Force_MFA", FORCE_MFA).await;
    console_user(&h, "frank", PASSWORD, true, &[&force, CHANGE_PASSWORD]).await;
    let mut browser = Browser::new(&h);
    browser.sign_in("frank", PASSWORD).await;
    let page = browser
        .post(
            "/console/signin/password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "New-Passw0rd-1"),
                ("confirm_password", "New-Passw0rd-1"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    let body = &page.body;
    assert!(body.contains("Access denied"), "{body}");
    assert!(body.contains("<code>iam:ChangePassword</code>"));
    assert!(body.contains("arn:aws:iam::123456789012:user/frank"));
    assert!(body.contains("Decision: explicit deny."));
    assert!(body.contains("Deny Sid DenyAllExceptListedIfNoMFA"));
    assert!(body.contains("managed policy Force_MFA"));
    assert!(body.contains("<code>aws:MultiFactorAuthPresent</code> = <code>false</code>"));
    assert!(body.contains("Why you cannot change your password yet"));
    assert!(body.contains("Require MFA enrollment at first sign-in"));
    // Nothing changed.
    let reply = h.root("GetLoginProfile", &[("UserName", "frank")]).await;
    assert_eq!(reply.field("PasswordResetRequired"), Some("true"));

    // Without IAMUserChangePassword and without the Deny: an implicit deny, explained.
    console_user(&h, "gina", PASSWORD, true, &[]).await;
    let mut browser = Browser::new(&h);
    browser.sign_in("gina", PASSWORD).await;
    let page = browser
        .post(
            "/console/signin/password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "New-Passw0rd-1"),
                ("confirm_password", "New-Passw0rd-1"),
            ],
        )
        .await;
    assert!(
        page.body.contains("Decision: implicit deny."),
        "{}",
        page.body
    );
    assert!(page.body.contains("IAMUserChangePassword"));
}

#[tokio::test]
async fn an_expired_password_must_be_changed_and_hard_expiry_refuses_sign_in() {
    let h = console_harness();
    let reply = h
        .root(
            "UpdateAccountPasswordPolicy",
            &[
                ("MaxPasswordAge", "1"),
                ("AllowUsersToChangePassword", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    console_user(&h, "hank", PASSWORD, false, &[]).await;
    h.clock.advance(2 * 86_400);
    let mut browser = Browser::new(&h);
    let page = browser.sign_in("hank", PASSWORD).await;
    assert!(page.body.contains("has expired"), "{}", page.body);
    // AllowUsersToChangePassword grants the change.
    let page = browser
        .submit(
            "/console/signin/password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "Fresh-Passw0rd-2"),
                ("confirm_password", "Fresh-Passw0rd-2"),
            ],
        )
        .await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);

    let reply = h
        .root(
            "UpdateAccountPasswordPolicy",
            &[("MaxPasswordAge", "1"), ("HardExpiry", "true")],
        )
        .await;
    assert_eq!(reply.status, 200);
    h.clock.advance(2 * 86_400);
    let mut browser = Browser::new(&h);
    browser.visit("/console/signin").await;
    let page = browser
        .post(
            "/console/signin",
            &[
                ("account", ACCOUNT),
                ("username", "hank"),
                ("password", "Fresh-Passw0rd-2"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("only an administrator"));
}

#[tokio::test]
async fn required_mfa_enrollment_gates_users_without_a_device() {
    let h = console_harness();
    console_user(&h, "ivy", PASSWORD, true, &[CHANGE_PASSWORD]).await;
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let page = root.visit("/console/account").await;
    assert!(
        page.body
            .contains("Require MFA enrollment at first sign-in")
    );
    let page = root
        .submit(
            "/console/account/console-settings",
            &[("require_mfa_enrollment", "on")],
        )
        .await;
    assert!(page.body.contains("must now add one"), "{}", page.body);
    assert!(page.body.contains("id=\"require-mfa-enrollment\" type=\"checkbox\" name=\"require_mfa_enrollment\" value=\"on\" checked"));
    // The user enrolls first, before the required password change.
    let mut browser = Browser::new(&h);
    let page = browser.sign_in("ivy", PASSWORD).await;
    assert!(
        page.body.contains("<h1>Assign MFA device</h1>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("requires every user to add an MFA device")
    );
    assert!(
        page.body.contains("value=\"ivy\""),
        "the device is named after the user"
    );
    for path in [
        "/console/home",
        "/console/signin/password",
        "/console/credentials",
    ] {
        assert_eq!(
            browser.get(path).await.location.as_deref(),
            Some("/console/signin/enroll/new"),
            "{path}"
        );
    }
    // The root user is not gated.
    let mut again = Browser::new(&h);
    assert!(again.sign_in_root().await.body.contains("IAM dashboard"));
}

#[tokio::test]
async fn changing_the_console_setting_needs_the_password_policy_permission() {
    let h = console_harness();
    console_user(
        &h,
        "jack",
        PASSWORD,
        false,
        &["arn:aws:iam::aws:policy/IAMReadOnlyAccess"],
    )
    .await;
    let mut browser = Browser::new(&h);
    browser.sign_in("jack", PASSWORD).await;
    browser.visit("/console/account").await;
    let page = browser
        .post(
            "/console/account/console-settings",
            &[("require_mfa_enrollment", "on")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.body
            .contains("<code>iam:UpdateAccountPasswordPolicy</code>"),
        "{}",
        page.body
    );
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let page = root.visit("/console/account").await;
    assert!(
        !page
            .body
            .contains("value=\"on\" checked><label for=\"require-mfa-enrollment\"")
    );
}

#[tokio::test]
async fn the_console_setting_is_shown_only_to_who_may_read_the_password_policy() {
    let h = console_harness();
    console_user(&h, "kim", PASSWORD, false, &[]).await;
    let mut browser = Browser::new(&h);
    browser.sign_in("kim", PASSWORD).await;
    let page = browser.visit("/console/account").await;
    assert!(
        page.body
            .contains("You don't have permission to view the console sign-in settings"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<code>iam:GetAccountPasswordPolicy</code>")
    );
    assert!(!page.body.contains("id=\"require-mfa-enrollment\""));
}
