//! AssumeRole's session semantics as AWS documents them: `ExternalId` and
//! `RoleSessionName` in the trust evaluation, session tags with `sts:TagSession`
//! (`aws:RequestTag/*`, `aws:TagKeys`, `sts:TransitiveTagKeys`; `aws:PrincipalTag/*`
//! in the session; transitive tags through role chaining), `SourceIdentity` with
//! `sts:SetSourceIdentity` (echoed, in every call, immutable through chaining), and
//! `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths` for principals in an organization.

use serde_json::json;

use crate::harness::*;
use crate::organizations::{ADMIN, org_ok, store_user, tree};
use crate::sts::{ALLOW_ASSUME, Creds, iam, issued, sts, user};

const ALICE: &str = "arn:aws:iam::123456789012:user/alice";

/// A role with `trust`, an inline policy and tags; returns its ARN.
async fn role(
    h: &Harness,
    name: &str,
    trust: &serde_json::Value,
    policy: &serde_json::Value,
    tags: &[(&str, &str)],
) -> String {
    let trust = trust.to_string();
    let mut params = vec![
        ("RoleName", name),
        ("AssumeRolePolicyDocument", trust.as_str()),
    ];
    let keys: Vec<String> = (1..=tags.len())
        .map(|i| format!("Tags.member.{i}.Key"))
        .collect();
    let values: Vec<String> = (1..=tags.len())
        .map(|i| format!("Tags.member.{i}.Value"))
        .collect();
    for (i, (k, v)) in tags.iter().enumerate() {
        params.push((&keys[i], k));
        params.push((&values[i], v));
    }
    let created = h.root("CreateRole", &params).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let policy = policy.to_string();
    let put = h
        .root(
            "PutRolePolicy",
            &[
                ("RoleName", name),
                ("PolicyName", "p"),
                ("PolicyDocument", &policy),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    created.field("Arn").unwrap().to_owned()
}

/// A trust policy statement list allowing `principal` the `actions`, under `condition`.
fn trusting(principal: &str, actions: &[&str], condition: serde_json::Value) -> serde_json::Value {
    let mut statement =
        json!({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions});
    if condition != json!(null) {
        statement["Condition"] = condition;
    }
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

/// An identity policy allowing `action` when `condition` holds.
fn allow_if(action: &str, condition: serde_json::Value) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition}]})
}

/// AssumeRole with extra parameters.
async fn assume(h: &Harness, creds: &Creds, arn: &str, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![("RoleArn", arn), ("RoleSessionName", "s1")];
    params.extend_from_slice(extra);
    sts(h, creds, "AssumeRole", &params).await
}

fn assert_denied(reply: &Reply, action: &str) {
    assert_eq!(
        (reply.status, reply.code()),
        (403, Some("AccessDenied")),
        "{}",
        reply.body
    );
    assert!(
        reply
            .message()
            .unwrap_or_default()
            .contains(&format!("perform: {action} on")),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn the_right_external_id_opens_a_trust_policy_that_requires_it() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let condition = json!({"StringEquals": {"sts:ExternalId": "Unique-ID-1234"}});
    let arn = role(&h, "Vendor", &trusting(ALICE, &["sts:AssumeRole"], condition), &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}), &[]).await;
    let right = assume(&h, &alice, &arn, &[("ExternalId", "Unique-ID-1234")]).await;
    assert_eq!(right.status, 200, "{}", right.body);
    for wrong in [&[("ExternalId", "Unique-ID-9999")][..], &[]] {
        assert_denied(&assume(&h, &alice, &arn, wrong).await, "sts:AssumeRole");
    }
}

#[tokio::test]
async fn an_if_exists_external_id_condition_holds_only_when_absent_or_right() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let condition = json!({"StringEqualsIfExists": {"sts:ExternalId": "right"}});
    let arn = role(&h, "Vendor", &trusting(ALICE, &["sts:AssumeRole"], condition), &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}), &[]).await;
    assert_eq!(assume(&h, &alice, &arn, &[]).await.status, 200);
    assert_eq!(
        assume(&h, &alice, &arn, &[("ExternalId", "right")])
            .await
            .status,
        200
    );
    // Before the key was set, any ExternalId passed the IfExists test.
    assert_denied(
        &assume(&h, &alice, &arn, &[("ExternalId", "wrong")]).await,
        "sts:AssumeRole",
    );
}

