//! What each IAM call is authorized on, with which tags: every resource of the action's
//! contract must be allowed, each evaluated with its own `aws:ResourceTag/*` (and, for
//! users and roles, `iam:ResourceTag/*`); key lookups stay in the caller's account.

use crate::harness::*;
use crate::organizations::{store_user, tree};
use ironiam_store::StoreExt;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

/// Allows every IAM action, except (Deny) on resources whose `key` tag is `protected=true`.
fn guarded(key: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Action":"iam:*","Resource":"*"}},
        {{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{{"StringEquals":{{"{key}/protected":"true"}}}}}}]}}"#
    )
}

/// A user `name` with an access key and the inline policy `doc`.
async fn caller(h: &Harness, name: &str, doc: &str) -> (String, String) {
    let key = h.user_with_key(name).await;
    let reply = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", name),
                ("PolicyName", "p"),
                ("PolicyDocument", doc),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    key
}

const PROTECTED: [(&str, &str); 2] = [
    ("Tags.member.1.Key", "protected"),
    ("Tags.member.1.Value", "true"),
];

fn with<'a>(base: &[(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut out = base.to_vec();
    out.extend_from_slice(more);
    out
}

fn assert_denied(reply: &Reply, action: &str, resource: &str) {
    assert_eq!(reply.status, 403, "{action}: {}", reply.body);
    assert_eq!(reply.code(), Some("AccessDenied"), "{}", reply.body);
    let message = reply.message().unwrap();
    assert!(
        message.contains(&format!("iam:{action} on resource: {resource}")),
        "{message}"
    );
}

