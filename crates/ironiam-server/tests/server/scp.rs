//! Service control policies enforced on IAM calls: they bind every principal of a
//! member account, its root user included, at every level from the organization's
//! root through the OUs to the account, and never the management account. Member
//! accounts' users and root keys are made through the store; role sessions come from
//! AssumeRole of `OrganizationAccountAccessRole`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use ironiam_server::clock::{Clock, FixedClock};
use ironiam_server::config::AuditTarget;
use ironiam_server::{AppState, Config, router};
use ironiam_store::StoreExt;
use serde_json::{Value as Json, json};

use crate::harness::*;
use crate::organizations::*;

/// Seed 004's organization-wide SCP: deny everything without MFA.
fn seed_004_scp() -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "RequireMFAAccess", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})
    .to_string()
}

/// Creates an SCP and attaches it to each target; returns (policy ID, ARN).
async fn scp(h: &Harness, name: &str, content: &str, targets: &[&str]) -> (String, String) {
    let created = org_ok(
        h,
        "CreatePolicy",
        json!({"Name": name, "Description": name, "Type": "SERVICE_CONTROL_POLICY", "Content": content}),
    )
    .await;
    let summary = &created["Policy"]["PolicySummary"];
    let id = summary["Id"].as_str().unwrap().to_owned();
    for target in targets {
        org_ok(
            h,
            "AttachPolicy",
            json!({"PolicyId": id, "TargetId": target}),
        )
        .await;
    }
    (id, summary["Arn"].as_str().unwrap().to_owned())
}

async fn list_users(h: &Harness, key: &(String, String)) -> Reply {
    h.call_as((&key.0, &key.1), "ListUsers", &[]).await
}

/// A management-account user with AdministratorAccess, through the IAM API.
async fn management_admin(h: &Harness) -> (String, String) {
    let key = h.user_with_key("boss").await;
    let attached = h
        .root(
            "AttachUserPolicy",
            &[("UserName", "boss"), ("PolicyArn", ADMIN)],
        )
        .await;
    assert_eq!(attached.status, 200, "{}", attached.body);
    key
}

#[tokio::test]
async fn the_seed_004_scp_binds_member_users_and_never_the_management_account() {
    let h = harness();
    let t = tree(&h).await;
    let alice = store_user(&h, &t.member, "alice", &[ADMIN]);
    let boss = management_admin(&h).await;
    let management_root = (ROOT_ID.to_owned(), ROOT_SECRET.to_owned());
    // FullAWSAccess everywhere: the member's own policies decide.
    assert_eq!(list_users(&h, &alice).await.status, 200);

    let (id, policy_arn) = scp(&h, "RequireMFA", &seed_004_scp(), &[&t.prod]).await;
    let denied = list_users(&h, &alice).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(denied.code(), Some("AccessDenied"));
    assert_eq!(
        denied.message(),
        Some(
            format!(
                "User: arn:aws:iam::{m}:user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{m}:user/ with an explicit deny in a service control policy: {policy_arn}",
                m = t.member
            )
            .as_str()
        )
    );
    // Writes too, not only reads.
    let create = h
        .call_as((&alice.0, &alice.1), "CreateUser", &[("UserName", "eve")])
        .await;
    assert_eq!(create.status, 403);

    // The management account is never bound, even with the SCP attached to it.
    org_ok(
        &h,
        "AttachPolicy",
        json!({"PolicyId": id, "TargetId": ACCOUNT}),
    )
    .await;
    org_ok(
        &h,
        "AttachPolicy",
        json!({"PolicyId": id, "TargetId": t.root}),
    )
    .await;
    assert_eq!(list_users(&h, &boss).await.status, 200);
    assert_eq!(list_users(&h, &management_root).await.status, 200);

    // Detaching takes effect on the next call: no cached snapshot keeps old SCPs.
    org_ok(
        &h,
        "DetachPolicy",
        json!({"PolicyId": id, "TargetId": t.prod}),
    )
    .await;
    assert_eq!(
        list_users(&h, &alice).await.status,
        403,
        "still at the root"
    );
    org_ok(
        &h,
        "DetachPolicy",
        json!({"PolicyId": id, "TargetId": t.root}),
    )
    .await;
    assert_eq!(list_users(&h, &alice).await.status, 200);
}

