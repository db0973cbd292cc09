//! STS on the IAM endpoint: GetSessionToken, AssumeRole, GetCallerIdentity,
//! GetAccessKeyInfo, and calls made with the temporary credentials they issue.

use axum::body::Body;
use axum::http::Request;
use ironiam_server::clock::Clock;

use crate::harness::*;

/// Temporary (or long-term, without a token) credentials.
#[derive(Clone)]
pub struct Creds {
    pub id: String,
    pub secret: String,
    pub token: Option<String>,
}

pub fn root_creds() -> Creds {
    Creds {
        id: ROOT_ID.to_owned(),
        secret: ROOT_SECRET.to_owned(),
        token: None,
    }
}

fn signed_for(service: &str, body: &str, creds: &Creds, time: i64) -> Request<Body> {
    signed_with(
        service,
        body,
        &creds.id,
        &creds.secret,
        creds.token.as_deref(),
        time,
    )
}

pub async fn sts(h: &Harness, creds: &Creds, action: &str, params: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Action", action), ("Version", "2011-06-15")];
    all.extend_from_slice(params);
    let now = h.clock.now().as_secs();
    h.send(signed_for("sts", &form(&all), creds, now)).await
}

pub async fn iam(h: &Harness, creds: &Creds, action: &str, params: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Action", action), ("Version", "2010-05-08")];
    all.extend_from_slice(params);
    let now = h.clock.now().as_secs();
    h.send(signed_for("iam", &form(&all), creds, now)).await
}

pub fn issued(reply: &Reply) -> Creds {
    assert_eq!(reply.status, 200, "{}", reply.body);
    Creds {
        id: reply.field("AccessKeyId").unwrap().to_owned(),
        secret: reply.field("SecretAccessKey").unwrap().to_owned(),
        token: Some(reply.field("SessionToken").unwrap().to_owned()),
    }
}

pub async fn user(h: &Harness, name: &str, policy: Option<&str>) -> Creds {
    let (id, secret) = h.user_with_key(name).await;
    if let Some(policy) = policy {
        let put = h
            .root(
                "PutUserPolicy",
                &[
                    ("UserName", name),
                    ("PolicyName", "p"),
                    ("PolicyDocument", policy),
                ],
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.body);
    }
    Creds {
        id,
        secret,
        token: None,
    }
}

