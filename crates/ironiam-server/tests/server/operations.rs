//! Happy paths and main errors of each operation group.

use crate::harness::*;

const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

#[tokio::test]
async fn users_lifecycle() {
    let h = harness();
    let reply = h
        .root(
            "CreateUser",
            &[
                ("UserName", "alice"),
                ("Path", "/dev/"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "red"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.starts_with("<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateUserResult><User>"));
    assert_eq!(
        reply.field("Arn"),
        Some("arn:aws:iam::123456789012:user/dev/alice")
    );
    assert_eq!(reply.field("CreateDate"), Some("2023-11-14T22:13:20Z"));
    let dup = h.root("CreateUser", &[("UserName", "ALICE")]).await;
    assert_eq!((dup.status, dup.code()), (409, Some("EntityAlreadyExists")));
    h.root("CreateUser", &[("UserName", "bob")]).await;
    let page = h.root("ListUsers", &[("MaxItems", "1")]).await;
    assert_eq!(page.field("IsTruncated"), Some("true"));
    assert_eq!(page.field("Marker"), Some("alice"));
    let next = h.root("ListUsers", &[("Marker", "alice")]).await;
    assert!(next.body.contains("<UserName>bob</UserName>") && !next.body.contains("alice"));
    let prefixed = h.root("ListUsers", &[("PathPrefix", "/dev/")]).await;
    assert!(prefixed.body.contains("alice") && !prefixed.body.contains("bob"));
    let reply = h
        .root(
            "UpdateUser",
            &[
                ("UserName", "alice"),
                ("NewUserName", "alicia"),
                ("NewPath", "/ops/"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.starts_with("<UpdateUserResponse"));
    let got = h.root("GetUser", &[("UserName", "alicia")]).await;
    assert_eq!(
        got.field("Arn"),
        Some("arn:aws:iam::123456789012:user/ops/alicia")
    );
    assert_eq!(
        h.root("DeleteUser", &[("UserName", "alicia")]).await.status,
        200
    );
    let gone = h.root("GetUser", &[("UserName", "alicia")]).await;
    assert_eq!((gone.status, gone.code()), (404, Some("NoSuchEntity")));
    assert_eq!(
        gone.message(),
        Some("The user with name alicia cannot be found.")
    );
}

#[tokio::test]
async fn delete_user_conflicts() {
    let h = harness();
    let (id, _) = h.user_with_key("alice").await;
    let reply = h.root("DeleteUser", &[("UserName", "alice")]).await;
    assert_eq!((reply.status, reply.code()), (409, Some("DeleteConflict")));
    assert_eq!(
        reply.message(),
        Some("Cannot delete entity, must delete access keys first.")
    );
    h.root(
        "DeleteAccessKey",
        &[("UserName", "alice"), ("AccessKeyId", &id)],
    )
    .await;
    h.root("CreateGroup", &[("GroupName", "g")]).await;
    h.root(
        "AddUserToGroup",
        &[("GroupName", "g"), ("UserName", "alice")],
    )
    .await;
    let reply = h.root("DeleteUser", &[("UserName", "alice")]).await;
    assert_eq!(reply.code(), Some("DeleteConflict"));
    h.root(
        "RemoveUserFromGroup",
        &[("GroupName", "g"), ("UserName", "alice")],
    )
    .await;
    assert_eq!(
        h.root("DeleteUser", &[("UserName", "alice")]).await.status,
        200
    );
}

#[tokio::test]
async fn access_keys() {
    let h = harness();
    let (id, secret) = h.user_with_key("alice").await;
    assert_eq!(secret.len(), 40);
    h.root("CreateAccessKey", &[("UserName", "alice")]).await;
    let third = h.root("CreateAccessKey", &[("UserName", "alice")]).await;
    assert_eq!((third.status, third.code()), (409, Some("LimitExceeded")));
    let list = h.root("ListAccessKeys", &[("UserName", "alice")]).await;
    assert_eq!(list.body.matches("<AccessKeyId>").count(), 2);
    assert!(!list.body.contains("SecretAccessKey"));
    let used = h
        .root("GetAccessKeyLastUsed", &[("AccessKeyId", &id)])
        .await;
    assert_eq!(used.field("ServiceName"), Some("N/A"));
    h.call_as((&id, &secret), "ListUsers", &[]).await;
    let used = h
        .root("GetAccessKeyLastUsed", &[("AccessKeyId", &id)])
        .await;
    assert_eq!(used.field("ServiceName"), Some("iam"));
    assert_eq!(used.field("Region"), Some("us-east-1"));
    let missing = h
        .root(
            "DeleteAccessKey",
            &[
                ("UserName", "alice"),
                ("AccessKeyId", "AKIANOTAKEYNOTAKEY00"),
            ],
        )
        .await;
    assert_eq!(missing.code(), Some("NoSuchEntity"));
}

#[tokio::test]
async fn managed_policies_and_versions() {
    let h = harness();
    let reply = h
        .root(
            "CreatePolicy",
            &[("PolicyName", "p"), ("PolicyDocument", DOC)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let arn = "arn:aws:iam::123456789012:policy/p";
    assert_eq!(reply.field("Arn"), Some(arn));
    let bad = h
        .root(
            "CreatePolicy",
            &[
                ("PolicyName", "q"),
                ("PolicyDocument", "{\"Version\":\"2012-10-17\"}"),
            ],
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (400, Some("MalformedPolicyDocument"))
    );
    for _ in 0..4 {
        let r = h
            .root(
                "CreatePolicyVersion",
                &[("PolicyArn", arn), ("PolicyDocument", DOC)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let sixth = h
        .root(
            "CreatePolicyVersion",
            &[("PolicyArn", arn), ("PolicyDocument", DOC)],
        )
        .await;
    assert_eq!(sixth.code(), Some("LimitExceeded"));
    assert_eq!(
        h.root(
            "SetDefaultPolicyVersion",
            &[("PolicyArn", arn), ("VersionId", "v3")]
        )
        .await
        .status,
        200
    );
    let default_delete = h
        .root(
            "DeletePolicyVersion",
            &[("PolicyArn", arn), ("VersionId", "v3")],
        )
        .await;
    assert_eq!(default_delete.code(), Some("DeleteConflict"));
    let version = h
        .root(
            "GetPolicyVersion",
            &[("PolicyArn", arn), ("VersionId", "v3")],
        )
        .await;
    assert!(
        version
            .field("Document")
            .unwrap()
            .starts_with("%7B%22Version%22")
    );
    assert_eq!(version.field("IsDefaultVersion"), Some("true"));
    let versions = h.root("ListPolicyVersions", &[("PolicyArn", arn)]).await;
    assert_eq!(versions.body.matches("<VersionId>").count(), 5);
    let local = h.root("ListPolicies", &[("Scope", "Local")]).await;
    assert_eq!(local.body.matches("<PolicyName>").count(), 1);
    let aws = h.root("ListPolicies", &[("Scope", "AWS")]).await;
    assert!(
        aws.body
            .contains("arn:aws:iam::aws:policy/AdministratorAccess")
    );
    h.root("CreateUser", &[("UserName", "u")]).await;
    h.root("AttachUserPolicy", &[("UserName", "u"), ("PolicyArn", arn)])
        .await;
    let attached = h
        .root("ListAttachedUserPolicies", &[("UserName", "u")])
        .await;
    assert!(attached.body.contains(arn));
    let conflict = h.root("DeletePolicy", &[("PolicyArn", arn)]).await;
    assert_eq!(conflict.code(), Some("DeleteConflict"));
    let only = h.root("ListPolicies", &[("OnlyAttached", "true")]).await;
    assert_eq!(only.body.matches("<PolicyName>").count(), 1);
    h.root("DetachUserPolicy", &[("UserName", "u"), ("PolicyArn", arn)])
        .await;
    for v in ["v1", "v2", "v4", "v5"] {
        assert_eq!(
            h.root(
                "DeletePolicyVersion",
                &[("PolicyArn", arn), ("VersionId", v)]
            )
            .await
            .status,
            200
        );
    }
    assert_eq!(
        h.root("DeletePolicy", &[("PolicyArn", arn)]).await.status,
        200
    );
}

#[tokio::test]
async fn inline_policies_and_quota() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "u")]).await;
    let put = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "u"),
                ("PolicyName", "a"),
                ("PolicyDocument", DOC),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let got = h
        .root("GetUserPolicy", &[("UserName", "u"), ("PolicyName", "a")])
        .await;
    assert_eq!(got.field("PolicyName"), Some("a"));
    let names = h.root("ListUserPolicies", &[("UserName", "u")]).await;
    assert!(names.body.contains("<member>a</member>"));
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "x".repeat(2000)
    );
    let over = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "u"),
                ("PolicyName", "b"),
                ("PolicyDocument", &big),
            ],
        )
        .await;
    assert_eq!(over.code(), Some("LimitExceeded"));
    assert_eq!(
        h.root(
            "DeleteUserPolicy",
            &[("UserName", "u"), ("PolicyName", "a")]
        )
        .await
        .status,
        200
    );
    let missing = h
        .root("GetUserPolicy", &[("UserName", "u"), ("PolicyName", "a")])
        .await;
    assert_eq!(missing.code(), Some("NoSuchEntity"));
}

