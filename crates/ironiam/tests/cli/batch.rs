//! `--batch`: JSON Lines in, JSON Lines out, in order.

use super::{ironiam, ironiam_stdin, stdout};

fn results(output: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_example_batch_decides_each_situation() {
    let output = ironiam(&["simulate", "--batch", "examples/batch.jsonl"]);
    assert_eq!(output.status.code(), Some(0));
    let seen: Vec<(String, String, String)> = results(&output)
        .iter()
        .map(|r| {
            (
                r["Id"].as_str().unwrap().to_string(),
                r["EvalActionName"].as_str().unwrap().to_string(),
                r["EvalDecision"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("long-term-keys", "ec2:DescribeInstances", "explicitDeny"),
        (
            "session-without-mfa",
            "ec2:DescribeInstances",
            "explicitDeny",
        ),
        ("session-with-mfa", "ec2:DescribeInstances", "allowed"),
        // AllowManageOwnUserMFA scopes to ${aws:username}; the Deny's NotAction exempts
        // iam:EnableMFADevice but not iam:DeactivateMFADevice.
        ("own-mfa-device", "iam:EnableMFADevice", "allowed"),
        ("own-mfa-device", "iam:DeactivateMFADevice", "explicitDeny"),
        // Alice's ${aws:username} does not name bob: nothing allows it.
        (
            "other-users-mfa-device",
            "iam:EnableMFADevice",
            "implicitDeny",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(seen, expected);
    let first = &results(&output)[0];
    assert_eq!(
        first["MatchedStatements"][0]["Sid"],
        "DenyAllExceptListedIfNoMFA"
    );
    assert_eq!(
        first["MatchedStatements"][0]["SourcePolicyId"],
        "PolicyInputList.1"
    );
    assert_eq!(
        first["MissingContextValues"],
        serde_json::json!(["aws:MultiFactorAuthPresent"])
    );
}

#[test]
fn order_ids_and_errors_are_kept_line_by_line() {
    let allow = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"#;
    let input = [
        format!(r#"{{"Id":"first","PolicyInputList":["{allow}"],"ActionName":"s3:GetObject"}}"#),
        String::new(),
        r#"{"Id":"broken","PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"],"ActionName":"s3:GetObject"}"#.to_string(),
        "this is not json".to_string(),
        r#"{"Id":"no-action","PolicyInputList":[]}"#.to_string(),
        r#"{"Id":"bad-type","ActionName":"s3:GetObject","ContextEntries":[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["1.2.3.4"],"ContextKeyType":"ipAddress"}]}"#.to_string(),
        format!(r#"{{"Id":"last","PolicyInputList":["{allow}"],"ActionName":"ec2:RunInstances"}}"#),
    ]
    .join("\n");
    let output = ironiam_stdin(&["simulate", "--batch", "-"], &input);
    assert_eq!(output.status.code(), Some(0));
    let results = results(&output);
    assert_eq!(results.len(), 6, "the blank line is skipped");
    assert_eq!(results[0]["Id"], "first");
    assert_eq!(results[0]["EvalDecision"], "allowed");
    assert_eq!(results[1]["Id"], "broken");
    let error = results[1]["Error"].as_str().unwrap();
    assert!(error.starts_with("PolicyInputList.1:1:"), "{error}");
    assert_eq!(results[1]["Line"], 3);
    assert!(results[2].get("Id").is_none());
    assert!(
        results[2]["Error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON")
    );
    assert_eq!(results[3]["Id"], "no-action");
    assert!(results[3]["Error"].as_str().unwrap().contains("ActionName"));
    assert_eq!(results[4]["Id"], "bad-type");
    assert!(results[4]["Error"].as_str().unwrap().contains("ipAddress"));
    assert_eq!(results[5]["Id"], "last");
    assert_eq!(results[5]["EvalDecision"], "implicitDeny");
}

#[test]
fn an_unreadable_batch_file_exits_2() {
    let output = ironiam(&["simulate", "--batch", "examples/does-not-exist.jsonl"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn batch_excludes_single_request_flags() {
    let output = ironiam(&[
        "simulate",
        "--batch",
        "examples/batch.jsonl",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(output.status.code(), Some(2));
}