#[tokio::test]
async fn a_deny_on_a_resource_tag_protects_tagged_users_and_roles() {
    let h = harness();
    let key = caller(&h, "alice", &guarded("aws:ResourceTag")).await;
    let key = (key.0.as_str(), key.1.as_str());
    let mut params = vec![("UserName", "target")];
    params.extend_from_slice(&PROTECTED);
    assert_eq!(h.root("CreateUser", &params).await.status, 200);
    h.root("CreateUser", &[("UserName", "plain")]).await;
    let mut params = vec![("RoleName", "guarded"), ("AssumeRolePolicyDocument", TRUST)];
    params.extend_from_slice(&PROTECTED);
    assert_eq!(h.root("CreateRole", &params).await.status, 200);

    // The issue's three calls.
    let reply = h
        .call_as(key, "CreateAccessKey", &[("UserName", "target")])
        .await;
    assert_denied(
        &reply,
        "CreateAccessKey",
        "arn:aws:iam::123456789012:user/target",
    );
    let reply = h
        .call_as(
            key,
            "PutRolePolicy",
            &[
                ("RoleName", "guarded"),
                ("PolicyName", "x"),
                ("PolicyDocument", DOC),
            ],
        )
        .await;
    assert_denied(
        &reply,
        "PutRolePolicy",
        "arn:aws:iam::123456789012:role/guarded",
    );
    let reply = h
        .call_as(key, "DeleteRole", &[("RoleName", "guarded")])
        .await;
    assert_denied(
        &reply,
        "DeleteRole",
        "arn:aws:iam::123456789012:role/guarded",
    );
    assert_eq!(
        h.root("GetRole", &[("RoleName", "guarded")]).await.status,
        200
    );

    // Untagged resources stay reachable; so does the tagged one's tag list... but not
    // its removal: UntagUser is on the user, whose tag still says protected.
    let reply = h
        .call_as(key, "CreateAccessKey", &[("UserName", "plain")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = h
        .call_as(
            key,
            "UntagUser",
            &[("UserName", "target"), ("TagKeys.member.1", "protected")],
        )
        .await;
    assert_denied(&reply, "UntagUser", "arn:aws:iam::123456789012:user/target");
    // Tags in a request are aws:RequestTag, not the resource's: creating a user with
    // the tag is not a call on a protected resource (AWS: no existing tag on create).
    let mut params = vec![("UserName", "fresh")];
    params.extend_from_slice(&PROTECTED);
    assert_eq!(h.call_as(key, "CreateUser", &params).await.status, 200);
    // Once it exists, it is protected.
    let reply = h.call_as(key, "DeleteUser", &[("UserName", "fresh")]).await;
    assert_denied(&reply, "DeleteUser", "arn:aws:iam::123456789012:user/fresh");
}

#[tokio::test]
async fn iam_resource_tag_applies_to_users_and_roles_and_the_caller_itself() {
    let h = harness();
    let key = caller(&h, "alice", &guarded("iam:ResourceTag")).await;
    let key = (key.0.as_str(), key.1.as_str());
    h.root("CreateUser", &with(&[("UserName", "target")], &PROTECTED))
        .await;
    let reply = h.call_as(key, "GetUser", &[("UserName", "target")]).await;
    assert_denied(&reply, "GetUser", "arn:aws:iam::123456789012:user/target");
    let reply = h
        .call_as(
            key,
            "AttachUserPolicy",
            &[
                ("UserName", "target"),
                ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ],
        )
        .await;
    assert_denied(
        &reply,
        "AttachUserPolicy",
        "arn:aws:iam::123456789012:user/target",
    );
    // The caller's own tags count when it acts on itself (no UserName).
    assert_eq!(h.call_as(key, "GetUser", &[]).await.status, 200);
    h.root("TagUser", &with(&[("UserName", "alice")], &PROTECTED))
        .await;
    let reply = h.call_as(key, "GetUser", &[]).await;
    assert_denied(&reply, "GetUser", "arn:aws:iam::123456789012:user/alice");
}

#[tokio::test]
async fn a_managed_policy_and_an_mfa_device_are_evaluated_with_their_tags() {
    let h = harness();
    let key = caller(&h, "alice", &guarded("aws:ResourceTag")).await;
    let key = (key.0.as_str(), key.1.as_str());
    let arn = h
        .root(
            "CreatePolicy",
            &with(
                &[("PolicyName", "kept"), ("PolicyDocument", DOC)],
                &PROTECTED,
            ),
        )
        .await
        .field("Arn")
        .unwrap()
        .to_owned();
    let reply = h
        .call_as(
            key,
            "CreatePolicyVersion",
            &[("PolicyArn", &arn), ("PolicyDocument", DOC)],
        )
        .await;
    assert_denied(&reply, "CreatePolicyVersion", &arn);
    let reply = h.call_as(key, "DeletePolicy", &[("PolicyArn", &arn)]).await;
    assert_denied(&reply, "DeletePolicy", &arn);
    // The reference lists iam:ResourceTag for users and roles only, so a policy's
    // tags do not reach a condition on it.
    let other = caller(&h, "bob", &guarded("iam:ResourceTag")).await;
    let reply = h
        .call_as(
            (&other.0, &other.1),
            "GetPolicy",
            &[("PolicyArn", arn.as_str())],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // A virtual MFA device's tags: DeleteVirtualMFADevice and TagMFADevice are on the
    // device. (DeactivateMFADevice is on the user, as the reference's row says.)
    let serial = h
        .root(
            "CreateVirtualMFADevice",
            &with(&[("VirtualMFADeviceName", "token")], &PROTECTED),
        )
        .await
        .field("SerialNumber")
        .unwrap()
        .to_owned();
    let reply = h
        .call_as(key, "DeleteVirtualMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_denied(&reply, "DeleteVirtualMFADevice", &serial);
    let reply = h
        .call_as(
            key,
            "TagMFADevice",
            &[
                ("SerialNumber", &serial),
                ("Tags.member.1.Key", "protected"),
                ("Tags.member.1.Value", "false"),
            ],
        )
        .await;
    assert_denied(&reply, "TagMFADevice", &serial);
    h.root("CreateUser", &with(&[("UserName", "carol")], &PROTECTED))
        .await;
    let reply = h
        .call_as(
            key,
            "DeactivateMFADevice",
            &[("UserName", "carol"), ("SerialNumber", &serial)],
        )
        .await;
    assert_denied(
        &reply,
        "DeactivateMFADevice",
        "arn:aws:iam::123456789012:user/carol",
    );
}

/// Allows `action` everywhere except on ARNs under `/admin/`.
fn not_into_admin(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Action":"iam:{action}","NotResource":["arn:aws:iam::123456789012:user/admin/*","arn:aws:iam::123456789012:group/admin/*"]}}]}}"#
    )
}

#[tokio::test]
async fn update_user_needs_permission_on_the_new_path_and_name() {
    let h = harness();
    let key = caller(&h, "alice", &not_into_admin("UpdateUser")).await;
    let key = (key.0.as_str(), key.1.as_str());
    h.root("CreateUser", &[("UserName", "mallory")]).await;
    let reply = h
        .call_as(
            key,
            "UpdateUser",
            &[("UserName", "mallory"), ("NewPath", "/admin/")],
        )
        .await;
    assert_denied(
        &reply,
        "UpdateUser",
        "arn:aws:iam::123456789012:user/admin/mallory",
    );
    let stored = h.root("GetUser", &[("UserName", "mallory")]).await;
    assert_eq!(stored.field("Path"), Some("/"));
    // A rename is checked the same way (the new name under the old path).
    let reply = h
        .call_as(
            key,
            "UpdateUser",
            &[("UserName", "mallory"), ("NewUserName", "eve")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // And moving out of /admin/ needs the old ARN.
    h.root("CreateUser", &[("UserName", "boss"), ("Path", "/admin/")])
        .await;
    let reply = h
        .call_as(key, "UpdateUser", &[("UserName", "boss"), ("NewPath", "/")])
        .await;
    assert_denied(
        &reply,
        "UpdateUser",
        "arn:aws:iam::123456789012:user/admin/boss",
    );
}

#[tokio::test]
async fn update_group_needs_permission_on_the_new_path() {
    let h = harness();
    let key = caller(&h, "alice", &not_into_admin("UpdateGroup")).await;
    let key = (key.0.as_str(), key.1.as_str());
    h.root("CreateGroup", &[("GroupName", "ops")]).await;
    let reply = h
        .call_as(
            key,
            "UpdateGroup",
            &[("GroupName", "ops"), ("NewPath", "/admin/")],
        )
        .await;
    assert_denied(
        &reply,
        "UpdateGroup",
        "arn:aws:iam::123456789012:group/admin/ops",
    );
    let stored = h.root("GetGroup", &[("GroupName", "ops")]).await;
    assert_eq!(stored.field("Path"), Some("/"), "{}", stored.body);
    // Elsewhere the move and the rename go through, and the group keeps its members.
    h.root("CreateUser", &[("UserName", "bob")]).await;
    h.root(
        "AddUserToGroup",
        &[("GroupName", "ops"), ("UserName", "bob")],
    )
    .await;
    let reply = h
        .call_as(
            key,
            "UpdateGroup",
            &[
                ("GroupName", "ops"),
                ("NewPath", "/teams/"),
                ("NewGroupName", "operations"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stored = h.root("GetGroup", &[("GroupName", "operations")]).await;
    assert_eq!(
        stored.field("Arn"),
        Some("arn:aws:iam::123456789012:group/teams/operations")
    );
    assert!(
        stored.body.contains("<UserName>bob</UserName>"),
        "{}",
        stored.body
    );
}

#[tokio::test]
async fn add_user_to_group_is_authorized_on_the_group() {
    let h = harness();
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::123456789012:group/devs"}]}"#;
    let key = caller(&h, "alice", doc).await;
    let key = (key.0.as_str(), key.1.as_str());
    h.root("CreateGroup", &[("GroupName", "devs")]).await;
    h.root("CreateGroup", &[("GroupName", "admins")]).await;
    h.root("CreateUser", &[("UserName", "bob")]).await;
    let ok = h
        .call_as(
            key,
            "AddUserToGroup",
            &[("GroupName", "devs"), ("UserName", "bob")],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let reply = h
        .call_as(
            key,
            "AddUserToGroup",
            &[("GroupName", "admins"), ("UserName", "bob")],
        )
        .await;
    assert_denied(
        &reply,
        "AddUserToGroup",
        "arn:aws:iam::123456789012:group/admins",
    );
}

#[tokio::test]
async fn another_accounts_key_is_a_nonexistent_key() {
    let h = harness();
    let key = caller(
        &h,
        "alice",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#,
    )
    .await;
    let key = (key.0.as_str(), key.1.as_str());
    // A user of another account on the same server (an organization's member), and its key.
    let member = tree(&h).await.member;
    let (foreign, _) = store_user(&h, &member, "secret-owner", &[]);
    let missing = "AKIAIOSFODNN7MISSING";
    let mut answers = Vec::new();
    for id in [foreign.as_str(), missing] {
        let reply = h
            .call_as(key, "GetAccessKeyLastUsed", &[("AccessKeyId", id)])
            .await;
        assert_eq!(reply.status, 403, "{}", reply.body);
        let text = reply.message().unwrap().replace(id, "KEY");
        assert!(!text.contains(&member), "{text}");
        assert!(!text.contains("secret-owner"), "{text}");
        answers.push(text);
    }
    assert_eq!(answers[0], answers[1]);

    // With permission: NoSuchEntity for both, word for word.
    let all = caller(
        &h,
        "bob",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#,
    )
    .await;
    let all = (all.0.as_str(), all.1.as_str());
    for action in ["GetAccessKeyLastUsed", "UpdateAccessKey", "DeleteAccessKey"] {
        let mut answers = Vec::new();
        for id in [foreign.as_str(), missing] {
            let mut params = vec![("AccessKeyId", id)];
            if action == "UpdateAccessKey" {
                params.push(("Status", "Inactive"));
            }
            let reply = h.call_as(all, action, &params).await;
            assert_eq!(reply.status, 404, "{action}: {}", reply.body);
            answers.push((
                reply.code().map(str::to_owned),
                reply.message().unwrap().replace(id, "KEY"),
            ));
        }
        assert_eq!(answers[0], answers[1], "{action}");
    }
    // The foreign key is untouched and still works for its owner's account.
    let stored = h
        .state
        .store
        .read(|tx| tx.get_access_key(&foreign))
        .unwrap();
    assert_eq!(
        stored.status,
        ironiam_store::record::AccessKeyStatus::Active
    );
}

async fn assume(h: &Harness, key: (&str, &str), params: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Action", "AssumeRole"), ("Version", "2011-06-15")];
    all.extend_from_slice(params);
    h.send(signed_with("sts", &form(&all), key.0, key.1, None, NOW))
        .await
}

#[tokio::test]
async fn assume_role_sees_the_roles_tags_and_the_external_id() {
    let h = harness();
    // Alice may assume any role but a protected one (a tag on the role, the resource).
    let doc = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
        {"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"iam:ResourceTag/protected":"true"}}}]}"#;
    let key = caller(&h, "alice", doc).await;
    let key = (key.0.as_str(), key.1.as_str());
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ticket-42"}}}]}"#;
    for (name, tags) in [("open", &[][..]), ("locked", &PROTECTED[..])] {
        let mut params = vec![("RoleName", name), ("AssumeRolePolicyDocument", trust)];
        params.extend_from_slice(tags);
        assert_eq!(h.root("CreateRole", &params).await.status, 200);
    }
    let open = "arn:aws:iam::123456789012:role/open";
    let ok = assume(
        &h,
        key,
        &[
            ("RoleArn", open),
            ("RoleSessionName", "s1"),
            ("ExternalId", "ticket-42"),
        ],
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // The wrong ExternalId, or none, does not satisfy the trust policy.
    for external in [Some("ticket-41"), None] {
        let mut params = vec![("RoleArn", open), ("RoleSessionName", "s1")];
        if let Some(external) = external {
            params.push(("ExternalId", external));
        }
        let reply = assume(&h, key, &params).await;
        assert_eq!(reply.status, 403, "{}", reply.body);
    }
    let reply = assume(
        &h,
        key,
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/locked"),
            ("RoleSessionName", "s1"),
            ("ExternalId", "ticket-42"),
        ],
    )
    .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(
        reply
            .message()
            .unwrap()
            .contains("with an explicit deny in an identity-based policy"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn organizations_and_config_resources_are_evaluated_with_their_tags() {
    use crate::compliance::{config_as, seed_004_rule};
    use crate::organizations::{ADMIN, org_as, org_ok};
    use serde_json::json;

    let h = harness();
    let t = tree(&h).await;
    let guarded_ou = org_ok(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": t.root, "Name": "vault", "Tags": [{"Key": "protected", "Value": "true"}]}),
    )
    .await["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let plain_ou = org_ok(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": t.root, "Name": "scratch"}),
    )
    .await["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    // An administrator of the management account, denied on protected resources.
    let (id, secret) = store_user(&h, ACCOUNT, "ops", &[ADMIN]);
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["organizations:*","config:*"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}}]}"#;
    let put = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "ops"),
                ("PolicyName", "guard"),
                ("PolicyDocument", deny),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let key = (id.as_str(), secret.as_str());
    let reply = org_as(
        &h,
        key,
        "DeleteOrganizationalUnit",
        json!({"OrganizationalUnitId": guarded_ou}),
    )
    .await;
    assert_eq!(reply.code(), "AccessDeniedException", "{}", reply.body);
    let reply = org_as(
        &h,
        key,
        "DeleteOrganizationalUnit",
        json!({"OrganizationalUnitId": plain_ou}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // A Config rule created with the tag.
    let mut rule = seed_004_rule();
    let put = config_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "us-east-1",
        "PutConfigRule",
        json!({"ConfigRule": rule.clone(), "Tags": [{"Key": "protected", "Value": "true"}]}),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let name = rule["ConfigRuleName"].as_str().unwrap().to_owned();
    let reply = config_as(
        &h,
        key,
        "us-east-1",
        "DeleteConfigRule",
        json!({"ConfigRuleName": name}),
    )
    .await;
    assert_eq!(reply.code(), "AccessDeniedException", "{}", reply.body);
    // An untagged rule can go.
    rule["ConfigRuleName"] = json!("other-rule");
    config_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "us-east-1",
        "PutConfigRule",
        json!({"ConfigRule": rule}),
    )
    .await;
    let reply = config_as(
        &h,
        key,
        "us-east-1",
        "DeleteConfigRule",
        json!({"ConfigRuleName": "other-rule"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn a_rename_keeps_the_path_and_a_move_keeps_the_name() {
    let h = harness();
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateUser","Resource":"arn:aws:iam::123456789012:user/a/b/*"}]}"#;
    let key = caller(&h, "alice", doc).await;
    let key = (key.0.as_str(), key.1.as_str());
    h.root("CreateUser", &[("UserName", "deep"), ("Path", "/a/b/")])
        .await;
    // The new name under the old path `/a/b/`: allowed.
    let reply = h
        .call_as(
            key,
            "UpdateUser",
            &[("UserName", "deep"), ("NewUserName", "deeper")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The old name under a new path: `user/c/deeper`, outside the grant.
    let reply = h
        .call_as(
            key,
            "UpdateUser",
            &[("UserName", "deeper"), ("NewPath", "/c/")],
        )
        .await;
    assert_denied(
        &reply,
        "UpdateUser",
        "arn:aws:iam::123456789012:user/c/deeper",
    );
    // A call that changes neither is authorized on the user alone.
    let reply = h
        .call_as(key, "UpdateUser", &[("UserName", "deeper")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn policy_arn_and_permissions_boundary_keys_come_from_the_request_or_the_target() {
    let h = harness();
    let boundary = h
        .root(
            "CreatePolicy",
            &[("PolicyName", "Boundary"), ("PolicyDocument", DOC)],
        )
        .await
        .field("Arn")
        .unwrap()
        .to_owned();
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Action":["iam:CreateUser","iam:PutUserPermissionsBoundary"],"Resource":"*","Condition":{{"StringEquals":{{"iam:PermissionsBoundary":"{boundary}"}}}}}},
        {{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{{"ArnEquals":{{"iam:PolicyARN":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}}},
        {{"Effect":"Allow","Action":"iam:DeleteUserPermissionsBoundary","Resource":"*"}},
        {{"Effect":"Deny","Action":"iam:DeleteUserPermissionsBoundary","Resource":"*","Condition":{{"StringEquals":{{"iam:PermissionsBoundary":"{boundary}"}}}}}}]}}"#
    );
    let key = caller(&h, "alice", &doc).await;
    let key = (key.0.as_str(), key.1.as_str());
    // CreateUser: the boundary in the request.
    let reply = h.call_as(key, "CreateUser", &[("UserName", "bare")]).await;
    assert_denied(&reply, "CreateUser", "arn:aws:iam::123456789012:user/bare");
    let reply = h
        .call_as(
            key,
            "CreateUser",
            &[("UserName", "bounded"), ("PermissionsBoundary", &boundary)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // AttachUserPolicy: the policy being attached.
    let reply = h
        .call_as(
            key,
            "AttachUserPolicy",
            &[
                ("UserName", "bounded"),
                ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ],
        )
        .await;
    assert_denied(
        &reply,
        "AttachUserPolicy",
        "arn:aws:iam::123456789012:user/bounded",
    );
    let reply = h
        .call_as(
            key,
            "AttachUserPolicy",
            &[
                ("UserName", "bounded"),
                ("PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // DeleteUserPermissionsBoundary: the boundary the user has now.
    let reply = h
        .call_as(
            key,
            "DeleteUserPermissionsBoundary",
            &[("UserName", "bounded")],
        )
        .await;
    assert_denied(
        &reply,
        "DeleteUserPermissionsBoundary",
        "arn:aws:iam::123456789012:user/bounded",
    );
}
