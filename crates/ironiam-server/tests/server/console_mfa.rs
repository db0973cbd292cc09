//! The console with virtual MFA devices: the MFA sign-in step (any of the user's
//! devices, replay refused, throttled), the session's MFA context reaching the policy
//! engine (seed 000), and the wizard's steps. Codes are pyotp's, recorded in
//! `data/mfa_codes.json` for the fixed clock; none comes from ironiam.

use crate::console::*;
use crate::harness::*;
use crate::mfa::{STEP, known, provision};

const PASSWORD: &str = "Correct-Horse-9";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// A seed 000 user with device `index` enabled (steps STEP-1 and STEP used).
async fn seed_000_user_with_device(h: &Harness, name: &str, index: usize) -> String {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seed-000-force-mfa.json"
    ))
    .unwrap();
    let force = managed_policy(h, &format!("ForceMFA-{name}"), &seed).await;
    console_user(h, name, PASSWORD, false, &[ADMIN, &force]).await;
    let serial = provision(h, index, name);
    let device = known(index);
    let reply = h
        .root(
            "EnableMFADevice",
            &[
                ("UserName", name),
                ("SerialNumber", &serial),
                ("AuthenticationCode1", device.code(STEP - 1)),
                ("AuthenticationCode2", device.code(STEP)),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serial
}

#[tokio::test]
async fn a_user_with_a_device_signs_in_with_a_code_and_gets_mfa_context() {
    let h = console_harness();
    seed_000_user_with_device(&h, "alice", 0).await;
    let device = known(0);
    let mut browser = Browser::new(&h);
    let page = browser.sign_in("alice", PASSWORD).await;
    assert!(
        page.body.contains("<h1>Multi-factor authentication</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<label for=\"code\">MFA code</label>"));
    // Nothing else before the code.
    assert_eq!(
        browser.get("/console/users").await.location.as_deref(),
        Some("/console/signin/mfa")
    );
    // A wrong code, and a replayed one (STEP was used to enable), are refused.
    let page = browser
        .post("/console/signin/mfa", &[("code", &device.wrong())])
        .await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("The MFA code is not valid."));
    let page = browser
        .post("/console/signin/mfa", &[("code", device.code(STEP))])
        .await;
    assert_eq!(page.status, 401, "a used step is never accepted again");
    let before = browser.cookie.clone();
    let page = browser
        .submit("/console/signin/mfa", &[("code", device.code(STEP + 1))])
        .await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);
    assert_ne!(before, browser.cookie, "the id changes once MFA passes");
    assert!(page.body.contains("<span class=\"badge ok\">MFA</span>"));
    // Seed 000's Deny no longer applies: the session carries aws:MultiFactorAuthPresent.
    let page = browser.visit("/console/users").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("href=\"/console/users/alice\""));
    // MFA status column.
    assert!(page.body.contains("<td>Virtual</td>"), "{}", page.body);
    // The same code cannot start another session.
    let mut again = Browser::new(&h);
    again.sign_in("alice", PASSWORD).await;
    let page = again
        .post("/console/signin/mfa", &[("code", device.code(STEP + 1))])
        .await;
    assert_eq!(page.status, 401);
}

#[tokio::test]
async fn any_of_the_users_devices_can_be_used() {
    let h = console_harness();
    seed_000_user_with_device(&h, "bob", 1).await;
    let second = provision(&h, 2, "bob-backup");
    let device = known(2);
    let reply = h
        .root(
            "EnableMFADevice",
            &[
                ("UserName", "bob"),
                ("SerialNumber", &second),
                ("AuthenticationCode1", device.code(STEP - 1)),
                ("AuthenticationCode2", device.code(STEP)),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut browser = Browser::new(&h);
    let page = browser.sign_in("bob", PASSWORD).await;
    assert!(
        page.body
            .contains("<label for=\"device\">MFA device</label>"),
        "{}",
        page.body
    );
    let page = browser
        .submit(
            "/console/signin/mfa",
            &[("device", &second), ("code", device.code(STEP + 1))],
        )
        .await;
    assert!(page.body.contains("IAM dashboard"), "{}", page.body);
}

#[tokio::test]
async fn wrong_codes_are_throttled_per_user() {
    let h = console_harness();
    seed_000_user_with_device(&h, "carol", 3).await;
    let device = known(3);
    let mut browser = Browser::new(&h);
    browser.sign_in("carol", PASSWORD).await;
    let mut throttled = false;
    for _ in 0..8 {
        let page = browser
            .post("/console/signin/mfa", &[("code", &device.wrong())])
            .await;
        if page.status == 429 || page.body.contains("locked") || page.body.contains("Try again") {
            throttled = true;
            break;
        }
        assert_eq!(page.status, 401);
    }
    assert!(throttled, "repeated wrong codes must slow the caller down");
}

#[tokio::test]
async fn the_wizard_keeps_the_seed_server_side_and_cancel_deletes_the_device() {
    let h = console_harness();
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let page = root.visit("/console/credentials/mfa/new").await;
    assert!(page.body.contains("value=\"root-account-mfa-device\""));
    let page = root
        .submit("/console/credentials/mfa/new", &[("name", "root-device")])
        .await;
    assert!(
        page.body
            .contains("alt=\"QR code for MFA device root-device\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("src=\"data:image/png;base64,iVBORw0KGgo")
    );
    // The secret is shown only when asked for.
    assert!(!page.body.contains("id=\"secret-key\""));
    let page = root
        .visit("/console/credentials/mfa/assign?show=secret")
        .await;
    let secret = between(
        &page.body,
        "id=\"secret-key\" type=\"text\" readonly value=\"",
        "\"",
    )
    .unwrap();
    assert!(
        secret.len() >= 32
            && secret
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
        "{secret}"
    );
    // Wrong codes keep the wizard (and the same QR code) on screen.
    let page = root
        .post(
            "/console/credentials/mfa/assign",
            &[("code1", "000000"), ("code2", "000001")],
        )
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.body
            .contains("alt=\"QR code for MFA device root-device\"")
    );
    let reply = h.root("ListVirtualMFADevices", &[]).await;
    assert!(reply.body.contains("mfa/root-device"));
    // Cancel removes the unassigned device.
    let page = root.submit("/console/credentials/mfa/cancel", &[]).await;
    assert!(
        page.body.contains("No MFA device was added."),
        "{}",
        page.body
    );
    let reply = h.root("ListVirtualMFADevices", &[]).await;
    assert!(!reply.body.contains("mfa/root-device"), "{}", reply.body);
}

#[tokio::test]
async fn dashboard_lists_users_without_mfa_and_the_credential_report_downloads() {
    let h = console_harness();
    seed_000_user_with_device(&h, "dana", 4).await;
    console_user(&h, "erik", PASSWORD, false, &[]).await;
    let mut root = Browser::new(&h);
    let page = root.sign_in_root().await;
    assert!(page.body.contains("Users without MFA"), "{}", page.body);
    assert!(page.body.contains("href=\"/console/users/erik\""));
    assert!(!page.body.contains("href=\"/console/users/dana\""));
    assert!(page.body.contains("Add MFA for the root user"));
    let report = root.get("/console/account/credential-report").await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.content_type.unwrap().starts_with("text/csv"));
    assert!(
        report.body.starts_with("user,arn,user_creation_time"),
        "{}",
        report.body
    );
    assert!(report.body.contains("<root_account>"));
    assert!(report.body.contains("\ndana,"));
}