#[tokio::test]
async fn session_parameters_are_validated_as_aws_does() {
    let h = harness();
    let alice = user(&h, "alice", Some(ALLOW_ASSUME)).await;
    let arn = "arn:aws:iam::123456789012:role/Any";
    let long_key = "k".repeat(129);
    let long_value = "v".repeat(257);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("ExternalId", "x")],
        vec![("ExternalId", "has space")],
        vec![("SourceIdentity", "a")],
        vec![("SourceIdentity", "aws:reserved")],
        vec![
            ("Tags.member.1.Key", &long_key),
            ("Tags.member.1.Value", "v"),
        ],
        vec![
            ("Tags.member.1.Key", "k"),
            ("Tags.member.1.Value", &long_value),
        ],
        vec![("Tags.member.1.Key", "k")],
    ];
    for extra in cases {
        let reply = assume(&h, &alice, arn, &extra).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, Some("ValidationError")),
            "{extra:?}: {}",
            reply.body
        );
    }
    let short_name = sts(
        &h,
        &alice,
        "AssumeRole",
        &[("RoleArn", arn), ("RoleSessionName", "x")],
    )
    .await;
    assert_eq!(
        short_name.code(),
        Some("ValidationError"),
        "{}",
        short_name.body
    );
    // More than 50 tags.
    let names: Vec<(String, String, String)> = (1..=51)
        .map(|i| {
            (
                format!("Tags.member.{i}.Key"),
                format!("Tags.member.{i}.Value"),
                format!("k{i}"),
            )
        })
        .collect();
    let mut many: Vec<(&str, &str)> = Vec::new();
    for (k, v, key) in &names {
        many.push((k, key));
        many.push((v, "v"));
    }
    let reply = assume(&h, &alice, arn, &many).await;
    assert_eq!(reply.code(), Some("ValidationError"), "{}", reply.body);
    assert!(reply.message().unwrap().contains("tags"), "{}", reply.body);
    // Keys that differ only in case, and a transitive key that names no tag.
    let dup = assume(
        &h,
        &alice,
        arn,
        &[
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "a"),
            ("Tags.member.2.Key", "dept"),
            ("Tags.member.2.Value", "b"),
        ],
    )
    .await;
    assert_eq!(
        (dup.status, dup.code()),
        (400, Some("InvalidParameterValue")),
        "{}",
        dup.body
    );
    let stray = assume(
        &h,
        &alice,
        arn,
        &[
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "a"),
            ("TransitiveTagKeys.member.1", "Team"),
        ],
    )
    .await;
    assert_eq!(
        (stray.status, stray.code()),
        (400, Some("InvalidParameterValue")),
        "{}",
        stray.body
    );
}

#[tokio::test]
async fn session_tags_need_tag_session_and_override_the_roles_tags() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    // The role's own tag says ops; the session policy test reads Dept.
    let policy = allow_if(
        "iam:ListUsers",
        json!({"StringEquals": {"aws:PrincipalTag/Dept": "eng"}}),
    );
    let tags = [
        ("Tags.member.1.Key", "dept"),
        ("Tags.member.1.Value", "eng"),
    ];
    let only_assume = role(
        &h,
        "NoTagging",
        &trusting(ALICE, &["sts:AssumeRole"], json!(null)),
        &policy,
        &[("Dept", "ops")],
    )
    .await;
    assert_denied(
        &assume(&h, &alice, &only_assume, &tags).await,
        "sts:TagSession",
    );
    // Without tags the role is assumable, and its own tag decides.
    let plain = issued(&assume(&h, &alice, &only_assume, &[]).await);
    assert_eq!(iam(&h, &plain, "ListUsers", &[]).await.status, 403);

    let tagging = role(
        &h,
        "Tagging",
        &trusting(ALICE, &["sts:AssumeRole", "sts:TagSession"], json!(null)),
        &policy,
        &[("Dept", "ops")],
    )
    .await;
    let session = issued(&assume(&h, &alice, &tagging, &tags).await);
    let listed = iam(&h, &session, "ListUsers", &[]).await;
    assert_eq!(
        listed.status, 200,
        "the session tag `dept` overrides the role's `Dept`: {}",
        listed.body
    );
}