#[tokio::test]
async fn groups() {
    let h = harness();
    assert_eq!(
        h.root("CreateGroup", &[("GroupName", "g")]).await.status,
        200
    );
    h.root("CreateUser", &[("UserName", "u")]).await;
    assert_eq!(
        h.root("AddUserToGroup", &[("GroupName", "g"), ("UserName", "u")])
            .await
            .status,
        200
    );
    let got = h.root("GetGroup", &[("GroupName", "g")]).await;
    assert!(got.body.contains("<UserName>u</UserName>"));
    let for_user = h.root("ListGroupsForUser", &[("UserName", "u")]).await;
    assert!(for_user.body.contains("<GroupName>g</GroupName>"));
    let conflict = h.root("DeleteGroup", &[("GroupName", "g")]).await;
    assert_eq!(conflict.code(), Some("DeleteConflict"));
    h.root(
        "PutGroupPolicy",
        &[
            ("GroupName", "g"),
            ("PolicyName", "p"),
            ("PolicyDocument", DOC),
        ],
    )
    .await;
    assert!(
        h.root("ListGroupPolicies", &[("GroupName", "g")])
            .await
            .body
            .contains("<member>p</member>")
    );
    h.root(
        "DeleteGroupPolicy",
        &[("GroupName", "g"), ("PolicyName", "p")],
    )
    .await;
    h.root(
        "RemoveUserFromGroup",
        &[("GroupName", "g"), ("UserName", "u")],
    )
    .await;
    assert_eq!(
        h.root("DeleteGroup", &[("GroupName", "g")]).await.status,
        200
    );
    assert_eq!(
        h.root("ListGroups", &[])
            .await
            .body
            .matches("<GroupName>")
            .count(),
        0
    );
}

#[tokio::test]
async fn reset_health_and_metrics() {
    use axum::body::Body;
    use axum::http::Request;
    let h = harness();
    h.root("CreateUser", &[("UserName", "u")]).await;
    let reset = h
        .send(
            Request::post("/_ironiam/reset")
                .header("x-ironiam-reset", "1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reset.status, 200);
    assert_eq!(
        h.root("GetUser", &[("UserName", "u")]).await.code(),
        Some("NoSuchEntity")
    );
    let health = h
        .send(Request::get("/health").body(Body::empty()).unwrap())
        .await;
    assert_eq!(health.status, 200);
    let metrics = h
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert!(
        metrics
            .body
            .contains("ironiam_requests_total{action=\"GetUser\",status=\"404\"} 1")
    );
    assert!(h.state.ephemeral);
    h.clock.advance(1);
}

#[tokio::test]
async fn body_over_limit_is_an_aws_error() {
    let h = harness();
    let big = "x".repeat(2 * 1024 * 1024);
    let reply = h.root("CreateUser", &[("UserName", &big)]).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.code(), Some("RequestEntityTooLarge"));
}
