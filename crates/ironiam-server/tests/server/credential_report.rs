//! GetAccountSummary's MFA counts, and the credential report's columns,
//! snapshot and regeneration rules, on the fixed clock.

use std::path::Path;

use ironiam_server::mfa;
use ironiam_store::record::KeyOwner;
use serde_json::Value;

use crate::harness::*;
use crate::mfa::{STEP, enable, known, provision};

/// AWS's header line, written out here rather than taken from the server.
const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

const CREATED: &str = "2023-11-14T22:13:20+00:00";

fn summary_keys() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ironiam-protocol/models/iam-2010-05-08.json");
    let model: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    model["shapes"]["summaryKeyType"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect()
}

fn entry(body: &str, key: &str) -> Option<String> {
    between(body, &format!("<key>{key}</key><value>"), "</value>").map(str::to_owned)
}

#[tokio::test]
async fn account_summary_has_every_key_and_counts_mfa_devices() {
    let h = harness();
    let reply = h.root("GetAccountSummary", &[]).await;
    let keys = summary_keys();
    assert_eq!(keys.len(), 34);
    for key in &keys {
        assert_eq!(
            reply.body.matches(&format!("<key>{key}</key>")).count(),
            1,
            "{key}: {}",
            reply.body
        );
    }
    assert_eq!(reply.body.matches("<entry>").count(), keys.len());
    for key in ["AccountMFAEnabled", "MFADevices", "MFADevicesInUse"] {
        assert_eq!(entry(&reply.body, key).as_deref(), Some("0"));
    }

    h.root("CreateUser", &[("UserName", "alice")]).await;
    let alice = provision(&h, 0, "alice");
    let root = provision(&h, 1, "root-account-mfa-device");
    provision(&h, 2, "spare");
    let k = known(0);
    assert_eq!(
        enable(&h, "alice", &alice, k.code(STEP - 1), k.code(STEP))
            .await
            .status,
        200
    );
    let reply = h.root("GetAccountSummary", &[]).await;
    assert_eq!(entry(&reply.body, "MFADevices").as_deref(), Some("3"));
    assert_eq!(entry(&reply.body, "MFADevicesInUse").as_deref(), Some("1"));
    assert_eq!(
        entry(&reply.body, "AccountMFAEnabled").as_deref(),
        Some("0")
    );

    let k = known(1);
    mfa::enable(
        &h.state,
        &mfa::Origin::default(),
        ACCOUNT,
        &KeyOwner::Root,
        ACCOUNT,
        &root,
        (k.code(STEP - 1), k.code(STEP)),
        NOW,
    )
    .unwrap();
    let reply = h.root("GetAccountSummary", &[]).await;
    assert_eq!(entry(&reply.body, "MFADevicesInUse").as_deref(), Some("2"));
    assert_eq!(
        entry(&reply.body, "AccountMFAEnabled").as_deref(),
        Some("1")
    );
    assert_eq!(entry(&reply.body, "UsersQuota").as_deref(), Some("5000"));
}