#[tokio::test]
async fn the_callers_policies_must_allow_tag_session_when_the_trust_names_the_account() {
    let h = harness();
    let alice = user(&h, "alice", Some(ALLOW_ASSUME)).await;
    let account = trusting(
        "arn:aws:iam::123456789012:root",
        &["sts:AssumeRole", "sts:TagSession"],
        json!(null),
    );
    let arn = role(&h, "Shared", &account, &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}), &[]).await;
    assert_eq!(assume(&h, &alice, &arn, &[]).await.status, 200);
    let denied = assume(
        &h,
        &alice,
        &arn,
        &[
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "eng"),
        ],
    )
    .await;
    assert_denied(&denied, "sts:TagSession");
    assert!(
        denied
            .message()
            .unwrap()
            .ends_with("because no identity-based policy allows the sts:TagSession action"),
        "{}",
        denied.body
    );
}

#[tokio::test]
async fn request_tag_keys_and_transitive_keys_are_in_the_trust_evaluation() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let trust = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:TagSession", "Condition": {
            "StringEquals": {"aws:RequestTag/Dept": "eng"},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["Dept", "Team"], "sts:TransitiveTagKeys": ["Dept"]}}}]});
    let arn = role(&h, "Abac", &trust, &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}), &[]).await;
    let ok = assume(
        &h,
        &alice,
        &arn,
        &[
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "eng"),
            ("Tags.member.2.Key", "Team"),
            ("Tags.member.2.Value", "x"),
            ("TransitiveTagKeys.member.1", "Dept"),
        ],
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    for extra in [
        vec![
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "ops"),
        ],
        vec![
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "eng"),
            ("Tags.member.2.Key", "Cost"),
            ("Tags.member.2.Value", "1"),
        ],
        vec![
            ("Tags.member.1.Key", "Dept"),
            ("Tags.member.1.Value", "eng"),
            ("Tags.member.2.Key", "Team"),
            ("Tags.member.2.Value", "x"),
            ("TransitiveTagKeys.member.1", "Team"),
        ],
    ] {
        assert_denied(&assume(&h, &alice, &arn, &extra).await, "sts:TagSession");
    }
}

