//! MFA compliance through the AWS Config API (JSON 1.1, `StarlingDoveService`) on the
//! fixed clock: seed 004's rule as the AWS CLI sends it, verdicts that follow IAM
//! changes, the other managed rules, errors in AWS Config's form, paging, regions
//! and authorization by the policy engine.

use axum::body::Body;
use axum::http::Request;
use ironiam_protocol::sigv4::{self, SecretKey};
use ironiam_protocol::time::UnixTime;
use ironiam_store::StoreExt;
use ironiam_store::record::{AccessKey, AccessKeyStatus, KeyOwner, Timestamp};
use serde_json::{Value as Json, json};

use crate::harness::*;
use crate::mfa::{STEP, enable, known, provision, user_id};
use crate::organizations::{JsonReply, send_json};

/// Seed 004's rule, as `--config-rule file://rule.json` sends it.
pub fn seed_004_rule() -> Json {
    json!({
        "ConfigRuleName": "mfa-enabled-for-iam-console-access",
        "Description": "Checks whether AWS Multi-Factor Authentication (MFA) is enabled for all IAM users that use a console password.",
        "Scope": {"ComplianceResourceTypes": ["AWS::IAM::User"]},
        "Source": {"Owner": "AWS", "SourceIdentifier": "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"},
        "InputParameters": "{}"
    })
}

/// A JSON 1.1 request to Config, signed for `region` with the header form of SigV4.
fn signed_config(operation: &str, body: &str, key: (&str, &str), region: &str) -> Request<Body> {
    let amz_date = UnixTime::from_secs(NOW).to_amz_date();
    let date = &amz_date[..8];
    let scope = format!("{date}/{region}/config/aws4_request");
    let target = format!("StarlingDoveService.{operation}");
    let signed_headers = "content-type;host;x-amz-date;x-amz-target";
    let host = format!("config.{region}.amazonaws.com");
    let placeholder = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={}",
        key.0,
        "0".repeat(64)
    );
    let mut headers = vec![
        ("host", host.as_str()),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-date", amz_date.as_str()),
        ("x-amz-target", target.as_str()),
        ("authorization", placeholder.as_str()),
    ];
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "POST",
        path: "/",
        query: &Default::default(),
        headers: &headers,
        body: body.as_bytes(),
    })
    .unwrap();
    let signature = inputs.signature_for(&SecretKey::new(key.1)).unwrap();
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        key.0
    );
    headers.pop();
    let mut builder = Request::builder().method("POST").uri("/");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder
        .header("authorization", authorization)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub async fn config_as(
    h: &Harness,
    key: (&str, &str),
    region: &str,
    operation: &str,
    body: Json,
) -> JsonReply {
    send_json(h, signed_config(operation, &body.to_string(), key, region)).await
}

async fn config_ok(h: &Harness, operation: &str, body: Json) -> Json {
    let reply = config_as(h, (ROOT_ID, ROOT_SECRET), "us-east-1", operation, body).await;
    assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
    assert_eq!(reply.content_type, "application/x-amz-json-1.1");
    reply.body
}

async fn config_err(h: &Harness, operation: &str, body: Json, code: &str) -> JsonReply {
    let reply = config_as(h, (ROOT_ID, ROOT_SECRET), "us-east-1", operation, body).await;
    assert_eq!(reply.code(), code, "{operation}: {}", reply.body);
    assert_eq!(reply.status, 400, "{operation}: {}", reply.body);
    reply
}