#[tokio::test]
async fn every_level_binds_from_the_root_to_the_account() {
    let h = harness();
    let t = tree(&h).await;
    let alice = store_user(&h, &t.member, "alice", &[ADMIN]);
    let deny_iam = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]})
    .to_string();
    let (id, _) = scp(&h, "DenyIam", &deny_iam, &[]).await;
    for target in [&t.root, &t.prod, &t.member] {
        assert_eq!(list_users(&h, &alice).await.status, 200, "before {target}");
        org_ok(
            &h,
            "AttachPolicy",
            json!({"PolicyId": id, "TargetId": target}),
        )
        .await;
        let denied = list_users(&h, &alice).await;
        assert_eq!(denied.status, 403, "at {target}");
        assert!(
            denied
                .message()
                .unwrap()
                .contains("with an explicit deny in a service control policy"),
            "{}",
            denied.body
        );
        org_ok(
            &h,
            "DetachPolicy",
            json!({"PolicyId": id, "TargetId": target}),
        )
        .await;
    }
    // Moving the account out of an OU takes that OU's SCPs away.
    org_ok(
        &h,
        "AttachPolicy",
        json!({"PolicyId": id, "TargetId": t.prod}),
    )
    .await;
    assert_eq!(list_users(&h, &alice).await.status, 403);
    org_ok(
        &h,
        "MoveAccount",
        json!({"AccountId": t.member, "SourceParentId": t.prod, "DestinationParentId": t.root}),
    )
    .await;
    assert_eq!(list_users(&h, &alice).await.status, 200);
}

