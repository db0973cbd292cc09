//! A trust policy binds the principal it names, not the name: a deleted principal
//! shows as its unique ID (GetRole, ListRoles, GetAccountAuthorizationDetails), a
//! principal recreated under the same name is not trusted, and a renamed user keeps
//! the trust (IAM User Guide, "AWS JSON policy elements: Principal").

use serde_json::json;

use crate::harness::*;
use crate::organizations::{ADMIN, store_user, tree};
use crate::sts::{Creds, issued, sts};

const GET_USER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","sts:AssumeRole"],"Resource":"*"}]}"#;

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The stored trust policy of `role`, as GetRole returns it.
async fn trust_of(h: &Harness, role: &str) -> String {
    let got = h.root("GetRole", &[("RoleName", role)]).await;
    assert_eq!(got.status, 200, "{}", got.body);
    percent_decode(got.field("AssumeRolePolicyDocument").unwrap())
}

async fn create_role(h: &Harness, name: &str, principal: serde_json::Value) -> String {
    let trust = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
    .to_string();
    let created = h
        .root(
            "CreateRole",
            &[("RoleName", name), ("AssumeRolePolicyDocument", &trust)],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let put = h
        .root(
            "PutRolePolicy",
            &[
                ("RoleName", name),
                ("PolicyName", "p"),
                ("PolicyDocument", GET_USER),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    created.field("Arn").unwrap().to_owned()
}

async fn assume(h: &Harness, creds: &Creds, arn: &str) -> Reply {
    sts(
        h,
        creds,
        "AssumeRole",
        &[("RoleArn", arn), ("RoleSessionName", "s1")],
    )
    .await
}

/// A user with a key and no policy; returns its credentials and unique ID.
async fn user(h: &Harness, name: &str) -> (Creds, String) {
    let (id, secret) = h.user_with_key(name).await;
    let got = h.root("GetUser", &[("UserName", name)]).await;
    let user_id = got.field("UserId").unwrap().to_owned();
    (
        Creds {
            id,
            secret,
            token: None,
        },
        user_id,
    )
}

async fn delete_user(h: &Harness, name: &str, key: &str) {
    let deleted = h
        .root(
            "DeleteAccessKey",
            &[("UserName", name), ("AccessKeyId", key)],
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let deleted = h.root("DeleteUser", &[("UserName", name)]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
}

#[tokio::test]
async fn a_user_deleted_and_recreated_under_the_same_name_is_not_trusted() {
    let h = harness();
    let (alice, alice_id) = user(&h, "alice").await;
    user(&h, "bob").await;
    let alice_arn = "arn:aws:iam::123456789012:user/alice";
    let arn = create_role(
        &h,
        "Ops",
        json!([alice_arn, "arn:aws:iam::123456789012:user/bob"]),
    )
    .await;
    assert_eq!(assume(&h, &alice, &arn).await.status, 200);

    delete_user(&h, "alice", &alice.id).await;
    // Every view of the document shows the ID in place of the ARN; bob is untouched.
    let stored = trust_of(&h, "Ops").await;
    assert!(stored.contains(&format!("\"{alice_id}\"")), "{stored}");
    assert!(
        !stored.contains(alice_arn) && stored.contains("user/bob"),
        "{stored}"
    );
    let listed = h.root("ListRoles", &[]).await;
    assert!(
        percent_decode(&listed.body).contains(&alice_id),
        "{}",
        listed.body
    );
    let details = h
        .root(
            "GetAccountAuthorizationDetails",
            &[("Filter.member.1", "Role")],
        )
        .await;
    let details = percent_decode(&details.body);
    assert!(
        details.contains(&alice_id) && !details.contains(alice_arn),
        "{details}"
    );

    // The new alice is someone else.
    let (new_alice, _) = user(&h, "alice").await;
    let denied = assume(&h, &new_alice, &arn).await;
    assert_eq!(
        (denied.status, denied.code()),
        (403, Some("AccessDenied")),
        "{}",
        denied.body
    );

    // The document as read back is accepted as it is.
    let again = h
        .root(
            "UpdateAssumeRolePolicy",
            &[("RoleName", "Ops"), ("PolicyDocument", &stored)],
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(assume(&h, &new_alice, &arn).await.status, 403);
}

#[tokio::test]
async fn a_trust_policy_cannot_name_a_user_or_role_that_does_not_exist_yet() {
    let h = harness();
    let trust = |principal: &str| {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
        .to_string()
    };
    for principal in [
        "arn:aws:iam::123456789012:user/later",
        "arn:aws:iam::123456789012:role/Later",
    ] {
        let reply = h
            .root(
                "CreateRole",
                &[
                    ("RoleName", "Early"),
                    ("AssumeRolePolicyDocument", &trust(principal)),
                ],
            )
            .await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, Some("MalformedPolicyDocument")),
            "{}",
            reply.body
        );
        assert_eq!(
            reply.message().unwrap(),
            format!("Invalid principal in policy: \"AWS\":\"{principal}\"")
        );
    }
    // A user's ARN must carry its path.
    let (later, _) = user(&h, "later").await;
    let wrong_path = h
        .root(
            "CreateRole",
            &[
                ("RoleName", "Early"),
                (
                    "AssumeRolePolicyDocument",
                    &trust("arn:aws:iam::123456789012:user/x/later"),
                ),
            ],
        )
        .await;
    assert_eq!(
        wrong_path.code(),
        Some("MalformedPolicyDocument"),
        "{}",
        wrong_path.body
    );
    // Once it exists, the same document is accepted, and so is an account outside
    // this server, which cannot be checked.
    let arn = create_role(
        &h,
        "Early",
        json!([
            "arn:aws:iam::123456789012:user/later",
            "arn:aws:iam::999988887777:user/x"
        ]),
    )
    .await;
    assert_eq!(assume(&h, &later, &arn).await.status, 200);
    let update = h
        .root(
            "UpdateAssumeRolePolicy",
            &[
                ("RoleName", "Early"),
                (
                    "PolicyDocument",
                    &trust("arn:aws:iam::123456789012:user/nobody"),
                ),
            ],
        )
        .await;
    assert_eq!(
        update.code(),
        Some("MalformedPolicyDocument"),
        "{}",
        update.body
    );
}

#[tokio::test]
async fn a_renamed_user_keeps_the_trust_and_its_old_name_does_not() {
    let h = harness();
    let (alice, _) = user(&h, "alice").await;
    let arn = create_role(&h, "Ops", json!("arn:aws:iam::123456789012:user/alice")).await;
    let renamed = h
        .root(
            "UpdateUser",
            &[
                ("UserName", "alice"),
                ("NewUserName", "alice2"),
                ("NewPath", "/ops/"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let reply = assume(&h, &alice, &arn).await;
    assert_eq!(
        reply.status, 200,
        "the trust follows the user: {}",
        reply.body
    );
    let stored = trust_of(&h, "Ops").await;
    assert!(
        stored.contains("\"arn:aws:iam::123456789012:user/ops/alice2\""),
        "{stored}"
    );
    let (impostor, _) = user(&h, "alice").await;
    assert_eq!(assume(&h, &impostor, &arn).await.status, 403);
}

#[tokio::test]
async fn a_role_deleted_and_recreated_is_not_trusted_by_another_role() {
    let h = harness();
    let (alice, _) = user(&h, "alice").await;
    let first = create_role(&h, "First", json!("arn:aws:iam::123456789012:user/alice")).await;
    let first_arn = "arn:aws:iam::123456789012:role/First";
    let second = create_role(&h, "Second", json!(first_arn)).await;
    let one = issued(&assume(&h, &alice, &first).await);
    assert_eq!(assume(&h, &one, &second).await.status, 200);
    let first_id = h
        .root("GetRole", &[("RoleName", "First")])
        .await
        .field("RoleId")
        .unwrap()
        .to_owned();

    assert_eq!(
        h.root(
            "DeleteRolePolicy",
            &[("RoleName", "First"), ("PolicyName", "p")]
        )
        .await
        .status,
        200
    );
    let deleted = h.root("DeleteRole", &[("RoleName", "First")]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let stored = trust_of(&h, "Second").await;
    assert!(
        stored.contains(&format!("\"{first_id}\"")) && !stored.contains(first_arn),
        "{stored}"
    );

    create_role(&h, "First", json!("arn:aws:iam::123456789012:user/alice")).await;
    let again = issued(&assume(&h, &alice, &first).await);
    let denied = assume(&h, &again, &second).await;
    assert_eq!(
        (denied.status, denied.code()),
        (403, Some("AccessDenied")),
        "{}",
        denied.body
    );
}

#[tokio::test]
async fn a_deleted_principal_of_another_account_is_unbound_too() {
    let h = harness();
    let t = tree(&h).await;
    let admin = store_user(&h, &t.member, "admin", &[ADMIN]);
    let carol = store_user(&h, &t.member, "carol", &[ADMIN]);
    let carol_arn = format!("arn:aws:iam::{}:user/carol", t.member);
    let arn = create_role(&h, "Partner", json!(carol_arn)).await;
    let carol_creds = Creds {
        id: carol.0.clone(),
        secret: carol.1.clone(),
        token: None,
    };
    assert_eq!(assume(&h, &carol_creds, &arn).await.status, 200);

    // The member account's admin deletes carol through IAM.
    for (action, params) in [
        (
            "DetachUserPolicy",
            vec![("UserName", "carol"), ("PolicyArn", ADMIN)],
        ),
        (
            "DeleteAccessKey",
            vec![("UserName", "carol"), ("AccessKeyId", carol.0.as_str())],
        ),
        ("DeleteUser", vec![("UserName", "carol")]),
    ] {
        let reply = h.call_as((&admin.0, &admin.1), action, &params).await;
        assert_eq!(reply.status, 200, "{action}: {}", reply.body);
    }
    let stored = trust_of(&h, "Partner").await;
    assert!(
        !stored.contains(&carol_arn) && stored.contains("\"AIDA"),
        "{stored}"
    );
    let new_carol = store_user(&h, &t.member, "carol", &[ADMIN]);
    let new_carol = Creds {
        id: new_carol.0,
        secret: new_carol.1,
        token: None,
    };
    assert_eq!(assume(&h, &new_carol, &arn).await.status, 403);
}
