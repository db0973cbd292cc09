//! Roles, their policies and boundaries, ListEntitiesForPolicy and
//! GetAccountAuthorizationDetails.

use crate::harness::*;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

async fn role(h: &Harness, name: &str, path: &str) -> Reply {
    let reply = h
        .root(
            "CreateRole",
            &[
                ("RoleName", name),
                ("Path", path),
                ("AssumeRolePolicyDocument", TRUST),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

async fn policy(h: &Harness, name: &str) -> String {
    let reply = h
        .root(
            "CreatePolicy",
            &[("PolicyName", name), ("PolicyDocument", DOC)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.field("Arn").unwrap().to_owned()
}

#[tokio::test]
async fn roles_lifecycle() {
    let h = harness();
    let reply = h
        .root(
            "CreateRole",
            &[
                ("RoleName", "app"),
                ("Path", "/svc/"),
                ("AssumeRolePolicyDocument", TRUST),
                ("Description", "the app"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "red"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.starts_with("<CreateRoleResponse"));
    assert_eq!(
        reply.field("Arn"),
        Some("arn:aws:iam::123456789012:role/svc/app")
    );
    assert!(reply.field("RoleId").unwrap().starts_with("AROA"));
    assert_eq!(reply.field("MaxSessionDuration"), Some("3600"));
    assert!(
        reply
            .field("AssumeRolePolicyDocument")
            .unwrap()
            .starts_with("%7B%22Version%22%3A")
    );
    let dup = h
        .root(
            "CreateRole",
            &[("RoleName", "APP"), ("AssumeRolePolicyDocument", TRUST)],
        )
        .await;
    assert_eq!((dup.status, dup.code()), (409, Some("EntityAlreadyExists")));
    assert_eq!(dup.message(), Some("Role with name APP already exists."));

    let got = h.root("GetRole", &[("RoleName", "app")]).await;
    assert!(
        got.body.contains("<RoleLastUsed></RoleLastUsed>"),
        "{}",
        got.body
    );
    assert_eq!(got.field("Description"), Some("the app"));
    assert_eq!(got.field("Key"), Some("team"));

    role(&h, "batch", "/").await;
    let page = h.root("ListRoles", &[("MaxItems", "1")]).await;
    assert_eq!(page.field("IsTruncated"), Some("true"));
    assert_eq!(page.field("Marker"), Some("app"));
    assert!(!page.body.contains("<Tags>") && !page.body.contains("RoleLastUsed"));
    let next = h.root("ListRoles", &[("Marker", "app")]).await;
    assert!(next.body.contains("<RoleName>batch</RoleName>") && !next.body.contains(">app<"));
    let prefixed = h.root("ListRoles", &[("PathPrefix", "/svc/")]).await;
    assert!(prefixed.body.contains(">app<") && !prefixed.body.contains("batch"));

    let reply = h
        .root(
            "UpdateRole",
            &[("RoleName", "app"), ("MaxSessionDuration", "43200")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let too_long = h
        .root(
            "UpdateRole",
            &[("RoleName", "app"), ("MaxSessionDuration", "43201")],
        )
        .await;
    assert_eq!(
        (too_long.status, too_long.code()),
        (400, Some("ValidationError"))
    );
    let reply = h
        .root(
            "UpdateRoleDescription",
            &[("RoleName", "app"), ("Description", "new")],
        )
        .await;
    assert_eq!(reply.field("Description"), Some("new"));
    assert_eq!(reply.field("MaxSessionDuration"), Some("43200"));
    let missing = h.root("GetRole", &[("RoleName", "nope")]).await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, Some("NoSuchEntity"))
    );
    assert_eq!(
        missing.message(),
        Some("The role with name nope cannot be found.")
    );
    assert_eq!(
        h.root("DeleteRole", &[("RoleName", "app")]).await.status,
        200
    );
    let gone = h.root("GetRole", &[("RoleName", "app")]).await;
    assert_eq!(gone.code(), Some("NoSuchEntity"));
}

#[tokio::test]
async fn trust_policy_errors_carry_line_and_column() {
    let h = harness();
    let with_resource = "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}";
    let reply = h
        .root(
            "CreateRole",
            &[
                ("RoleName", "r"),
                ("AssumeRolePolicyDocument", with_resource),
            ],
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, Some("MalformedPolicyDocument"))
    );
    assert_eq!(
        reply.message(),
        Some("Has prohibited field Resource (at line 2, column 82)")
    );
    role(&h, "r", "/").await;
    let reply = h
        .root(
            "UpdateAssumeRolePolicy",
            &[("RoleName", "r"), ("PolicyDocument", DOC)],
        )
        .await;
    assert_eq!(reply.code(), Some("MalformedPolicyDocument"));
    assert!(reply.message().unwrap().contains("(at line 1, column "));
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole","Sid":"{}"}}]}}"#,
        "a".repeat(2100)
    );
    let reply = h
        .root(
            "UpdateAssumeRolePolicy",
            &[("RoleName", "r"), ("PolicyDocument", &big)],
        )
        .await;
    assert_eq!((reply.status, reply.code()), (409, Some("LimitExceeded")));
    let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
    let reply = h
        .root(
            "UpdateAssumeRolePolicy",
            &[("RoleName", "r"), ("PolicyDocument", other)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = h.root("GetRole", &[("RoleName", "r")]).await;
    assert!(
        got.field("AssumeRolePolicyDocument")
            .unwrap()
            .contains("root")
    );
}

#[tokio::test]
async fn role_policies_and_delete_conflicts() {
    let h = harness();
    role(&h, "r", "/").await;
    let arn = policy(&h, "p").await;
    let attach = [("RoleName", "r"), ("PolicyArn", arn.as_str())];
    assert_eq!(h.root("AttachRolePolicy", &attach).await.status, 200);
    let listed = h
        .root("ListAttachedRolePolicies", &[("RoleName", "r")])
        .await;
    assert_eq!(listed.field("PolicyArn"), Some(arn.as_str()));
    let conflict = h.root("DeleteRole", &[("RoleName", "r")]).await;
    assert_eq!(
        (conflict.status, conflict.code()),
        (409, Some("DeleteConflict"))
    );
    assert_eq!(
        conflict.message(),
        Some("Cannot delete entity, must detach all policies first.")
    );
    assert_eq!(h.root("DetachRolePolicy", &attach).await.status, 200);
    let again = h.root("DetachRolePolicy", &attach).await;
    assert_eq!(again.code(), Some("NoSuchEntity"));

    let put = [
        ("RoleName", "r"),
        ("PolicyName", "inl"),
        ("PolicyDocument", DOC),
    ];
    assert_eq!(h.root("PutRolePolicy", &put).await.status, 200);
    let got = h
        .root("GetRolePolicy", &[("RoleName", "r"), ("PolicyName", "inl")])
        .await;
    assert_eq!(got.field("RoleName"), Some("r"));
    assert!(got.field("PolicyDocument").unwrap().starts_with("%7B"));
    let names = h.root("ListRolePolicies", &[("RoleName", "r")]).await;
    assert!(names.body.contains("<member>inl</member>"));
    let conflict = h.root("DeleteRole", &[("RoleName", "r")]).await;
    assert_eq!(
        conflict.message(),
        Some("Cannot delete entity, must delete policies first.")
    );
    // The role quota is 10240 characters summed over its inline policies.
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}"#,
        "a".repeat(6000)
    );
    let first = [
        ("RoleName", "r"),
        ("PolicyName", "big1"),
        ("PolicyDocument", big.as_str()),
    ];
    assert_eq!(h.root("PutRolePolicy", &first).await.status, 200);
    let second = [
        ("RoleName", "r"),
        ("PolicyName", "big2"),
        ("PolicyDocument", big.as_str()),
    ];
    let over = h.root("PutRolePolicy", &second).await;
    assert_eq!((over.status, over.code()), (409, Some("LimitExceeded")));
    for name in ["inl", "big1"] {
        let reply = h
            .root(
                "DeleteRolePolicy",
                &[("RoleName", "r"), ("PolicyName", name)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let missing = h
        .root(
            "DeleteRolePolicy",
            &[("RoleName", "r"), ("PolicyName", "inl")],
        )
        .await;
    assert_eq!(
        missing.message(),
        Some("The role policy with name inl cannot be found.")
    );
    assert_eq!(h.root("DeleteRole", &[("RoleName", "r")]).await.status, 200);
}

#[tokio::test]
async fn role_boundary_and_entities_for_policy() {
    let h = harness();
    role(&h, "r", "/svc/").await;
    let arn = policy(&h, "p").await;
    let missing = h
        .root(
            "PutRolePermissionsBoundary",
            &[
                ("RoleName", "r"),
                (
                    "PermissionsBoundary",
                    "arn:aws:iam::123456789012:policy/none",
                ),
            ],
        )
        .await;
    assert_eq!(missing.code(), Some("NoSuchEntity"));
    let reply = h
        .root(
            "PutRolePermissionsBoundary",
            &[("RoleName", "r"), ("PermissionsBoundary", arn.as_str())],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = h.root("GetRole", &[("RoleName", "r")]).await;
    assert_eq!(got.field("PermissionsBoundaryArn"), Some(arn.as_str()));

    h.root("CreateUser", &[("UserName", "u")]).await;
    h.root("CreateGroup", &[("GroupName", "g")]).await;
    h.root(
        "AttachUserPolicy",
        &[("UserName", "u"), ("PolicyArn", &arn)],
    )
    .await;
    h.root(
        "AttachGroupPolicy",
        &[("GroupName", "g"), ("PolicyArn", &arn)],
    )
    .await;
    let all = h
        .root("ListEntitiesForPolicy", &[("PolicyArn", &arn)])
        .await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.field("UserName"), Some("u"));
    assert_eq!(all.field("GroupName"), Some("g"));
    assert_eq!(all.field("RoleName"), Some("r"));
    let roles = h
        .root(
            "ListEntitiesForPolicy",
            &[
                ("PolicyArn", &arn),
                ("EntityFilter", "Role"),
                ("PolicyUsageFilter", "PermissionsBoundary"),
            ],
        )
        .await;
    assert!(roles.body.contains(">r<") && !roles.body.contains("<UserName>"));
    let page = h
        .root(
            "ListEntitiesForPolicy",
            &[("PolicyArn", &arn), ("MaxItems", "1")],
        )
        .await;
    assert_eq!(page.field("IsTruncated"), Some("true"));
    let prefixed = h
        .root(
            "ListEntitiesForPolicy",
            &[("PolicyArn", &arn), ("PathPrefix", "/svc/")],
        )
        .await;
    assert!(prefixed.body.contains(">r<") && !prefixed.body.contains("<UserName>"));

    let reply = h
        .root("DeleteRolePermissionsBoundary", &[("RoleName", "r")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = h.root("GetRole", &[("RoleName", "r")]).await;
    assert!(!got.body.contains("PermissionsBoundary"));
}

#[tokio::test]
async fn account_authorization_details() {
    let h = harness();
    role(&h, "r", "/").await;
    let arn = policy(&h, "p").await;
    h.root("CreateUser", &[("UserName", "u")]).await;
    h.root("CreateGroup", &[("GroupName", "g")]).await;
    h.root("AddUserToGroup", &[("GroupName", "g"), ("UserName", "u")])
        .await;
    h.root(
        "AttachUserPolicy",
        &[("UserName", "u"), ("PolicyArn", &arn)],
    )
    .await;
    h.root(
        "PutUserPolicy",
        &[
            ("UserName", "u"),
            ("PolicyName", "inl"),
            ("PolicyDocument", DOC),
        ],
    )
    .await;
    let reply = h.root("GetAccountAuthorizationDetails", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let users = reply.field("UserDetailList").unwrap();
    assert!(users.contains("<GroupList><member>g</member></GroupList>"));
    assert!(users.contains("<PolicyName>inl</PolicyName><PolicyDocument>%7B"));
    assert!(users.contains(&format!("<PolicyArn>{arn}</PolicyArn>")));
    assert!(reply.field("GroupDetailList").unwrap().contains(">g<"));
    assert!(
        reply
            .field("RoleDetailList")
            .unwrap()
            .contains("<AssumeRolePolicyDocument>%7B")
    );
    let policies = reply.field("Policies").unwrap();
    assert!(policies.contains("<PolicyVersionList><member><Document>%7B"));
    assert!(!policies.contains("arn:aws:iam::aws:policy/"));
    let roles = h
        .root(
            "GetAccountAuthorizationDetails",
            &[("Filter.member.1", "Role")],
        )
        .await;
    assert_eq!(roles.field("UserDetailList"), Some(""));
    assert!(roles.field("RoleDetailList").unwrap().contains(">r<"));
    let first = h
        .root("GetAccountAuthorizationDetails", &[("MaxItems", "2")])
        .await;
    assert_eq!(first.field("IsTruncated"), Some("true"));
    let marker = first.field("Marker").unwrap().to_owned();
    let rest = h
        .root(
            "GetAccountAuthorizationDetails",
            &[("MaxItems", "10"), ("Marker", &marker)],
        )
        .await;
    assert_eq!(rest.field("IsTruncated"), Some("false"));
    assert!(rest.field("RoleDetailList").unwrap().contains(">r<"));
}