#[tokio::test]
async fn chaining_keeps_transitive_tags_and_drops_the_others() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let first_policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]});
    let first = role(
        &h,
        "First",
        &trusting(ALICE, &["sts:AssumeRole", "sts:TagSession"], json!(null)),
        &first_policy,
        &[],
    )
    .await;
    let second_policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/Dept": "eng"}}},
        {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/Project": "x"}}}]});
    let first_session = "arn:aws:iam::123456789012:role/First";
    // Second trusts First and (once it exists) itself.
    let chain = |principals: serde_json::Value| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": principals}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    };
    let second_policy_chained = json!({"Version": "2012-10-17", "Statement": [
        second_policy["Statement"][0].clone(), second_policy["Statement"][1].clone(),
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]});
    let second = role(
        &h,
        "Second",
        &chain(json!(first_session)),
        &second_policy_chained,
        &[],
    )
    .await;
    let both = chain(json!([first_session, second.as_str()])).to_string();
    let updated = h
        .root(
            "UpdateAssumeRolePolicy",
            &[("RoleName", "Second"), ("PolicyDocument", &both)],
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    let no_tagging = role(
        &h,
        "NoTagging",
        &trusting(first_session, &["sts:AssumeRole"], json!(null)),
        &second_policy,
        &[],
    )
    .await;

    let tags = [
        ("Tags.member.1.Key", "Dept"),
        ("Tags.member.1.Value", "eng"),
        ("Tags.member.2.Key", "Project"),
        ("Tags.member.2.Value", "x"),
        ("TransitiveTagKeys.member.1", "Dept"),
    ];
    let one = issued(&assume(&h, &alice, &first, &tags).await);
    let two = issued(&assume(&h, &one, &second, &[]).await);
    assert_eq!(
        iam(&h, &two, "ListUsers", &[]).await.status,
        200,
        "Dept is transitive"
    );
    assert_eq!(
        iam(&h, &two, "ListRoles", &[]).await.status,
        403,
        "Project is not"
    );
    // An inherited transitive tag cannot be overridden, in any case.
    let overridden = assume(
        &h,
        &one,
        &second,
        &[
            ("Tags.member.1.Key", "DEPT"),
            ("Tags.member.1.Value", "ops"),
        ],
    )
    .await;
    assert_eq!(
        (overridden.status, overridden.code()),
        (400, Some("InvalidParameterValue")),
        "{}",
        overridden.body
    );
    // The chained role's trust must allow sts:TagSession for the inherited tags.
    assert_denied(&assume(&h, &one, &no_tagging, &[]).await, "sts:TagSession");
    // And a third hop still carries Dept.
    let three = issued(&assume(&h, &two, &second, &[]).await);
    assert_eq!(iam(&h, &three, "ListUsers", &[]).await.status, 200);
}

#[tokio::test]
async fn source_identity_needs_set_source_identity_and_is_echoed_and_present() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIdentity": "alice"}}}]});
    let plain = role(
        &h,
        "Plain",
        &trusting(ALICE, &["sts:AssumeRole"], json!(null)),
        &policy,
        &[],
    )
    .await;
    assert_denied(
        &assume(&h, &alice, &plain, &[("SourceIdentity", "alice")]).await,
        "sts:SetSourceIdentity",
    );

    // The trust may require the caller to name itself.
    let trust = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:SetSourceIdentity",
         "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}}}]});
    let audited = role(&h, "Audited", &trust, &policy, &[]).await;
    assert_denied(
        &assume(&h, &alice, &audited, &[("SourceIdentity", "bob")]).await,
        "sts:SetSourceIdentity",
    );
    let reply = assume(&h, &alice, &audited, &[("SourceIdentity", "alice")]).await;
    assert_eq!(
        reply.field("SourceIdentity"),
        Some("alice"),
        "{}",
        reply.body
    );
    let session = issued(&reply);
    assert_eq!(
        iam(&h, &session, "ListUsers", &[]).await.status,
        200,
        "aws:SourceIdentity is in every call"
    );
    let without = issued(&assume(&h, &alice, &plain, &[]).await);
    assert_eq!(iam(&h, &without, "ListUsers", &[]).await.status, 403);
}

#[tokio::test]
async fn source_identity_persists_through_chaining_and_cannot_change() {
    let h = harness();
    let alice = user(&h, "alice", None).await;
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIdentity": "alice"}}}]});
    let first = role(
        &h,
        "First",
        &trusting(
            ALICE,
            &["sts:AssumeRole", "sts:SetSourceIdentity"],
            json!(null),
        ),
        &policy,
        &[],
    )
    .await;
    let first_role = "arn:aws:iam::123456789012:role/First";
    let second = role(
        &h,
        "Second",
        &trusting(
            first_role,
            &["sts:AssumeRole", "sts:SetSourceIdentity"],
            json!({"StringEquals": {"sts:SourceIdentity": "alice"}}),
        ),
        &policy,
        &[],
    )
    .await;
    let unaware = role(
        &h,
        "Unaware",
        &trusting(first_role, &["sts:AssumeRole"], json!(null)),
        &policy,
        &[],
    )
    .await;

    let one = issued(&assume(&h, &alice, &first, &[("SourceIdentity", "alice")]).await);
    // Omitted: set from the calling session, echoed, and in the next session's calls.
    let reply = assume(&h, &one, &second, &[]).await;
    assert_eq!(
        reply.field("SourceIdentity"),
        Some("alice"),
        "{}",
        reply.body
    );
    let two = issued(&reply);
    assert_eq!(iam(&h, &two, "ListUsers", &[]).await.status, 200);
    // Another value is refused; the same one is fine.
    let changed = assume(&h, &one, &second, &[("SourceIdentity", "mallory")]).await;
    assert_eq!(
        (changed.status, changed.code()),
        (403, Some("AccessDenied")),
        "{}",
        changed.body
    );
    assert_eq!(
        assume(&h, &one, &second, &[("SourceIdentity", "alice")])
            .await
            .status,
        200
    );
    // A role whose trust does not allow sts:SetSourceIdentity cannot take it on.
    assert_denied(
        &assume(&h, &one, &unaware, &[]).await,
        "sts:SetSourceIdentity",
    );
}

