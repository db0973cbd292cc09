//! Issue 10, items 1 and 10: the calls whose `UserName` is optional act on the
//! caller's own credentials, and only the root user reaches the root user's; and
//! nobody can lock an MFA device they do not hold by failing codes against it.

use axum::body::Body;
use axum::http::Request;
use ironiam_server::clock::Clock;
use ironiam_server::mfa;
use ironiam_store::record::KeyOwner;

use crate::harness::*;
use crate::mfa::{STEP, known, provision_by, stored, user_id};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Session credentials.
struct Session {
    id: String,
    secret: String,
    token: String,
}

fn session_request(service: &str, body: &str, s: &Session, time: i64) -> Request<Body> {
    signed_with(service, body, &s.id, &s.secret, Some(&s.token), time)
}

async fn as_session(h: &Harness, s: &Session, action: &str, params: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Action", action), ("Version", "2010-05-08")];
    all.extend_from_slice(params);
    h.send(session_request(
        "iam",
        &form(&all),
        s,
        h.clock.now().as_secs(),
    ))
    .await
}

/// A user with an allow-everything policy and a key.
async fn admin_user(h: &Harness, name: &str) -> (String, String) {
    let key = h.user_with_key(name).await;
    let put = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", name),
                ("PolicyName", "all"),
                ("PolicyDocument", ALLOW_ALL),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    key
}