pub async fn role(h: &Harness, name: &str, trust: &str, policy: &str, max: &str) -> String {
    let created = h
        .root(
            "CreateRole",
            &[
                ("RoleName", name),
                ("AssumeRolePolicyDocument", trust),
                ("MaxSessionDuration", max),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let put = h
        .root(
            "PutRolePolicy",
            &[
                ("RoleName", name),
                ("PolicyName", "p"),
                ("PolicyDocument", policy),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    created.field("Arn").unwrap().to_owned()
}

pub const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
pub const ALLOW_ASSUME: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;

pub fn trust(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

#[tokio::test]
async fn get_caller_identity_is_never_denied_and_names_the_caller() {
    let h = harness();
    let root = sts(&h, &root_creds(), "GetCallerIdentity", &[]).await;
    assert_eq!(root.status, 200, "{}", root.body);
    assert!(root.body.starts_with(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    ));
    assert_eq!(root.field("Arn"), Some("arn:aws:iam::123456789012:root"));
    assert_eq!(root.field("UserId"), Some(ACCOUNT));
    assert_eq!(root.field("Account"), Some(ACCOUNT));
    // A user with no policy at all, or one that denies everything.
    let deny_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    let alice = user(&h, "alice", Some(deny_all)).await;
    let me = sts(&h, &alice, "GetCallerIdentity", &[]).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(
        me.field("Arn"),
        Some("arn:aws:iam::123456789012:user/alice")
    );
    assert!(me.field("UserId").unwrap().starts_with("AIDA"));
}

#[tokio::test]
async fn session_tokens_carry_their_limits_and_expire() {
    let h = harness();
    let alice = user(&h, "alice", Some(ALLOW_ALL)).await;
    let reply = sts(&h, &alice, "GetSessionToken", &[]).await;
    let session = issued(&reply);
    assert!(session.id.starts_with("ASIA") && session.id.len() == 20);
    assert_eq!(
        reply.field("Expiration"),
        Some("2023-11-15T10:13:20Z"),
        "NOW + 43200 s"
    );

    // The session is alice, without MFA.
    let me = sts(&h, &session, "GetCallerIdentity", &[]).await;
    assert_eq!(
        me.field("Arn"),
        Some("arn:aws:iam::123456789012:user/alice")
    );
    // No IAM call without MFA, answered as AWS answers it.
    let listed = iam(&h, &session, "ListUsers", &[]).await;
    assert_eq!(
        (listed.status, listed.code()),
        (403, Some("InvalidClientTokenId"))
    );
    assert_eq!(
        listed.message(),
        Some("The security token included in the request is invalid.")
    );
    // In STS, only AssumeRole and GetCallerIdentity.
    let again = sts(&h, &session, "GetSessionToken", &[]).await;
    assert_eq!((again.status, again.code()), (403, Some("AccessDenied")));
    assert_eq!(
        again.message(),
        Some("Cannot call GetSessionToken with session credentials")
    );
    let info = sts(
        &h,
        &session,
        "GetAccessKeyInfo",
        &[("AccessKeyId", &alice.id)],
    )
    .await;
    assert_eq!(info.code(), Some("AccessDenied"), "{}", info.body);

    // A token that does not belong to the key, or none at all.
    let mut other = session.clone();
    other.token = Some(
        issued(&sts(&h, &alice, "GetSessionToken", &[]).await)
            .token
            .unwrap(),
    );
    let wrong = sts(&h, &other, "GetCallerIdentity", &[]).await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (403, Some("InvalidClientTokenId"))
    );
    let mut bare = session.clone();
    bare.token = None;
    let missing = sts(&h, &bare, "GetCallerIdentity", &[]).await;
    assert_eq!(missing.code(), Some("InvalidClientTokenId"));

    // At its expiration, the session ends.
    h.clock.advance(43_200);
    let expired = sts(&h, &session, "GetCallerIdentity", &[]).await;
    assert_eq!(
        (expired.status, expired.code()),
        (403, Some("ExpiredToken"))
    );
    assert_eq!(
        expired.message(),
        Some("The security token included in the request is expired")
    );
}

#[tokio::test]
async fn session_token_durations_follow_aws() {
    let h = harness();
    // Root sessions are held to one hour.
    let root = sts(
        &h,
        &root_creds(),
        "GetSessionToken",
        &[("DurationSeconds", "7200")],
    )
    .await;
    assert_eq!(
        root.field("Expiration"),
        Some("2023-11-14T23:13:20Z"),
        "{}",
        root.body
    );
    let alice = user(&h, "alice", None).await;
    let short = sts(&h, &alice, "GetSessionToken", &[("DurationSeconds", "900")]).await;
    assert_eq!(short.field("Expiration"), Some("2023-11-14T22:28:20Z"));
    for bad in ["899", "129601"] {
        let reply = sts(&h, &alice, "GetSessionToken", &[("DurationSeconds", bad)]).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, Some("ValidationError")),
            "{bad}"
        );
    }
    let half = sts(
        &h,
        &alice,
        "GetSessionToken",
        &[("SerialNumber", "arn:aws:iam::123456789012:mfa/alice")],
    )
    .await;
    assert_eq!(
        (half.status, half.code()),
        (400, Some("ValidationError")),
        "{}",
        half.body
    );
}

#[tokio::test]
async fn get_access_key_info_names_the_account() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let info = sts(
        &h,
        &root_creds(),
        "GetAccessKeyInfo",
        &[("AccessKeyId", &alice.id)],
    )
    .await;
    assert_eq!(info.field("Account"), Some(ACCOUNT), "{}", info.body);
    let session = issued(&sts(&h, &alice, "GetSessionToken", &[]).await);
    let info = sts(
        &h,
        &root_creds(),
        "GetAccessKeyInfo",
        &[("AccessKeyId", &session.id)],
    )
    .await;
    assert_eq!(info.field("Account"), Some(ACCOUNT), "{}", info.body);
    let unknown = sts(
        &h,
        &root_creds(),
        "GetAccessKeyInfo",
        &[("AccessKeyId", "AKIAAAAAAAAAAAAAAAAA")],
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (400, Some("InvalidParameterValue"))
    );
    // A user needs sts:GetAccessKeyInfo.
    let denied = sts(
        &h,
        &alice,
        "GetAccessKeyInfo",
        &[("AccessKeyId", &alice.id)],
    )
    .await;
    assert_eq!(denied.code(), Some("AccessDenied"));
    assert_eq!(
        denied.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetAccessKeyInfo on resource: * because no identity-based policy allows the sts:GetAccessKeyInfo action"
        )
    );
}