/// `(resource ID, compliance)` of a rule's results, in the API's order.
async fn verdicts(h: &Harness, rule: &str) -> Vec<(String, String)> {
    let body = config_ok(
        h,
        "GetComplianceDetailsByConfigRule",
        json!({"ConfigRuleName": rule, "Limit": 100}),
    )
    .await;
    body["EvaluationResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r["ComplianceType"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn rule_compliance(h: &Harness, rule: &str) -> Json {
    let body = config_ok(
        h,
        "DescribeComplianceByConfigRule",
        json!({"ConfigRuleNames": [rule]}),
    )
    .await;
    body["ComplianceByConfigRules"][0]["Compliance"].clone()
}

fn pair(id: &str, verdict: &str) -> (String, String) {
    (id.to_owned(), verdict.to_owned())
}

#[tokio::test]
async fn seed_004_rule_flips_with_mfa_enable_and_deactivate() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "alice")]).await;
    h.root("CreateUser", &[("UserName", "svc")]).await;
    let reply = h
        .root(
            "CreateLoginProfile",
            &[("UserName", "alice"), ("Password", "Correct-Horse-42!")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let alice = user_id(&h, "alice");
    let svc = user_id(&h, "svc");

    assert_eq!(
        config_ok(&h, "PutConfigRule", json!({"ConfigRule": seed_004_rule()})).await,
        json!({})
    );
    // Described as AWS Config describes it: generated ID and ARN, state, mode.
    let described = config_ok(&h, "DescribeConfigRules", json!({})).await;
    let rule = &described["ConfigRules"][0];
    assert_eq!(described["ConfigRules"].as_array().unwrap().len(), 1);
    assert_eq!(rule["ConfigRuleName"], "mfa-enabled-for-iam-console-access");
    let id = rule["ConfigRuleId"].as_str().unwrap();
    assert!(id.starts_with("config-rule-") && id.len() == 18, "{id}");
    assert_eq!(
        rule["ConfigRuleArn"],
        format!("arn:aws:config:us-east-1:{ACCOUNT}:config-rule/{id}")
    );
    assert_eq!(rule["ConfigRuleState"], "ACTIVE");
    assert_eq!(rule["Source"], seed_004_rule()["Source"]);
    assert_eq!(rule["Scope"], seed_004_rule()["Scope"]);
    assert_eq!(rule["InputParameters"], "{}");
    assert_eq!(rule["Description"], seed_004_rule()["Description"]);
    assert_eq!(rule["EvaluationModes"], json!([{"Mode": "DETECTIVE"}]));

    // Evaluated on creation: alice has a console password and no MFA; svc has none.
    let name = "mfa-enabled-for-iam-console-access";
    let mut expected = vec![pair(&alice, "NON_COMPLIANT"), pair(&svc, "NOT_APPLICABLE")];
    expected.sort();
    assert_eq!(verdicts(&h, name).await, expected);
    assert_eq!(
        rule_compliance(&h, name).await,
        json!({"ComplianceType": "NON_COMPLIANT",
               "ComplianceContributorCount": {"CappedCount": 1, "CapExceeded": false}})
    );
    let details = config_ok(
        &h,
        "GetComplianceDetailsByConfigRule",
        json!({"ConfigRuleName": name, "ComplianceTypes": ["NON_COMPLIANT"]}),
    )
    .await;
    let result = &details["EvaluationResults"][0];
    assert_eq!(
        result,
        &json!({
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": name,
                    "ResourceType": "AWS::IAM::User",
                    "ResourceId": alice,
                    "EvaluationMode": "DETECTIVE",
                },
                "OrderingTimestamp": NOW,
            },
            "ComplianceType": "NON_COMPLIANT",
            "ResultRecordedTime": NOW,
            "ConfigRuleInvokedTime": NOW,
            "Annotation": "The user has a console password and no MFA device.",
        })
    );

    // Enabling MFA through IAM re-evaluates at once.
    let serial = provision(&h, 0, "alice");
    let k = known(0);
    let reply = enable(&h, "alice", &serial, k.code(STEP - 1), k.code(STEP)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut expected = vec![pair(&alice, "COMPLIANT"), pair(&svc, "NOT_APPLICABLE")];
    expected.sort();
    assert_eq!(verdicts(&h, name).await, expected);
    assert_eq!(
        rule_compliance(&h, name).await,
        json!({"ComplianceType": "COMPLIANT"})
    );

    // Deactivating the device flips it back.
    let reply = h
        .root(
            "DeactivateMFADevice",
            &[("UserName", "alice"), ("SerialNumber", &serial)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        verdicts(&h, name)
            .await
            .contains(&pair(&alice, "NON_COMPLIANT"))
    );

    // A console password makes the rule apply to svc; deleting alice drops her result.
    h.root(
        "CreateLoginProfile",
        &[("UserName", "svc"), ("Password", "Another-Horse-43!")],
    )
    .await;
    assert!(
        verdicts(&h, name)
            .await
            .contains(&pair(&svc, "NON_COMPLIANT"))
    );
    h.root("DeleteLoginProfile", &[("UserName", "alice")]).await;
    let reply = h.root("DeleteUser", &[("UserName", "alice")]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(verdicts(&h, name).await, vec![pair(&svc, "NON_COMPLIANT")]);
}

#[tokio::test]
async fn account_rules_follow_the_password_policy_and_root_mfa() {
    let h = harness();
    config_ok(
        &h,
        "PutConfigRule",
        json!({"ConfigRule": {
            "ConfigRuleName": "iam-password-policy",
            "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_PASSWORD_POLICY"},
            "InputParameters": "{\"MinimumPasswordLength\":\"12\",\"RequireSymbols\":\"false\",\"PasswordReusePrevention\":\"5\",\"MaxPasswordAge\":\"180\"}",
            "MaximumExecutionFrequency": "TwentyFour_Hours"
        }}),
    )
    .await;
    config_ok(
        &h,
        "PutConfigRule",
        json!({"ConfigRule": {
            "ConfigRuleName": "root-account-mfa-enabled",
            "Source": {"Owner": "AWS", "SourceIdentifier": "ROOT_ACCOUNT_MFA_ENABLED"}
        }}),
    )
    .await;
    assert_eq!(
        verdicts(&h, "iam-password-policy").await,
        vec![pair(ACCOUNT, "NON_COMPLIANT")]
    );
    let reply = h
        .root(
            "UpdateAccountPasswordPolicy",
            &[
                ("MinimumPasswordLength", "12"),
                ("RequireUppercaseCharacters", "true"),
                ("RequireLowercaseCharacters", "true"),
                ("RequireNumbers", "true"),
                ("PasswordReusePrevention", "5"),
                ("MaxPasswordAge", "180"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        verdicts(&h, "iam-password-policy").await,
        vec![pair(ACCOUNT, "COMPLIANT")]
    );
    h.root("DeleteAccountPasswordPolicy", &[]).await;
    assert_eq!(
        verdicts(&h, "iam-password-policy").await,
        vec![pair(ACCOUNT, "NON_COMPLIANT")]
    );
    let described = config_ok(
        &h,
        "DescribeConfigRules",
        json!({"ConfigRuleNames": ["iam-password-policy"]}),
    )
    .await;
    assert_eq!(
        described["ConfigRules"][0]["MaximumExecutionFrequency"],
        "TwentyFour_Hours"
    );

    // The root user has an access key and no MFA; a root device makes it compliant.
    assert_eq!(
        verdicts(&h, "root-account-mfa-enabled").await,
        vec![pair(ACCOUNT, "NON_COMPLIANT")]
    );
    let serial = provision(&h, 5, "root-account-mfa-device");
    let k = known(5);
    // The root user enrolls through the console (IAM's EnableMFADevice needs a
    // UserName), which does not go through the Query pipeline: evaluate on demand.
    ironiam_server::mfa::enable(
        &h.state,
        &ironiam_server::mfa::Origin::default(),
        ACCOUNT,
        &KeyOwner::Root,
        ACCOUNT,
        &serial,
        (k.code(STEP - 1), k.code(STEP)),
        NOW,
    )
    .unwrap();
    config_ok(&h, "StartConfigRulesEvaluation", json!({})).await;
    assert_eq!(
        verdicts(&h, "root-account-mfa-enabled").await,
        vec![pair(ACCOUNT, "COMPLIANT")]
    );
    // Root deactivates its own device through IAM (no UserName): re-evaluated at once.
    let reply = h
        .root("DeactivateMFADevice", &[("SerialNumber", &serial)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        verdicts(&h, "root-account-mfa-enabled").await,
        vec![pair(ACCOUNT, "NON_COMPLIANT")]
    );
}

#[tokio::test]
async fn access_keys_rotated_on_demand_and_after_key_changes() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "deploy")]).await;
    let deploy = user_id(&h, "deploy");
    config_ok(
        &h,
        "PutConfigRule",
        json!({"ConfigRule": {
            "ConfigRuleName": "keys",
            "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
            "InputParameters": "{\"maxAccessKeyAge\":\"30\"}"
        }}),
    )
    .await;
    assert_eq!(
        verdicts(&h, "keys").await,
        vec![pair(&deploy, "NOT_APPLICABLE")]
    );
    // A fresh key through IAM: compliant at once.
    let reply = h.root("CreateAccessKey", &[("UserName", "deploy")]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(verdicts(&h, "keys").await, vec![pair(&deploy, "COMPLIANT")]);
    // A 45-day-old key written behind the API's back shows on demand.
    let old = AccessKey {
        id: "AKIAOLDDEPLOYKEY0001".to_owned(),
        account_id: ACCOUNT.to_owned(),
        owner: KeyOwner::User(deploy.clone()),
        secret: h
            .state
            .master_key
            .encrypt(
                "AKIAOLDDEPLOYKEY0001",
                &ironiam_store::id::secret_access_key(&mut ironiam_store::id::OsRandom).unwrap(),
                &mut ironiam_store::id::OsRandom,
            )
            .unwrap(),
        status: AccessKeyStatus::Active,
        create_date: Timestamp::from_secs(NOW - 45 * 86_400),
        last_used: None,
    };
    h.state
        .store
        .write(|tx| tx.insert_access_key(&old))
        .unwrap();
    assert_eq!(verdicts(&h, "keys").await, vec![pair(&deploy, "COMPLIANT")]);
    config_ok(
        &h,
        "StartConfigRulesEvaluation",
        json!({"ConfigRuleNames": ["keys"]}),
    )
    .await;
    assert_eq!(
        verdicts(&h, "keys").await,
        vec![pair(&deploy, "NON_COMPLIANT")]
    );
    // Deactivating the stale key through IAM fixes it.
    let reply = h
        .root(
            "UpdateAccessKey",
            &[
                ("UserName", "deploy"),
                ("AccessKeyId", "AKIAOLDDEPLOYKEY0001"),
                ("Status", "Inactive"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(verdicts(&h, "keys").await, vec![pair(&deploy, "COMPLIANT")]);
}

#[tokio::test]
async fn put_is_idempotent_updates_by_arn_and_delete_takes_the_results() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "bob")]).await;
    let mut rule = seed_004_rule();
    config_ok(
        &h,
        "PutConfigRule",
        json!({"ConfigRule": rule, "Tags": [{"Key": "team", "Value": "sec"}]}),
    )
    .await;
    config_ok(&h, "PutConfigRule", json!({"ConfigRule": rule})).await;
    let described = config_ok(&h, "DescribeConfigRules", json!({})).await;
    assert_eq!(described["ConfigRules"].as_array().unwrap().len(), 1);
    let arn = described["ConfigRules"][0]["ConfigRuleArn"].clone();
    // Update by ARN alone: the name stays, the rule changes.
    rule = json!({
        "ConfigRuleArn": arn,
        "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"}
    });
    config_ok(&h, "PutConfigRule", json!({"ConfigRule": rule})).await;
    let described = config_ok(&h, "DescribeConfigRules", json!({})).await;
    let stored = &described["ConfigRules"][0];
    assert_eq!(
        stored["ConfigRuleName"],
        "mfa-enabled-for-iam-console-access"
    );
    assert_eq!(stored["ConfigRuleArn"], arn);
    assert_eq!(stored["Source"]["SourceIdentifier"], "IAM_USER_MFA_ENABLED");
    assert!(stored.get("Scope").is_none());
    // Re-evaluated under its new definition: bob has no MFA.
    let bob = user_id(&h, "bob");
    assert_eq!(
        verdicts(&h, "mfa-enabled-for-iam-console-access").await,
        vec![pair(&bob, "NON_COMPLIANT")]
    );
    config_ok(
        &h,
        "DeleteConfigRule",
        json!({"ConfigRuleName": "mfa-enabled-for-iam-console-access"}),
    )
    .await;
    let reply = config_err(
        &h,
        "GetComplianceDetailsByConfigRule",
        json!({"ConfigRuleName": "mfa-enabled-for-iam-console-access"}),
        "NoSuchConfigRuleException",
    )
    .await;
    assert_eq!(
        reply.message(),
        "The ConfigRule 'mfa-enabled-for-iam-console-access' provided in the request is invalid. Please check the configRule name."
    );
    assert_eq!(
        config_ok(&h, "DescribeConfigRules", json!({})).await,
        json!({"ConfigRules": []})
    );
}

