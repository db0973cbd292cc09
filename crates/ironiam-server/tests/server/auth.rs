//! Authentication and authorization failures.

use axum::body::Body;
use axum::http::Request;

use crate::harness::*;

#[tokio::test]
async fn unsigned_request_is_missing_authentication_token() {
    let h = harness();
    let request = Request::builder()
        .method("POST")
        .uri("/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("Action=ListUsers&Version=2010-05-08"))
        .unwrap();
    let reply = h.send(request).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), Some("MissingAuthenticationToken"));
    assert!(reply.body.contains(&reply.request_id));
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let h = harness();
    let reply = h
        .call_as((ROOT_ID, "not-the-secret"), "ListUsers", &[])
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), Some("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn unknown_key_is_invalid_client_token_id() {
    let h = harness();
    let reply = h
        .call_as(("AKIAUNKNOWNUNKNOWN00", "x"), "ListUsers", &[])
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), Some("InvalidClientTokenId"));
}

#[tokio::test]
async fn inactive_key_is_invalid_client_token_id() {
    let h = harness();
    let (id, secret) = h.user_with_key("alice").await;
    let reply = h
        .root(
            "UpdateAccessKey",
            &[
                ("UserName", "alice"),
                ("AccessKeyId", &id),
                ("Status", "Inactive"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = h.call_as((&id, &secret), "GetUser", &[]).await;
    assert_eq!(reply.code(), Some("InvalidClientTokenId"));
}

#[tokio::test]
async fn clock_skew_beyond_fifteen_minutes_is_refused() {
    let h = harness();
    let body = form(&[("Action", "ListUsers"), ("Version", "2010-05-08")]);
    let reply = h
        .send(signed(&body, ROOT_ID, ROOT_SECRET, NOW - 16 * 60))
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), Some("SignatureDoesNotMatch"));
    let reply = h
        .send(signed(&body, ROOT_ID, ROOT_SECRET, NOW - 14 * 60))
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn wrong_version_and_unknown_action_are_invalid_action() {
    let h = harness();
    let body = form(&[("Action", "ListUsers"), ("Version", "2011-06-15")]);
    let reply = h.send(signed(&body, ROOT_ID, ROOT_SECRET, NOW)).await;
    assert_eq!(reply.code(), Some("InvalidAction"));
    let reply = h.root("FlyToTheMoon", &[]).await;
    assert_eq!(reply.code(), Some("InvalidAction"));
}

#[tokio::test]
async fn model_validation_error() {
    let h = harness();
    let reply = h.root("CreateUser", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), Some("ValidationError"));
    let reply = h.root("CreateUser", &[("UserName", "bad name!")]).await;
    assert_eq!(reply.code(), Some("ValidationError"));
}

#[tokio::test]
async fn user_without_policy_is_denied_with_aws_message() {
    let h = harness();
    let (id, secret) = h.user_with_key("bob").await;
    let reply = h
        .call_as((&id, &secret), "CreateUser", &[("UserName", "eve")])
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), Some("AccessDenied"));
    assert_eq!(
        reply.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/eve because no identity-based policy allows the iam:CreateUser action"
        )
    );
}

#[tokio::test]
async fn explicit_deny_wins_and_allow_works() {
    let h = harness();
    let (id, secret) = h.user_with_key("bob").await;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#;
    let reply = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "bob"),
                ("PolicyName", "p"),
                ("PolicyDocument", doc),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = h
        .call_as((&id, &secret), "CreateUser", &[("UserName", "eve")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = h
        .call_as((&id, &secret), "DeleteUser", &[("UserName", "eve")])
        .await;
    assert_eq!(
        reply.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::123456789012:user/eve with an explicit deny in an identity-based policy"
        )
    );
}

#[tokio::test]
async fn permissions_boundary_limits_and_group_policies_apply() {
    let h = harness();
    let (id, secret) = h.user_with_key("bob").await;
    h.root("CreateGroup", &[("GroupName", "admins")]).await;
    h.root(
        "AddUserToGroup",
        &[("GroupName", "admins"), ("UserName", "bob")],
    )
    .await;
    let reply = h
        .root(
            "AttachGroupPolicy",
            &[
                ("GroupName", "admins"),
                ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        h.call_as((&id, &secret), "ListUsers", &[]).await.status,
        200
    );
    let reply = h
        .root(
            "PutUserPermissionsBoundary",
            &[
                ("UserName", "bob"),
                (
                    "PermissionsBoundary",
                    "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        h.call_as((&id, &secret), "ListUsers", &[]).await.status,
        200
    );
    let reply = h
        .call_as((&id, &secret), "CreateGroup", &[("GroupName", "x")])
        .await;
    assert_eq!(
        reply.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateGroup on resource: arn:aws:iam::123456789012:group/x because no permissions boundary allows the iam:CreateGroup action"
        )
    );
}

#[tokio::test]
async fn root_bypasses_identity_policies_and_get_user_defaults_to_caller() {
    let h = harness();
    assert_eq!(h.root("ListUsers", &[]).await.status, 200);
    let (id, secret) = h.user_with_key("carol").await;
    h.root("PutUserPolicy", &[("UserName", "carol"), ("PolicyName", "self"), ("PolicyDocument", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#)]).await;
    let reply = h.call_as((&id, &secret), "GetUser", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.field("UserName"), Some("carol"));
    let reply = h
        .call_as(
            (&id, &secret),
            "GetAccessKeyLastUsed",
            &[("AccessKeyId", &id)],
        )
        .await;
    assert_eq!(reply.code(), Some("AccessDenied"));
}
