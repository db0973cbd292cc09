//! Console pages are authorized like the API, with the session's context: denials name
//! the action, the resource and the deciding statement; everything shown is escaped;
//! actions go through the same operations (users, policies with line-located errors).

use crate::console::*;
use crate::console_signin::FORCE_MFA;
use crate::harness::*;

const PASSWORD: &str = "Correct-Horse-9";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

#[tokio::test]
async fn a_user_without_policies_is_denied_with_the_action_resource_and_reason() {
    let h = console_harness();
    console_user(&h, "nobody", PASSWORD, false, &[]).await;
    let mut browser = Browser::new(&h);
    browser.sign_in("nobody", PASSWORD).await;
    let page = browser.visit("/console/users").await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("<code>iam:ListUsers</code>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<code>arn:aws:iam::123456789012:user/</code>")
    );
    assert!(page.body.contains("Decision: implicit deny."));
    // Denied form posts change nothing.
    browser.visit("/console/groups").await;
    let page = browser
        .post("/console/groups/new", &[("name", "sneaky")])
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("<code>iam:CreateGroup</code>"));
    assert_eq!(
        h.root("GetGroup", &[("GroupName", "sneaky")]).await.code(),
        Some("NoSuchEntity")
    );
}

#[tokio::test]
async fn seed_000s_deny_applies_to_a_console_session_without_mfa() {
    let h = console_harness();
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seed-000-force-mfa.json"
    ))
    .unwrap();
    let force = managed_policy(&h, "ForceMFA", &seed).await;
    console_user(&h, "alice", PASSWORD, false, &[ADMIN, &force]).await;
    let mut browser = Browser::new(&h);
    let dashboard = browser.sign_in("alice", PASSWORD).await;
    assert!(dashboard.body.contains("no MFA"));
    // The dashboard's sections that need more than the seed allows say so.
    assert!(
        dashboard
            .body
            .contains("You don't have permission to view the account summary"),
        "{}",
        dashboard.body
    );
    let page = browser.visit("/console/users").await;
    assert_eq!(page.status, 403);
    let body = &page.body;
    assert!(body.contains("Decision: explicit deny."), "{body}");
    assert!(body.contains("Deny Sid DenyAllExceptListedIfNoMFA"));
    assert!(body.contains("managed policy ForceMFA"));
    assert!(
        body.contains("&quot;BoolIfExists&quot;"),
        "the statement's text is shown"
    );
    assert!(body.contains("<code>aws:MultiFactorAuthPresent</code> = <code>false</code>"));
    assert!(body.contains("Sign in with MFA"));
    // GetUser is spared by the seed: the user can see their own credentials page.
    let page = browser.visit("/console/credentials").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("You don't have permission to list your access keys"),
        "{}",
        page.body
    );
    // The root user is not bound by identity policies.
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let page = root.visit("/console/users").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("href=\"/console/users/alice\""));
}