#[tokio::test]
async fn errors_have_aws_config_form() {
    let h = harness();
    let put = |rule: Json| json!({"ConfigRule": rule});
    let reply = config_err(
        &h,
        "PutConfigRule",
        put(
            json!({"ConfigRuleName": "x", "Source": {"Owner": "CUSTOM_LAMBDA",
            "SourceIdentifier": "arn:aws:lambda:us-east-1:123456789012:function:f"}}),
        ),
        "InvalidParameterValueException",
    )
    .await;
    assert!(
        reply.message().contains("AWS managed rules only"),
        "{}",
        reply.body
    );
    let reply = config_err(
        &h,
        "PutConfigRule",
        put(json!({"ConfigRuleName": "x", "Source": {"Owner": "AWS",
            "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}})),
        "InvalidParameterValueException",
    )
    .await;
    assert!(reply.message().contains("S3_BUCKET_VERSIONING_ENABLED"));
    let reply = config_err(
        &h,
        "PutConfigRule",
        put(
            json!({"ConfigRuleName": "x", "InputParameters": "{\"maxAccessKeyAge\":\"soon\"}",
            "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"}}),
        ),
        "InvalidParameterValueException",
    )
    .await;
    assert_eq!(
        reply.message(),
        "parameter `maxAccessKeyAge` must be a non-negative integer, not `soon`."
    );
    let reply = config_err(
        &h,
        "PutConfigRule",
        put(json!({"ConfigRuleName": "x", "Source": {"Owner": "AWS",
            "SourceIdentifier": "IAM_USER_MFA_ENABLED",
            "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ScheduledNotification"}]}})),
        "InvalidParameterValueException",
    )
    .await;
    assert_eq!(
        reply.message(),
        "SourceDetails should be null/empty if owner is AWS."
    );
    config_err(
        &h,
        "PutConfigRule",
        put(json!({"Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"}})),
        "InvalidParameterValueException",
    )
    .await;
    config_err(
        &h,
        "PutConfigRule",
        put(json!({"ConfigRuleName": "x",
            "Scope": {"ComplianceResourceId": "AIDAX", "ComplianceResourceTypes": []},
            "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"}})),
        "InvalidParameterValueException",
    )
    .await;
    // Model violations are Coral's ValidationException.
    let reply = config_err(
        &h,
        "PutConfigRule",
        put(json!({"ConfigRuleName": "x", "Source": {"Owner": "SOMEONE"}})),
        "ValidationException",
    )
    .await;
    assert!(
        reply.message().contains("validation error"),
        "{}",
        reply.body
    );
    // Unknown rules, tokens and filters.
    for (operation, body) in [
        ("DescribeConfigRules", json!({"ConfigRuleNames": ["nope"]})),
        ("DeleteConfigRule", json!({"ConfigRuleName": "nope"})),
        (
            "StartConfigRulesEvaluation",
            json!({"ConfigRuleNames": ["nope"]}),
        ),
        (
            "DescribeComplianceByConfigRule",
            json!({"ConfigRuleNames": ["nope"]}),
        ),
        (
            "GetComplianceDetailsByConfigRule",
            json!({"ConfigRuleName": "nope"}),
        ),
    ] {
        config_err(&h, operation, body, "NoSuchConfigRuleException").await;
    }
    config_err(
        &h,
        "DescribeConfigRules",
        json!({"NextToken": "not-a-token"}),
        "InvalidNextTokenException",
    )
    .await;
    config_err(
        &h,
        "DescribeComplianceByConfigRule",
        json!({"ComplianceTypes": ["NOT_APPLICABLE"]}),
        "InvalidParameterValueException",
    )
    .await;
    config_ok(&h, "PutConfigRule", json!({"ConfigRule": seed_004_rule()})).await;
    config_err(
        &h,
        "GetComplianceDetailsByConfigRule",
        json!({"ConfigRuleName": "mfa-enabled-for-iam-console-access",
               "ComplianceTypes": ["INSUFFICIENT_DATA"]}),
        "InvalidParameterValueException",
    )
    .await;
    // No results yet (no users): INSUFFICIENT_DATA, without a count.
    assert_eq!(
        rule_compliance(&h, "mfa-enabled-for-iam-console-access").await,
        json!({"ComplianceType": "INSUFFICIENT_DATA"})
    );
}

