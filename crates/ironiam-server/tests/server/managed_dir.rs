//! `--managed-policies-dir`: user-supplied AWS managed policies.

use std::sync::Arc;

use ironiam_server::clock::FixedClock;
use ironiam_server::{AppState, Config, router};

use crate::harness::*;

fn policy(name: &str, description: &str, action: &str) -> String {
    format!(
        r#"{{"PolicyName":"{name}","Arn":"arn:aws:iam::aws:policy/{name}","Path":"/",
"Description":"{description}","DefaultVersionId":"v3","CreateDate":"2020-01-02T03:04:05Z",
"UpdateDate":"2021-01-02T03:04:05Z","Document":{{"Version":"2012-10-17",
"Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}}}"#
    )
}

fn open_err(dir: &std::path::Path) -> String {
    match open(dir) {
        Ok(_) => panic!("{} should not load", dir.display()),
        Err(err) => err,
    }
}

fn open(dir: &std::path::Path) -> Result<Harness, String> {
    let mut config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
    config.managed_policies_dir = Some(dir.to_path_buf());
    let clock = FixedClock::at(NOW);
    let (state, _) = AppState::open(&config, Arc::new(clock.clone())).map_err(|e| e.to_string())?;
    Ok(Harness {
        app: router(state.clone()),
        clock,
        state,
    })
}

#[tokio::test]
async fn user_supplied_managed_policies_are_loaded_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("SqsReader.json"),
        policy("SqsReader", "read queues", "sqs:ReceiveMessage"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("AdministratorAccess.json"),
        policy("AdministratorAccess", "replaced", "s3:*"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a policy").unwrap();
    let h = open(dir.path()).unwrap();
    for _ in 0..2 {
        let reply = h
            .root(
                "GetPolicy",
                &[("PolicyArn", "arn:aws:iam::aws:policy/SqsReader")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            (reply.field("DefaultVersionId"), reply.field("Description")),
            (Some("v3"), Some("read queues"))
        );
        let version = h
            .root(
                "GetPolicyVersion",
                &[
                    ("PolicyArn", "arn:aws:iam::aws:policy/SqsReader"),
                    ("VersionId", "v3"),
                ],
            )
            .await;
        assert!(
            version.body.contains("sqs%3AReceiveMessage"),
            "{}",
            version.body
        );
        let admin = h
            .root(
                "GetPolicy",
                &[("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess")],
            )
            .await;
        assert_eq!(admin.field("Description"), Some("replaced"));
        let listed = h.root("ListPolicies", &[("Scope", "AWS")]).await;
        assert_eq!(
            listed
                .body
                .matches("<PolicyName>AdministratorAccess<")
                .count(),
            1
        );
        assert!(listed.body.contains("<PolicyName>PowerUserAccess<"));
        // A reset reinstalls them.
        h.state.reset().unwrap();
    }

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("Broken.json"), "{ not json").unwrap();
    let err = open_err(bad.path());
    assert!(err.contains("Broken.json"), "{err}");
    let invalid = tempfile::tempdir().unwrap();
    std::fs::write(
        invalid.path().join("Invalid.json"),
        policy("Invalid", "bad action", "not-an-action"),
    )
    .unwrap();
    let err = open_err(invalid.path());
    assert!(
        err.contains("Invalid.json") && err.contains("invalid `Document`"),
        "{err}"
    );
    let wrong_arn = tempfile::tempdir().unwrap();
    std::fs::write(
        wrong_arn.path().join("Wrong.json"),
        policy("Wrong", "d", "s3:*").replace("aws:policy/Wrong", "aws:policy/Other"),
    )
    .unwrap();
    let err = open_err(wrong_arn.path());
    assert!(err.contains("Wrong.json") && err.contains("`Arn`"), "{err}");
}