#[tokio::test]
async fn seed_003s_group_denies_group_memberships_before_mfa() {
    let h = console_harness();
    let force = managed_policy(&h, "Force_MFA", FORCE_MFA).await;
    assert_eq!(
        h.root("CreateGroup", &[("GroupName", "EC2MFA")])
            .await
            .status,
        200
    );
    for arn in [
        "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
        force.as_str(),
    ] {
        let reply = h
            .root(
                "AttachGroupPolicy",
                &[("GroupName", "EC2MFA"), ("PolicyArn", arn)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    console_user(&h, "MFAUser", PASSWORD, false, &[]).await;
    assert_eq!(
        h.root(
            "AddUserToGroup",
            &[("GroupName", "EC2MFA"), ("UserName", "MFAUser")]
        )
        .await
        .status,
        200
    );
    let mut browser = Browser::new(&h);
    browser.sign_in("MFAUser", PASSWORD).await;
    let page = browser.visit("/console/users/MFAUser").await;
    assert_eq!(
        page.status, 200,
        "GetUser on oneself is spared: {}",
        page.body
    );
    assert!(
        page.body
            .contains("You don't have permission to see this user&#39;s group memberships"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<code>iam:ListGroupsForUser</code>"));
}

#[tokio::test]
async fn everything_shown_is_escaped() {
    let h = console_harness();
    let evil = "<script>alert('x')</script>";
    let reply = h
        .root(
            "CreatePolicy",
            &[
                ("PolicyName", "Evil"),
                ("Description", evil),
                (
                    "PolicyDocument",
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:username":"<img src=x onerror=alert(1)>"}}}]}"#,
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let arn = reply.field("Arn").unwrap().to_owned();
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let page = root
        .visit(&format!(
            "/console/policies/view?arn={}",
            ironiam_protocol::encoding::form_encode(&arn)
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(!page.body.contains("<img src=x"));
    assert!(
        page.body
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
    );
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Query parameters reflected in a page are escaped too.
    let page = root.visit("/console/policies/view?arn=%3Cscript%3E").await;
    assert!(!page.body.contains("<script>"));
}

#[tokio::test]
async fn creating_a_user_with_console_access_as_the_console_does() {
    let h = console_harness();
    assert_eq!(
        h.root("CreateGroup", &[("GroupName", "Admins")])
            .await
            .status,
        200
    );
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let page = root.visit("/console/users/new").await;
    assert!(
        page.body
            .contains("<label for=\"user-name\">User name</label>")
    );
    let page = root
        .post(
            "/console/users/new",
            &[
                ("name", "newbie"),
                ("console", "on"),
                ("password_mode", "auto"),
                ("must_change", "on"),
                ("group", "Admins"),
                ("policy", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Created user newbie."));
    assert!(page.body.contains("Attached IAMUserChangePassword"));
    assert!(page.body.contains("Added to group Admins."));
    let password = between(
        &page.body,
        "id=\"new-user-password\" type=\"text\" readonly value=\"",
        "\"",
    )
    .unwrap()
    .replace("&amp;", "&")
    .replace("&#39;", "'")
    .replace("&quot;", "\"")
    .replace("&lt;", "<")
    .replace("&gt;", ">");
    assert!(password.len() >= 20);
    let reply = h.root("GetLoginProfile", &[("UserName", "newbie")]).await;
    assert_eq!(reply.field("PasswordResetRequired"), Some("true"));
    let reply = h
        .root("ListAttachedUserPolicies", &[("UserName", "newbie")])
        .await;
    assert!(reply.body.contains("IAMUserChangePassword"));
    assert!(reply.body.contains("IAMReadOnlyAccess"));
    // The user signs in with the generated password and must change it.
    let mut user = Browser::new(&h);
    let page = user.sign_in("newbie", &password).await;
    assert!(
        page.body.contains("<h1>Set a new password</h1>"),
        "{}",
        page.body
    );
    // The users list shows the new user with console access.
    let page = root.visit("/console/users").await;
    assert!(page.body.contains("Enabled"), "{}", page.body);
}

#[tokio::test]
async fn policy_documents_are_validated_by_the_engine_and_errors_shown_at_their_line() {
    let h = console_harness();
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    root.visit("/console/policies/new").await;
    let document = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"iam:GetUser\", \"Resource\": \"*\", \"Bogus\": 1}\n  ]\n}";
    let page = root
        .post(
            "/console/policies/new",
            &[("name", "Broken"), ("document", document)],
        )
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.body.contains("<strong>Line 4, column"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<li class=\"bad\" aria-current=\"true\" title=\"line 4\">")
    );
    // The document is kept for fixing.
    assert!(page.body.contains("&quot;Bogus&quot;: 1"));
    assert!(
        !h.root("ListPolicies", &[("Scope", "Local")])
            .await
            .body
            .contains("Broken")
    );
    // A valid one is created, then edited into a second default version.
    let fixed = document.replace(", \"Bogus\": 1", "");
    let page = root
        .submit(
            "/console/policies/new",
            &[("name", "Fixed"), ("document", &fixed)],
        )
        .await;
    assert!(
        page.body.contains("Policy Fixed was created."),
        "{}",
        page.body
    );
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/Fixed");
    let edited = fixed.replace("iam:GetUser", "iam:ListUsers");
    let page = root
        .submit(
            "/console/policies/edit",
            &[("arn", &arn), ("document", &edited)],
        )
        .await;
    assert!(
        page.body.contains("A new default version was saved."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Policy document (version v2)"));
    let reply = h.root("GetPolicy", &[("PolicyArn", &arn)]).await;
    assert_eq!(reply.field("DefaultVersionId"), Some("v2"));
}