#[tokio::test]
async fn results_page_with_limit_and_next_token() {
    let h = harness();
    for name in ["u1", "u2", "u3"] {
        h.root("CreateUser", &[("UserName", name)]).await;
    }
    config_ok(
        &h,
        "PutConfigRule",
        json!({"ConfigRule": {"ConfigRuleName": "all-users",
            "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"}}}),
    )
    .await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"ConfigRuleName": "all-users", "Limit": 2});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = config_ok(&h, "GetComplianceDetailsByConfigRule", body).await;
        let results = page["EvaluationResults"].as_array().unwrap();
        assert!(results.len() <= 2);
        seen.extend(results.iter().map(|r| {
            r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
                .as_str()
                .unwrap()
                .to_owned()
        }));
        match page.get("NextToken").and_then(Json::as_str) {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<String> = ["u1", "u2", "u3"].iter().map(|n| user_id(&h, n)).collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn rules_are_regional() {
    let h = harness();
    config_ok(&h, "PutConfigRule", json!({"ConfigRule": seed_004_rule()})).await;
    let west = config_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "us-west-2",
        "DescribeConfigRules",
        json!({}),
    )
    .await;
    assert_eq!(west.status, 200, "{}", west.body);
    assert_eq!(west.body, json!({"ConfigRules": []}));
    let reply = config_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "us-west-2",
        "PutConfigRule",
        json!({"ConfigRule": seed_004_rule()}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let west = config_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "us-west-2",
        "DescribeConfigRules",
        json!({}),
    )
    .await;
    let arn = west.body["ConfigRules"][0]["ConfigRuleArn"]
        .as_str()
        .unwrap();
    assert!(arn.starts_with(&format!("arn:aws:config:us-west-2:{ACCOUNT}:config-rule/")));
}