#[tokio::test]
async fn assume_role_combines_identity_and_trust_policies() {
    let h = harness();
    let account_trust = trust("arn:aws:iam::123456789012:root", "");
    let arn = role(&h, "Admin", &account_trust, ALLOW_ALL, "7200").await;
    let allowed = user(&h, "alice", Some(ALLOW_ASSUME)).await;
    let stranger = user(&h, "bob", None).await;

    // Trusting the account delegates to identity policies: bob has none.
    let denied = sts(
        &h,
        &stranger,
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "s1")],
    )
    .await;
    assert_eq!((denied.status, denied.code()), (403, Some("AccessDenied")));
    assert_eq!(
        denied.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin because no identity-based policy allows the sts:AssumeRole action"
        )
    );

    let reply = sts(
        &h,
        &allowed,
        "AssumeRole",
        &[
            ("RoleArn", &arn),
            ("RoleSessionName", "ops-1"),
            ("DurationSeconds", "7200"),
        ],
    )
    .await;
    let session = issued(&reply);
    assert_eq!(reply.field("Expiration"), Some("2023-11-15T00:13:20Z"));
    assert_eq!(
        reply.field("Arn"),
        Some("arn:aws:sts::123456789012:assumed-role/Admin/ops-1")
    );
    let role_id = reply.field("AssumedRoleId").unwrap().to_owned();
    assert!(role_id.starts_with("AROA") && role_id.ends_with(":ops-1"));
    assert!(reply.field("PackedPolicySize").is_none());

    let me = sts(&h, &session, "GetCallerIdentity", &[]).await;
    assert_eq!(me.field("UserId"), Some(role_id.as_str()));
    assert_eq!(
        me.field("Arn"),
        Some("arn:aws:sts::123456789012:assumed-role/Admin/ops-1")
    );
    // The session acts with the role's permissions.
    let listed = iam(&h, &session, "ListUsers", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    // A role session has no access keys of its own.
    let keys = iam(&h, &session, "ListAccessKeys", &[]).await;
    assert_eq!(keys.code(), Some("ValidationError"), "{}", keys.body);
    // RoleLastUsed is recorded.
    let got = h.root("GetRole", &[("RoleName", "Admin")]).await;
    assert_eq!(got.field("Region"), Some("us-east-1"), "{}", got.body);

    // Chaining is held to one hour; the role's MaxSessionDuration holds too.
    let chained = sts(
        &h,
        &session,
        "AssumeRole",
        &[
            ("RoleArn", &arn),
            ("RoleSessionName", "x1"),
            ("DurationSeconds", "3601"),
        ],
    )
    .await;
    assert_eq!(chained.code(), Some("ValidationError"));
    let too_long = sts(
        &h,
        &allowed,
        "AssumeRole",
        &[
            ("RoleArn", &arn),
            ("RoleSessionName", "x1"),
            ("DurationSeconds", "7201"),
        ],
    )
    .await;
    assert_eq!(
        too_long.message(),
        Some("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    );

    // Root cannot assume roles; a missing role is denied, not revealed.
    let root = sts(
        &h,
        &root_creds(),
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "s1")],
    )
    .await;
    assert_eq!(
        root.message(),
        Some("Roles may not be assumed by root accounts.")
    );
    let missing = sts(
        &h,
        &allowed,
        "AssumeRole",
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/Nope"),
            ("RoleSessionName", "s1"),
        ],
    )
    .await;
    assert_eq!(missing.code(), Some("AccessDenied"));

    // Deleting the role ends its sessions.
    assert_eq!(
        h.root(
            "DeleteRolePolicy",
            &[("RoleName", "Admin"), ("PolicyName", "p")]
        )
        .await
        .status,
        200
    );
    assert_eq!(
        h.root("DeleteRole", &[("RoleName", "Admin")]).await.status,
        200
    );
    let gone = sts(&h, &session, "GetCallerIdentity", &[]).await;
    assert_eq!(gone.code(), Some("InvalidClientTokenId"));
}