#[tokio::test]
async fn principal_org_keys_follow_the_account_in_its_organization() {
    let h = harness();
    // Before any organization, a management-account user has no PrincipalOrgID.
    let policy = |org: &str| {
        json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}}},
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}}}]})
    };
    let boss = user(&h, "boss", Some(&policy("o-none").to_string())).await;
    assert_eq!(iam(&h, &boss, "ListUsers", &[]).await.status, 403);
    assert_eq!(
        iam(&h, &boss, "GetUser", &[]).await.status,
        200,
        "aws:PrincipalIsAWSService is false"
    );

    let t = tree(&h).await;
    let put = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "boss"),
                ("PolicyName", "p"),
                ("PolicyDocument", &policy(&t.org_id).to_string()),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        iam(&h, &boss, "ListUsers", &[]).await.status,
        200,
        "the management account is in the organization"
    );

    // A role here trusting the member account, for principals in `prod` only.
    let member = store_user(&h, &t.member, "dev", &[ADMIN]);
    let member = Creds {
        id: member.0,
        secret: member.1,
        token: None,
    };
    let prod_path = format!("{}/{}/{}/", t.org_id, t.root, t.prod);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": t.member}, "Action": "sts:AssumeRole", "Condition": {
        "StringEquals": {"aws:PrincipalOrgID": t.org_id},
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": format!("{prod_path}*")}}}]});
    let arn = role(&h, "FromProd", &trust, &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}), &[]).await;
    let reply = assume(&h, &member, &arn, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Moved out of prod, the member's principals no longer match the path.
    org_ok(
        &h,
        "MoveAccount",
        json!({"AccountId": t.member, "SourceParentId": t.prod, "DestinationParentId": t.root}),
    )
    .await;
    assert_denied(&assume(&h, &member, &arn, &[]).await, "sts:AssumeRole");
}

#[tokio::test]
async fn a_role_session_carries_its_accounts_organization_and_external_id_works_across_accounts() {
    let h = harness();
    let t = tree(&h).await;
    // A role session in the management account: its policy requires the org ID.
    let boss = user(&h, "boss", None).await;
    let boss_arn = "arn:aws:iam::123456789012:user/boss";
    let in_org = allow_if(
        "iam:ListUsers",
        json!({"StringEquals": {"aws:PrincipalOrgID": t.org_id}}),
    );
    let arn = role(
        &h,
        "OrgOnly",
        &trusting(boss_arn, &["sts:AssumeRole"], json!(null)),
        &in_org,
        &[],
    )
    .await;
    let session = issued(&assume(&h, &boss, &arn, &[]).await);
    let listed = iam(&h, &session, "ListUsers", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);

    // A third party in the member account must present the ExternalId.
    let vendor = store_user(&h, &t.member, "vendor", &[ADMIN]);
    let vendor = Creds {
        id: vendor.0,
        secret: vendor.1,
        token: None,
    };
    let condition = json!({"StringEquals": {"sts:ExternalId": "Partner-42"}});
    let arn = role(
        &h,
        "Partner",
        &trusting(&t.member, &["sts:AssumeRole"], condition),
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}),
        &[],
    )
    .await;
    assert_eq!(
        assume(&h, &vendor, &arn, &[("ExternalId", "Partner-42")])
            .await
            .status,
        200
    );
    assert_denied(
        &assume(&h, &vendor, &arn, &[("ExternalId", "Partner-43")]).await,
        "sts:AssumeRole",
    );
}