#[tokio::test]
async fn config_calls_are_authorized_by_the_policy_engine() {
    let h = harness();
    config_ok(&h, "PutConfigRule", json!({"ConfigRule": seed_004_rule()})).await;
    let described = config_ok(&h, "DescribeConfigRules", json!({})).await;
    let arn = described["ConfigRules"][0]["ConfigRuleArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let (key, secret) = h.user_with_key("auditor").await;
    let reply = config_as(
        &h,
        (&key, &secret),
        "us-east-1",
        "DescribeComplianceByConfigRule",
        json!({}),
    )
    .await;
    assert_eq!(reply.code(), "AccessDeniedException", "{}", reply.body);
    assert!(
        reply
            .message()
            .contains("is not authorized to perform: config:DescribeComplianceByConfigRule"),
        "{}",
        reply.body
    );
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["config:Describe*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "config:GetComplianceDetailsByConfigRule", "Resource": arn}
        ]
    })
    .to_string();
    let reply = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "auditor"),
                ("PolicyName", "read-compliance"),
                ("PolicyDocument", &policy),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    for (operation, body) in [
        ("DescribeComplianceByConfigRule", json!({})),
        (
            "GetComplianceDetailsByConfigRule",
            json!({"ConfigRuleName": "mfa-enabled-for-iam-console-access"}),
        ),
    ] {
        let reply = config_as(&h, (&key, &secret), "us-east-1", operation, body).await;
        assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
    }
    // Writes stay denied, on the rule's own ARN.
    let reply = config_as(
        &h,
        (&key, &secret),
        "us-east-1",
        "DeleteConfigRule",
        json!({"ConfigRuleName": "mfa-enabled-for-iam-console-access"}),
    )
    .await;
    assert_eq!(reply.code(), "AccessDeniedException", "{}", reply.body);
    assert!(reply.message().contains(&arn), "{}", reply.body);
    // A signature scoped to another service is refused.
    let request = crate::organizations::signed_json(
        "StarlingDoveService.DescribeConfigRules",
        "{}",
        (ROOT_ID, ROOT_SECRET),
        NOW,
        "organizations",
    );
    let reply = send_json(&h, request).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[tokio::test]