#[tokio::test]
async fn a_trust_policy_naming_the_user_needs_no_identity_policy() {
    let h = harness();
    let bob = user(&h, "bob", None).await;
    let arn = role(
        &h,
        "Reader",
        &trust("arn:aws:iam::123456789012:user/bob", ""),
        ALLOW_ALL,
        "3600",
    )
    .await;
    let reply = sts(
        &h,
        &bob,
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "s1")],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn mfa_conditions_in_trust_and_role_policies_see_the_session() {
    let h = harness();
    let alice = user(&h, "alice", Some(ALLOW_ASSUME)).await;
    let needs_mfa = trust(
        "arn:aws:iam::123456789012:root",
        r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
    );
    let arn = role(&h, "Guarded", &needs_mfa, ALLOW_ALL, "3600").await;
    let denied = sts(
        &h,
        &alice,
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "s1")],
    )
    .await;
    assert_eq!(denied.code(), Some("AccessDenied"), "{}", denied.body);

    // In a session the key is present and false, so Bool matches "false"; with long-term
    // keys it is absent and only BoolIfExists matches.
    let deny_without_mfa = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
    let open_arn = role(
        &h,
        "Open",
        &trust("arn:aws:iam::123456789012:root", ""),
        deny_without_mfa,
        "3600",
    )
    .await;
    let session = issued(
        &sts(
            &h,
            &alice,
            "AssumeRole",
            &[("RoleArn", &open_arn), ("RoleSessionName", "s1")],
        )
        .await,
    );
    let listed = iam(&h, &session, "ListUsers", &[]).await;
    assert_eq!(listed.code(), Some("AccessDenied"), "{}", listed.body);
    assert!(
        listed
            .message()
            .unwrap()
            .ends_with("with an explicit deny in an identity-based policy")
    );
    let roles = iam(&h, &session, "ListRoles", &[]).await;
    assert_eq!(roles.status, 200, "{}", roles.body);
}

#[tokio::test]
async fn session_policies_narrow_a_role_session() {
    let h = harness();
    let alice = user(&h, "alice", Some(ALLOW_ASSUME)).await;
    let arn = role(
        &h,
        "Admin",
        &trust("arn:aws:iam::123456789012:root", ""),
        ALLOW_ALL,
        "3600",
    )
    .await;
    let only_list_users = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;
    let reply = sts(
        &h,
        &alice,
        "AssumeRole",
        &[
            ("RoleArn", &arn),
            ("RoleSessionName", "s1"),
            ("Policy", only_list_users),
        ],
    )
    .await;
    let session = issued(&reply);
    let packed: u32 = reply.field("PackedPolicySize").unwrap().parse().unwrap();
    assert!((1..=100).contains(&packed));
    assert_eq!(iam(&h, &session, "ListUsers", &[]).await.status, 200);
    let roles = iam(&h, &session, "ListRoles", &[]).await;
    assert_eq!(roles.code(), Some("AccessDenied"), "{}", roles.body);
    let bad = sts(
        &h,
        &alice,
        "AssumeRole",
        &[
            ("RoleArn", &arn),
            ("RoleSessionName", "s1"),
            ("Policy", "{"),
        ],
    )
    .await;
    assert_eq!(
        (bad.status, bad.code()),
        (400, Some("MalformedPolicyDocument")),
        "{}",
        bad.body
    );
}

/// Alice with AdministratorAccess and seed 000's force-MFA policy, and an enabled device
/// whose codes pyotp recorded (`crate::mfa::known(0)`); the enable used STEP-1 and STEP.
async fn seed_000_user(h: &Harness) -> (Creds, String, crate::mfa::Known) {
    let seed_000 = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/seed-000-force-mfa.json"),
    )
    .unwrap();
    let alice = user(h, "alice", Some(&seed_000)).await;
    let attach = h
        .root(
            "AttachUserPolicy",
            &[
                ("UserName", "alice"),
                ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ],
        )
        .await;
    assert_eq!(attach.status, 200, "{}", attach.body);
    let serial = crate::mfa::provision(h, 0, "alice");
    let known = crate::mfa::known(0);
    let step = crate::mfa::STEP;
    let enabled =
        crate::mfa::enable(h, "alice", &serial, known.code(step - 1), known.code(step)).await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    (alice, serial, known)
}