/// A session of role `admin` (allowed everything, trusting the account), assumed
/// by an IAM user allowed everything.
async fn admin_role_session(h: &Harness) -> Session {
    let (id, secret) = admin_user(h, "operator").await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let created = h
        .root(
            "CreateRole",
            &[("RoleName", "admin"), ("AssumeRolePolicyDocument", &trust)],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let put = h
        .root(
            "PutRolePolicy",
            &[
                ("RoleName", "admin"),
                ("PolicyName", "all"),
                ("PolicyDocument", ALLOW_ALL),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/admin");
    let body = form(&[
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", &role_arn),
        ("RoleSessionName", "attacker"),
    ]);
    let reply = h
        .send(signed_with(
            "sts",
            &body,
            &id,
            &secret,
            None,
            h.clock.now().as_secs(),
        ))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    Session {
        id: reply.field("AccessKeyId").unwrap().to_owned(),
        secret: reply.field("SecretAccessKey").unwrap().to_owned(),
        token: reply.field("SessionToken").unwrap().to_owned(),
    }
}

const NON_USER: &str = "Must specify userName when calling with non-User credentials";

#[tokio::test]
async fn a_role_session_never_reaches_the_root_users_mfa_or_keys() {
    let h = harness();
    let serial = provision_by(&h, 5, "root-account-mfa-device", ACCOUNT);
    let k = known(5);
    mfa::enable(
        &h.state,
        &mfa::Origin::default(),
        ACCOUNT,
        &KeyOwner::Root,
        ACCOUNT,
        &serial,
        (k.code(STEP - 1), k.code(STEP)),
        NOW,
    )
    .unwrap();
    let role = admin_role_session(&h).await;

    // Found: a role allowed iam:DeactivateMFADevice removed root's device by
    // omitting UserName. AWS answers a role without UserName with a ValidationError.
    for (action, params) in [
        (
            "DeactivateMFADevice",
            vec![("SerialNumber", serial.as_str())],
        ),
        ("ListMFADevices", vec![]),
        // Variants: the access-key calls whose UserName is optional.
        ("ListAccessKeys", vec![]),
        ("CreateAccessKey", vec![]),
        (
            "UpdateAccessKey",
            vec![("AccessKeyId", ROOT_ID), ("Status", "Inactive")],
        ),
        ("DeleteAccessKey", vec![("AccessKeyId", ROOT_ID)]),
    ] {
        let reply = as_session(&h, &role, action, &params).await;
        assert_eq!(reply.status, 400, "{action}: {}", reply.body);
        assert_eq!(reply.code(), Some("ValidationError"), "{action}");
        assert_eq!(reply.message(), Some(NON_USER), "{action}");
    }
    // Root's device and key are untouched, and root still signs in with them.
    assert_eq!(
        mfa::devices_of(&h.state, ACCOUNT, &KeyOwner::Root)
            .unwrap()
            .len(),
        1
    );
    let keys = h.root("ListAccessKeys", &[]).await;
    assert!(keys.body.contains(ROOT_ID), "{}", keys.body);
    assert!(
        keys.body.contains("<Status>Active</Status>"),
        "{}",
        keys.body
    );

    // Root itself still manages its own device by omitting UserName.
    let reply = h.root("ListMFADevices", &[]).await;
    assert!(reply.body.contains(&serial), "{}", reply.body);
    // A user without UserName acts on themselves, never on root.
    let alice = admin_user(&h, "alice").await;
    let reply = h.call_as((&alice.0, &alice.1), "ListMFADevices", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(!reply.body.contains(&serial), "{}", reply.body);
    let reply = h
        .call_as(
            (&alice.0, &alice.1),
            "DeactivateMFADevice",
            &[("SerialNumber", &serial)],
        )
        .await;
    assert_eq!(reply.code(), Some("NoSuchEntity"), "{}", reply.body);
    assert_eq!(
        mfa::devices_of(&h.state, ACCOUNT, &KeyOwner::Root)
            .unwrap()
            .len(),
        1
    );
}

async fn enable_as(
    h: &Harness,
    key: &(String, String),
    user: &str,
    serial: &str,
    codes: (&str, &str),
) -> Reply {
    h.call_as(
        (&key.0, &key.1),
        "EnableMFADevice",
        &[
            ("UserName", user),
            ("SerialNumber", serial),
            ("AuthenticationCode1", codes.0),
            ("AuthenticationCode2", codes.1),
        ],
    )
    .await
}

#[tokio::test]
async fn only_the_creator_can_lock_a_pending_device() {
    let h = harness();
    let alice = admin_user(&h, "alice").await;
    let mallory = admin_user(&h, "mallory").await;
    let serial = provision_by(&h, 2, "alice", &user_id(&h, "alice"));
    let k = known(2);
    let wrong = k.wrong();

    // Found: failing EnableMFADevice against someone else's pending device locked it.
    // Mallory's failures, for herself or for alice, are refused but not counted.
    for target in ["mallory", "alice", "mallory", "alice", "mallory", "alice"] {
        let reply = enable_as(&h, &mallory, target, &serial, (&wrong, &wrong)).await;
        assert_eq!(
            reply.code(),
            Some("InvalidAuthenticationCode"),
            "{}",
            reply.body
        );
    }
    let state = stored(&h, &serial).verification;
    assert_eq!((state.failures, state.locked_until), (0, None));

    // A role session's failures do not count either.
    let role = admin_role_session(&h).await;
    for _ in 0..6 {
        let reply = as_session(
            &h,
            &role,
            "EnableMFADevice",
            &[
                ("UserName", "alice"),
                ("SerialNumber", &serial),
                ("AuthenticationCode1", &wrong),
                ("AuthenticationCode2", &wrong),
            ],
        )
        .await;
        assert_eq!(
            reply.code(),
            Some("InvalidAuthenticationCode"),
            "{}",
            reply.body
        );
    }
    assert_eq!(stored(&h, &serial).verification.failures, 0);

    // Alice enables her device at once.
    let reply = enable_as(
        &h,
        &alice,
        "alice",
        &serial,
        (k.code(STEP - 1), k.code(STEP)),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn the_creators_own_failures_still_lock_the_pending_device() {
    let h = harness();
    let alice = admin_user(&h, "alice").await;
    let serial = provision_by(&h, 2, "alice", &user_id(&h, "alice"));
    let k = known(2);
    let wrong = k.wrong();
    for attempt in 1..=5u32 {
        let reply = enable_as(&h, &alice, "alice", &serial, (&wrong, &wrong)).await;
        assert_eq!(
            reply.code(),
            Some("InvalidAuthenticationCode"),
            "{}",
            reply.body
        );
        assert_eq!(stored(&h, &serial).verification.failures, attempt);
    }
    assert!(stored(&h, &serial).verification.locked_until.is_some());
    let reply = enable_as(
        &h,
        &alice,
        "alice",
        &serial,
        (k.code(STEP - 1), k.code(STEP)),
    )
    .await;
    assert_eq!(
        reply.code(),
        Some("InvalidAuthenticationCode"),
        "{}",
        reply.body
    );
    assert!(
        reply.message().unwrap().contains("locked"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn resync_failures_count_only_for_the_devices_owner() {
    let h = harness();
    let alice = admin_user(&h, "alice").await;
    let mallory = admin_user(&h, "mallory").await;
    let serial = provision_by(&h, 3, "alice", &user_id(&h, "alice"));
    let k = known(3);
    let reply = enable_as(
        &h,
        &alice,
        "alice",
        &serial,
        (k.code(STEP - 1), k.code(STEP)),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let wrong = k.wrong();
    let resync = |key: &(String, String)| {
        let key = key.clone();
        let serial = serial.clone();
        let wrong = wrong.clone();
        let h = &h;
        async move {
            h.call_as(
                (&key.0, &key.1),
                "ResyncMFADevice",
                &[
                    ("UserName", "alice"),
                    ("SerialNumber", &serial),
                    ("AuthenticationCode1", &wrong),
                    ("AuthenticationCode2", &wrong),
                ],
            )
            .await
        }
    };
    // An administrator's failed resyncs of alice's device cannot lock alice out.
    for _ in 0..6 {
        let reply = resync(&mallory).await;
        assert_eq!(
            reply.code(),
            Some("InvalidAuthenticationCode"),
            "{}",
            reply.body
        );
    }
    assert_eq!(stored(&h, &serial).verification.failures, 0);
    let alice_owner = KeyOwner::User(user_id(&h, "alice"));
    mfa::authenticate(
        &h.state,
        ACCOUNT,
        &alice_owner,
        &serial,
        k.code(STEP + 1),
        NOW + 30,
    )
    .unwrap();
    // Alice's own failures count.
    let reply = resync(&alice).await;
    assert_eq!(
        reply.code(),
        Some("InvalidAuthenticationCode"),
        "{}",
        reply.body
    );
    assert_eq!(stored(&h, &serial).verification.failures, 1);
}
