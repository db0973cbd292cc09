#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use super::batch::process_line;
use super::scenario::parse_resource_owner;

#[test]
fn resource_owner_is_an_account_id_or_root_arn() {
    assert_eq!(
        parse_resource_owner("111122223333").unwrap(),
        "111122223333"
    );
    assert_eq!(
        parse_resource_owner("arn:aws:iam::111122223333:root").unwrap(),
        "111122223333"
    );
    for bad in [
        "1111",
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:s3:::bucket",
        "",
    ] {
        assert!(parse_resource_owner(bad).is_err(), "{bad}");
    }
}

fn one(line: &str) -> serde_json::Value {
    let results = process_line(line, 1);
    assert_eq!(results.len(), 1, "{results:?}");
    serde_json::from_str(&results[0]).unwrap()
}

const ALLOW_S3: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S3\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"#;

#[test]
fn a_request_without_allow_is_an_implicit_deny() {
    let line =
        format!(r#"{{"Id":7,"PolicyInputList":["{ALLOW_S3}"],"ActionName":"ec2:RunInstances"}}"#);
    let result = one(&line);
    assert_eq!(result["Id"], 7);
    assert_eq!(result["EvalDecision"], "implicitDeny");
    assert_eq!(result["ReasonCode"], "NoIdentityPolicyAllow");
    assert_eq!(result["MatchedStatements"], serde_json::json!([]));
    assert!(result.get("Statements").is_none());
}

#[test]
fn action_names_and_resource_arns_multiply() {
    let line = format!(
        r#"{{"Id":"m","PolicyInputList":["{ALLOW_S3}"],"ActionNames":["s3:GetObject","ec2:RunInstances"],"ResourceArns":["arn:aws:s3:::a/1","arn:aws:s3:::b/2"]}}"#
    );
    let results: Vec<serde_json::Value> = process_line(&line, 1)
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect();
    let seen: Vec<(&str, &str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["EvalActionName"].as_str().unwrap(),
                r["EvalResourceName"].as_str().unwrap(),
                r["EvalDecision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("s3:GetObject", "arn:aws:s3:::a/1", "allowed"),
            ("s3:GetObject", "arn:aws:s3:::b/2", "allowed"),
            ("ec2:RunInstances", "arn:aws:s3:::a/1", "implicitDeny"),
            ("ec2:RunInstances", "arn:aws:s3:::b/2", "implicitDeny"),
        ]
    );
    assert!(results.iter().all(|r| r["Id"] == "m"));
}

#[test]
fn service_control_policies_bound_every_level() {
    // The account allows s3:*, the organization root allows only ec2:*: AWS's SCP rule
    // is that every level must allow.
    let allow_ec2 = ALLOW_S3.replace("s3:*", "ec2:*");
    let line = format!(
        r#"{{"PolicyInputList":["{ALLOW_S3}"],"ServiceControlPolicies":[["{allow_ec2}"],["{ALLOW_S3}"]],"ActionName":"s3:GetObject"}}"#
    );
    let result = one(&line);
    assert_eq!(result["EvalDecision"], "implicitDeny");
    assert_eq!(result["ReasonCode"], "ServiceControlPolicyNoAllow");
}

#[test]
fn bad_lines_become_errors_with_the_id() {
    let result = one(r#"{"Id":"x","PolicyInputList":["{}"],"ActionName":"s3:GetObject"}"#);
    assert_eq!(result["Id"], "x");
    assert!(
        result["Error"]
            .as_str()
            .unwrap()
            .starts_with("PolicyInputList.1:1:"),
        "{result}"
    );

    let result = one(r#"{"Id":"y","PolicyInputList":[]}"#);
    assert!(
        result["Error"].as_str().unwrap().contains("ActionName"),
        "{result}"
    );

    let result = one(r#"{"Id":"z","ActionName":"s3:GetObject","ActoinNames":[]}"#);
    assert!(
        result["Error"].as_str().unwrap().contains("ActoinNames"),
        "{result}"
    );

    let result = one(r#"{"Id":"c","ActionName":"s3:GetObject","CallerArn":"alice"}"#);
    assert!(
        result["Error"].as_str().unwrap().contains("caller"),
        "{result}"
    );

    let result = one("{not json");
    assert!(result.get("Id").is_none());
    assert!(
        result["Error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON")
    );
}