/// The report's CSV, decoded from the response's base64 by hand.
fn report_rows(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.field("ReportFormat"), Some("text/csv"));
    let content = reply.field("Content").unwrap();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in content.bytes().filter(|&c| c != b'=') {
        acc = (acc << 6) | alphabet.iter().position(|&a| a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8(bytes)
        .unwrap()
        .split('\n')
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn credential_report_is_a_snapshot_regenerated_after_four_hours() {
    let h = harness();
    let reply = h.root("GetCredentialReport", &[]).await;
    assert_eq!(reply.status, 410);
    assert_eq!(reply.code(), Some("ReportNotPresent"));

    h.root(
        "UpdateAccountPasswordPolicy",
        &[("MaxPasswordAge", "90"), ("MinimumPasswordLength", "8")],
    )
    .await;
    let (key_id, secret) = h.user_with_key("alice").await;
    let reply = h
        .root(
            "CreateLoginProfile",
            &[("UserName", "alice"), ("Password", "correct-horse-9")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    h.root("CreateUser", &[("UserName", "bob")]).await;
    let serial = provision(&h, 0, "alice");

    let reply = h.root("GenerateCredentialReport", &[]).await;
    assert_eq!(reply.field("State"), Some("STARTED"));
    assert_eq!(
        reply.field("Description"),
        Some("No report exists. Starting a new report generation task")
    );
    let first = h.root("GetCredentialReport", &[]).await;
    assert_eq!(first.field("GeneratedTime"), Some("2023-11-14T22:13:20Z"));
    let rows = report_rows(&first);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[0], HEADER);
    assert_eq!(HEADER.split(',').count(), 22);
    // The root user: its access key was used by the calls above, in IAM.
    assert_eq!(
        rows[1],
        format!(
            "<root_account>,arn:aws:iam::{ACCOUNT}:root,{CREATED},not_supported,no_information,not_supported,not_supported,false,true,{CREATED},{CREATED},us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        )
    );
    // alice: a password (never used) that expires after 90 days, one unused key.
    assert_eq!(
        rows[2],
        format!(
            "alice,arn:aws:iam::{ACCOUNT}:user/alice,{CREATED},true,no_information,{CREATED},2024-02-12T22:13:20+00:00,false,true,{CREATED},N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        )
    );
    assert_eq!(
        rows[3],
        format!(
            "bob,arn:aws:iam::{ACCOUNT}:user/bob,{CREATED},false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        )
    );

    // alice enables MFA and uses her key; within four hours the report is
    // not regenerated, and still says what it said.
    let k = known(0);
    assert_eq!(
        enable(&h, "alice", &serial, k.code(STEP - 1), k.code(STEP))
            .await
            .status,
        200
    );
    h.clock.advance(3 * 3600);
    h.root(
        "AttachUserPolicy",
        &[
            ("UserName", "alice"),
            ("PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
        ],
    )
    .await;
    assert_eq!(
        h.call_as((&key_id, &secret), "GetUser", &[]).await.status,
        200
    );
    let reply = h.root("GenerateCredentialReport", &[]).await;
    assert_eq!(reply.field("State"), Some("COMPLETE"));
    assert_eq!(reply.field("Description"), None);
    assert_eq!(report_rows(&h.root("GetCredentialReport", &[]).await), rows);

    // Four hours after generation it has expired; a new one has the change.
    h.clock.set(NOW + 4 * 3600);
    let reply = h.root("GetCredentialReport", &[]).await;
    assert_eq!(reply.status, 410);
    assert_eq!(reply.code(), Some("ReportExpired"));
    let reply = h.root("GenerateCredentialReport", &[]).await;
    assert_eq!(reply.field("State"), Some("STARTED"));
    assert_eq!(reply.field("Description"), None);
    let second = h.root("GetCredentialReport", &[]).await;
    assert_eq!(second.field("GeneratedTime"), Some("2023-11-15T02:13:20Z"));
    let rows = report_rows(&second);
    let alice: Vec<&str> = rows[2].split(',').collect();
    assert_eq!(alice[7], "true", "mfa_active: {rows:?}");
    let used = "2023-11-15T01:13:20+00:00";
    assert_eq!(&alice[8..13], ["true", CREATED, used, "us-east-1", "iam"]);
    let bob: Vec<&str> = rows[3].split(',').collect();
    assert_eq!(bob[7], "false");
    // Deactivated, and regenerated four hours later: false again.
    h.root(
        "DeactivateMFADevice",
        &[("UserName", "alice"), ("SerialNumber", &serial)],
    )
    .await;
    h.clock.advance(4 * 3600);
    h.root("GenerateCredentialReport", &[]).await;
    let rows = report_rows(&h.root("GetCredentialReport", &[]).await);
    assert_eq!(rows[2].split(',').nth(7), Some("false"));
}