#[tokio::test]
async fn every_level_must_allow_the_action() {
    let h = harness();
    let t = tree(&h).await;
    let alice = store_user(&h, &t.member, "alice", &[ADMIN]);
    let only_ec2 = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]})
    .to_string();
    let (id, _) = scp(&h, "OnlyEc2", &only_ec2, &[&t.prod]).await;
    org_ok(
        &h,
        "DetachPolicy",
        json!({"PolicyId": "p-FullAWSAccess", "TargetId": t.prod}),
    )
    .await;
    let denied = list_users(&h, &alice).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(
        denied.message(),
        Some(
            format!(
                "User: arn:aws:iam::{m}:user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{m}:user/ because no service control policy allows the iam:ListUsers action",
                m = t.member
            )
            .as_str()
        )
    );
    // An updated SCP is enforced on the next call.
    let allow_iam = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:*", "iam:List*"], "Resource": "*"}]})
    .to_string();
    org_ok(
        &h,
        "UpdatePolicy",
        json!({"PolicyId": id, "Content": allow_iam}),
    )
    .await;
    assert_eq!(list_users(&h, &alice).await.status, 200);
    let create = h
        .call_as((&alice.0, &alice.1), "CreateUser", &[("UserName", "eve")])
        .await;
    assert_eq!(create.status, 403);
    assert!(
        create
            .message()
            .unwrap()
            .ends_with("because no service control policy allows the iam:CreateUser action")
    );
    // SCPs grant nothing: the member user still needs its own allow.
    let nobody = store_user(&h, &t.member, "nobody", &[]);
    let denied = list_users(&h, &nobody).await;
    assert!(
        denied
            .message()
            .unwrap()
            .ends_with("because no identity-based policy allows the iam:ListUsers action")
    );
    // With SCPs disabled, nothing binds any more.
    org_ok(
        &h,
        "DisablePolicyType",
        json!({"RootId": t.root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    let created = h
        .call_as((&alice.0, &alice.1), "CreateUser", &[("UserName", "eve")])
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
}

#[tokio::test]
async fn the_member_root_user_is_bound_and_the_management_root_is_not() {
    let h = harness();
    let t = tree(&h).await;
    let member_root = store_root_key(&h, &t.member);
    // The root user needs no identity policy.
    assert_eq!(list_users(&h, &member_root).await.status, 200);
    scp(&h, "RequireMFA", &seed_004_scp(), &[&t.root]).await;
    let denied = list_users(&h, &member_root).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert!(
        denied.message().unwrap().starts_with(&format!(
            "User: arn:aws:iam::{}:root is not authorized to perform: iam:ListUsers",
            t.member
        )),
        "{}",
        denied.body
    );
    assert_eq!(
        h.root("CreateUser", &[("UserName", "still-fine")])
            .await
            .status,
        200
    );
    // SCPs bind Organizations calls as well: the member may no longer describe its
    // organization.
    let reply = org_as(
        &h,
        (&member_root.0, &member_root.1),
        "DescribeOrganization",
        json!({}),
    )
    .await;
    assert_eq!(reply.code(), "AccessDeniedException");
    assert!(
        reply
            .message()
            .contains("organizations:DescribeOrganization")
    );
}

#[tokio::test]
async fn the_public_function_returns_the_levels() {
    let h = harness();
    let outside = h
        .state
        .store
        .read(|tx| ironiam_server::authz::service_control_policies(tx, &h.state.cache, ACCOUNT))
        .unwrap();
    assert!(outside.is_none());
    let t = tree(&h).await;
    let (_, arn) = scp(&h, "RequireMFA", &seed_004_scp(), &[&t.prod]).await;
    let levels = |account: &str| {
        h.state
            .store
            .read(|tx| ironiam_server::authz::service_control_policies(tx, &h.state.cache, account))
            .unwrap()
    };
    assert!(
        levels(ACCOUNT).is_none(),
        "the management account is never bound"
    );
    let member = levels(&t.member).unwrap();
    let ids: Vec<Vec<String>> = member
        .iter()
        .map(|level| level.iter().map(|p| p.id().to_owned()).collect())
        .collect();
    let full = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess";
    assert_eq!(
        ids,
        vec![
            vec![full.to_owned()],
            vec![full.to_owned(), arn],
            vec![full.to_owned()],
        ]
    );
    org_ok(
        &h,
        "DisablePolicyType",
        json!({"RootId": t.root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    assert!(levels(&t.member).is_none());
}

#[tokio::test]
async fn organizations_calls_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let mut config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
    config.audit = AuditTarget::File(log.clone());
    let clock = FixedClock::at(NOW);
    let (state, _) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
    let h = Harness {
        app: router(state.clone()),
        clock,
        state,
    };
    org_ok(&h, "CreateOrganization", json!({})).await;
    org_err(
        &h,
        "DescribeAccount",
        json!({"AccountId": "999999999999"}),
        "AccountNotFoundException",
    )
    .await;
    let records: Vec<Json> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["eventSource"], "organizations.amazonaws.com");
    assert_eq!(records[0]["eventName"], "CreateOrganization");
    assert_eq!(records[0]["decision"], "allowed");
    assert_eq!(records[0]["userIdentity"]["type"], "Root");
    assert_eq!(records[1]["eventName"], "DescribeAccount");
    assert_eq!(records[1]["errorCode"], "AccountNotFoundException");
    // Metrics name the service with the operation.
    let metrics = h
        .send(
            Request::builder()
                .uri("/metrics")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        metrics.body.contains(
            "ironiam_requests_total{action=\"organizations:CreateOrganization\",status=\"200\"} 1"
        ),
        "{}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .contains("action=\"organizations:DescribeAccount\",status=\"400\"")
    );
}

#[tokio::test]
async fn a_restart_keeps_serving_the_management_account() {
    let dir = tempfile::tempdir().unwrap();
    // The highest account ID: every member account sorts before it.
    let management = "999999999999";
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ephemeral: false,
        audit: AuditTarget::None,
        ..Config::ephemeral_for_tests(management, ROOT_ID, ROOT_SECRET)
    };
    let member = {
        let clock = FixedClock::at(NOW);
        let (state, identity) = AppState::open(&config, Arc::new(clock.clone())).unwrap();
        assert_eq!(identity.account_id, management);
        let h = Harness {
            app: router(state.clone()),
            clock,
            state,
        };
        org_ok(&h, "CreateOrganization", json!({})).await;
        let created = org_ok(
            &h,
            "CreateAccount",
            json!({"Email": "dev@example.com", "AccountName": "dev"}),
        )
        .await;
        created["CreateAccountStatus"]["AccountId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(member.as_str() < management);
    let clock = FixedClock::at(NOW);
    let (state, identity) = AppState::open(&config, Arc::new(clock)).unwrap();
    assert_eq!(identity.account_id, management);
    assert!(identity.new_secret.is_none());
    assert_eq!(state.account_id, management);
}

/// Signs a Query request for `service` with temporary credentials.
fn signed_session(service: &str, body: &str, creds: &[String; 3], time: i64) -> Request<Body> {
    signed_with(service, body, &creds[0], &creds[1], Some(&creds[2]), time)
}

#[tokio::test]
async fn a_role_session_in_a_member_account_is_bound() {
    let h = harness();
    let t = tree(&h).await;
    let boss = management_admin(&h).await;
    // The management account administers the member through the role CreateAccount made.
    let role_arn = format!(
        "arn:aws:iam::{}:role/OrganizationAccountAccessRole",
        t.member
    );
    let body = form(&[
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", &role_arn),
        ("RoleSessionName", "admin"),
    ]);
    let now = h.clock.now().as_secs();
    let assumed = h.send(signed_long_term("sts", &body, &boss, now)).await;
    assert_eq!(assumed.status, 200, "{}", assumed.body);
    let creds = [
        assumed.field("AccessKeyId").unwrap().to_owned(),
        assumed.field("SecretAccessKey").unwrap().to_owned(),
        assumed.field("SessionToken").unwrap().to_owned(),
    ];
    let list = form(&[("Action", "ListUsers"), ("Version", "2010-05-08")]);
    let listed = h.send(signed_session("iam", &list, &creds, now)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);

    let (_, policy_arn) = scp(&h, "RequireMFA", &seed_004_scp(), &[&t.prod]).await;
    let denied = h.send(signed_session("iam", &list, &creds, now)).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(
        denied.message(),
        Some(
            format!(
                "User: arn:aws:sts::{m}:assumed-role/OrganizationAccountAccessRole/admin is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{m}:user/ with an explicit deny in a service control policy: {policy_arn}",
                m = t.member
            )
            .as_str()
        )
    );
    // The management account's own calls stay allowed.
    assert_eq!(list_users(&h, &boss).await.status, 200);
}

/// Signs a Query request for `service` with long-term keys.
fn signed_long_term(service: &str, body: &str, key: &(String, String), time: i64) -> Request<Body> {
    signed_with(service, body, &key.0, &key.1, None, time)
}

#[tokio::test]
async fn the_simulator_reports_the_organizations_decision() {
    let h = harness();
    let t = tree(&h).await;
    let alice = store_user(&h, &t.member, "alice", &[ADMIN]);
    let deny_ec2 = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]})
    .to_string();
    scp(&h, "DenyEc2", &deny_ec2, &[&t.prod]).await;
    let source = format!("arn:aws:iam::{}:user/alice", t.member);
    let reply = h
        .call_as(
            (&alice.0, &alice.1),
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", &source),
                ("ActionNames.member.1", "ec2:DescribeInstances"),
                ("ActionNames.member.2", "iam:ListUsers"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results: Vec<&str> = reply.body.split("<EvalActionName>").skip(1).collect();
    assert_eq!(results.len(), 2);
    let ec2 = results.iter().find(|r| r.starts_with("ec2:")).unwrap();
    assert!(
        ec2.contains("<EvalDecision>explicitDeny</EvalDecision>"),
        "{ec2}"
    );
    assert!(
        ec2.contains("<AllowedByOrganizations>false</AllowedByOrganizations>"),
        "{ec2}"
    );
    assert!(
        ec2.contains("<SourcePolicyId>DenyEc2</SourcePolicyId>"),
        "{ec2}"
    );
    assert!(
        ec2.contains("<SourcePolicyType>Service Control Policy</SourcePolicyType>"),
        "{ec2}"
    );
    let iam = results.iter().find(|r| r.starts_with("iam:")).unwrap();
    assert!(
        iam.contains("<EvalDecision>allowed</EvalDecision>"),
        "{iam}"
    );
    assert!(
        iam.contains("<AllowedByOrganizations>true</AllowedByOrganizations>"),
        "{iam}"
    );
    // The management account's principals are simulated without SCPs.
    let boss = management_admin(&h).await;
    let reply = h
        .call_as(
            (&boss.0, &boss.1),
            "SimulatePrincipalPolicy",
            &[
                (
                    "PolicySourceArn",
                    &format!("arn:aws:iam::{ACCOUNT}:user/boss"),
                ),
                ("ActionNames.member.1", "ec2:DescribeInstances"),
            ],
        )
        .await;
    assert!(
        reply.body.contains("<EvalDecision>allowed</EvalDecision>"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn scps_bind_assume_role_so_a_member_cannot_step_out() {
    let h = harness();
    let t = tree(&h).await;
    let alice = store_user(&h, &t.member, "alice", &[ADMIN]);
    // A management-account role that trusts the member account.
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", t.member)},
        "Action": "sts:AssumeRole"}]})
    .to_string();
    let created = h
        .root(
            "CreateRole",
            &[("RoleName", "Escape"), ("AssumeRolePolicyDocument", &trust)],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/Escape");
    let body = form(&[
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", &role_arn),
        ("RoleSessionName", "out"),
    ]);
    let now = h.clock.now().as_secs();
    let before = h.send(signed_long_term("sts", &body, &alice, now)).await;
    assert_eq!(before.status, 200, "{}", before.body);

    scp(&h, "RequireMFA", &seed_004_scp(), &[&t.prod]).await;
    let after = h.send(signed_long_term("sts", &body, &alice, now)).await;
    assert_eq!(after.code(), Some("AccessDenied"), "{}", after.body);
    assert!(
        after.message().unwrap().contains("service control policy"),
        "{}",
        after.body
    );
}