#[tokio::test]
async fn an_mfa_session_passes_seed_000_and_each_code_works_once() {
    let h = harness();
    let (alice, serial, known) = seed_000_user(&h).await;
    let step = crate::mfa::STEP;
    assert!(
        iam(&h, &alice, "ListUsers", &[])
            .await
            .body
            .contains("explicit deny")
    );

    let code = known.code(step + 1).to_owned();
    let reply = sts(
        &h,
        &alice,
        "GetSessionToken",
        &[("SerialNumber", &serial), ("TokenCode", &code)],
    )
    .await;
    let session = issued(&reply);
    let listed = iam(&h, &session, "ListUsers", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);

    // The same code again, and a wrong one: AWS's words.
    for bad in [code.clone(), known.wrong()] {
        let refused = sts(
            &h,
            &alice,
            "GetSessionToken",
            &[("SerialNumber", &serial), ("TokenCode", &bad)],
        )
        .await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, Some("AccessDenied"))
        );
        assert_eq!(
            refused.message(),
            Some("MultiFactorAuthentication failed with invalid MFA one time pass code.")
        );
    }
    // Someone else's device is no use to bob.
    let bob = user(&h, "bob", None).await;
    let next = known.code(step + 1).to_owned();
    let stolen = sts(
        &h,
        &bob,
        "GetSessionToken",
        &[("SerialNumber", &serial), ("TokenCode", &next)],
    )
    .await;
    assert_eq!(stolen.code(), Some("AccessDenied"));
}

#[tokio::test]
async fn multi_factor_auth_age_counts_from_the_check() {
    let h = harness();
    let (alice, serial, known) = seed_000_user(&h).await;
    // At most an hour since MFA for iam:CreateUser.
    let fresh_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*","Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}}]}"#;
    let put = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "alice"),
                ("PolicyName", "fresh"),
                ("PolicyDocument", fresh_only),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let code = known.code(crate::mfa::STEP + 1).to_owned();
    let session = issued(
        &sts(
            &h,
            &alice,
            "GetSessionToken",
            &[("SerialNumber", &serial), ("TokenCode", &code)],
        )
        .await,
    );
    assert_eq!(
        iam(&h, &session, "CreateUser", &[("UserName", "u1")])
            .await
            .status,
        200
    );
    h.clock.advance(3_601);
    let stale = iam(&h, &session, "CreateUser", &[("UserName", "u2")]).await;
    assert_eq!(stale.code(), Some("AccessDenied"), "{}", stale.body);
    assert!(stale.message().unwrap().contains("explicit deny"));
}

#[tokio::test]
async fn assume_role_with_a_code_satisfies_an_mfa_trust_policy() {
    let h = harness();
    let (alice, serial, known) = seed_000_user(&h).await;
    let needs_mfa = trust(
        "arn:aws:iam::123456789012:root",
        r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
    );
    let arn = role(&h, "Guarded", &needs_mfa, ALLOW_ALL, "3600").await;
    // Seed 000 denies sts:AssumeRole to long-term keys without MFA anyway; with a code the
    // request itself carries MFA.
    let without = sts(
        &h,
        &alice,
        "AssumeRole",
        &[("RoleArn", &arn), ("RoleSessionName", "s1")],
    )
    .await;
    assert_eq!(without.code(), Some("AccessDenied"));
    let code = known.code(crate::mfa::STEP + 1).to_owned();
    let reply = sts(
        &h,
        &alice,
        "AssumeRole",
        &[
            ("RoleArn", &arn),
            ("RoleSessionName", "s1"),
            ("SerialNumber", &serial),
            ("TokenCode", &code),
        ],
    )
    .await;
    let session = issued(&reply);
    // The role session carries MFA: a role policy's Bool condition on it sees true.
    let deny_without_mfa = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
    let put = h
        .root(
            "PutRolePolicy",
            &[
                ("RoleName", "Guarded"),
                ("PolicyName", "mfa"),
                ("PolicyDocument", deny_without_mfa),
            ],
        )
        .await;
    assert_eq!(put.status, 200);
    assert_eq!(iam(&h, &session, "ListRoles", &[]).await.status, 200);
}