async fn the_console_page_shows_rules_and_verdicts_to_who_may_read_them() {
    use crate::console::{Browser, console_harness, console_user};
    let h = console_harness();
    console_user(&h, "alice", "Correct-Horse-42!", false, &[]).await;
    console_user(
        &h,
        "viewer",
        "Viewer-Horse-42!",
        false,
        &["arn:aws:iam::aws:policy/IAMReadOnlyAccess"],
    )
    .await;
    let mut root = Browser::new(&h);
    root.sign_in_root().await;
    let empty = root.visit("/console/compliance").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(
        empty.body.contains("has no AWS Config rules"),
        "{}",
        empty.body
    );
    assert!(
        empty
            .body
            .contains("<a href=\"/console/compliance\">MFA compliance</a>")
    );

    config_ok(&h, "PutConfigRule", json!({"ConfigRule": seed_004_rule()})).await;
    let page = root.visit("/console/compliance").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<h1>MFA compliance</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"));
    // alice and viewer both use a console password without MFA.
    assert!(
        page.body.contains("NON_COMPLIANT</span> 2 resources<"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<a href=\"/console/users/alice\">alice</a>")
    );
    assert!(
        page.body
            .contains("The user has a console password and no MFA device."),
        "{}",
        page.body
    );

    // IAMReadOnlyAccess grants no config: actions: the page says what was denied.
    let mut viewer = Browser::new(&h);
    viewer.sign_in("viewer", "Viewer-Horse-42!").await;
    let denied = viewer.visit("/console/compliance").await;
    assert_eq!(denied.status, 200, "{}", denied.body);
    assert!(
        denied
            .body
            .contains("is not authorized to perform: config:DescribeComplianceByConfigRule"),
        "{}",
        denied.body
    );
    assert!(!denied.body.contains("no MFA device."), "{}", denied.body);
}
