//! `ironiam report` on data directories written through the store: exit codes,
//! the three formats, stored rules and defaults, and what it refuses.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use ironiam_store::record::{
    AccessKey, AccessKeyStatus, Account, ConfigRule, ConfigRuleState, KeyOwner, LoginProfile,
    MfaAssignment, MfaVerification, PasswordPolicy, Timestamp, User, VirtualMfaDevice, arn,
};
use ironiam_store::secret::{EncryptedSecret, PasswordHash};
use ironiam_store::{SqliteStore, StoreExt, Transaction};
use tempfile::TempDir;

use crate::{ironiam, stderr, stdout};

const ACCOUNT: &str = "111122223333";
const MEMBER: &str = "444455556666";

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn account(id: &str, policy: Option<PasswordPolicy>) -> Account {
    Account {
        id: id.to_owned(),
        alias: None,
        password_policy: policy,
        root_password: None,
        create_date: Timestamp::from_secs(now()),
    }
}

fn user(account: &str, name: &str) -> User {
    User {
        id: format!("AIDA{}", name.to_uppercase()),
        account_id: account.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        arn: arn(account, "user", "/", name),
        create_date: Timestamp::from_secs(now()),
        permissions_boundary: None,
        tags: Vec::new(),
        password_last_used: None,
    }
}

fn with_console_password(tx: &mut dyn Transaction, user: &User) {
    tx.insert_login_profile(&LoginProfile {
        user_id: user.id.clone(),
        password_hash: PasswordHash::from_phc("$argon2id$stand-in".to_owned()),
        password_reset_required: false,
        create_date: Timestamp::from_secs(now()),
        password_history: Vec::new(),
        password_changed: None,
    })
    .unwrap();
}

fn with_mfa(tx: &mut dyn Transaction, account: &str, owner: KeyOwner, name: &str) {
    tx.insert_virtual_mfa_device(&VirtualMfaDevice {
        serial_number: arn(account, "mfa", "/", name),
        account_id: account.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        // The report never opens seeds; an opaque blob stands in for a sealed one.
        seed: EncryptedSecret::from_bytes(vec![7; 40]),
        tags: Vec::new(),
        create_date: Timestamp::from_secs(now()),
        assignment: Some(MfaAssignment {
            owner,
            enable_date: Timestamp::from_secs(now()),
        }),
        verification: MfaVerification::default(),
        creator: None,
    })
    .unwrap();
}

fn with_key(tx: &mut dyn Transaction, account: &str, owner: KeyOwner, id: &str, days_old: i64) {
    tx.insert_access_key(&AccessKey {
        id: id.to_owned(),
        account_id: account.to_owned(),
        owner,
        secret: EncryptedSecret::from_bytes(vec![9; 40]),
        status: AccessKeyStatus::Active,
        create_date: Timestamp::from_secs(now() - days_old * 86_400),
        last_used: None,
    })
    .unwrap();
}

fn config_rule(account: &str, name: &str, identifier: &str, parameters: &str) -> ConfigRule {
    let id = format!("config-rule-{}", &name[..6]);
    ConfigRule {
        arn: format!("arn:aws:config:us-east-1:{account}:config-rule/{id}"),
        id: format!("{id}-{account}"),
        account_id: account.to_owned(),
        region: "us-east-1".to_owned(),
        name: name.to_owned(),
        description: None,
        source_identifier: identifier.to_owned(),
        input_parameters: Some(parameters.to_owned()),
        scope: None,
        maximum_execution_frequency: None,
        state: ConfigRuleState::Active,
        tags: Vec::new(),
        create_date: Timestamp::from_secs(now()),
        last_evaluated: None,
    }
}

/// Account 111122223333: alice (console password, MFA), bob (console password, no
/// MFA), svc (no console password, keys 200 and 150 days old); root with a key and no MFA;
/// no password policy; the console rule stored. Account 444455556666: no users, root
/// with MFA, a strict password policy, no stored rules.
fn data_dir() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    store
        .write(|tx| {
            tx.insert_account(&account(ACCOUNT, None))?;
            let alice = user(ACCOUNT, "alice");
            let bob = user(ACCOUNT, "bob");
            let svc = user(ACCOUNT, "svc");
            for u in [&alice, &bob, &svc] {
                tx.insert_user(u)?;
            }
            with_console_password(tx, &alice);
            with_console_password(tx, &bob);
            with_mfa(tx, ACCOUNT, KeyOwner::User(alice.id.clone()), "alice");
            with_key(
                tx,
                ACCOUNT,
                KeyOwner::User(svc.id.clone()),
                "AKIASVCOLDKEY0000001",
                200,
            );
            with_key(
                tx,
                ACCOUNT,
                KeyOwner::User(svc.id.clone()),
                "AKIASVCOLDKEY0000002",
                150,
            );
            with_key(tx, ACCOUNT, KeyOwner::Root, "AKIAROOTKEY000000001", 1);
            tx.insert_config_rule(&config_rule(
                ACCOUNT,
                "mfa-enabled-for-iam-console-access",
                "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
                "{}",
            ))?;
            let strict = PasswordPolicy {
                minimum_password_length: 16,
                require_symbols: true,
                require_numbers: true,
                require_uppercase_characters: true,
                require_lowercase_characters: true,
                allow_users_to_change_password: true,
                max_password_age: Some(60),
                password_reuse_prevention: Some(24),
                hard_expiry: false,
            };
            tx.insert_account(&account(MEMBER, Some(strict)))?;
            with_mfa(tx, MEMBER, KeyOwner::Root, "root-account-mfa-device");
            Ok::<_, ironiam_store::StoreError>(())
        })
        .unwrap();
    dir
}

fn report(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["report", "--data-dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    ironiam(&args)
}

#[test]
fn stored_rules_table_names_the_failing_user_and_exits_1() {
    let dir = data_dir();
    let out = report(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Account 111122223333"), "{text}");
    let bob = text.lines().find(|l| l.contains(" bob ")).unwrap();
    assert!(bob.contains("NON_COMPLIANT"), "{bob}");
    assert!(bob.contains("The user has a console password and no MFA device."));
    let alice = text.lines().find(|l| l.contains(" alice ")).unwrap();
    assert!(
        alice.contains("COMPLIANT") && !alice.contains("NON_COMPLIANT"),
        "{alice}"
    );
    let svc = text.lines().find(|l| l.contains(" svc ")).unwrap();
    assert!(svc.contains("NOT_APPLICABLE"), "{svc}");
    // The member account has no stored rules, and says so.
    assert!(
        text.contains("Account 444455556666\n  no Config rules"),
        "{text}"
    );
    assert!(
        text.contains("NON_COMPLIANT: 1 resources under 1 of 1 rules."),
        "{text}"
    );
}

#[test]
fn defaults_run_all_five_rules_on_every_account() {
    let dir = data_dir();
    let out = report(dir.path(), &["--rules", "defaults", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let accounts = json["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["account_id"], ACCOUNT);
    let rule = |account: &serde_json::Value, identifier: &str| -> serde_json::Value {
        account["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["source_identifier"] == identifier)
            .unwrap()
            .clone()
    };
    let main = &accounts[0];
    assert_eq!(main["rules"].as_array().unwrap().len(), 5);
    let console = rule(main, "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS");
    assert_eq!(console["name"], "mfa-enabled-for-iam-console-access");
    assert_eq!(console["compliance"], "NON_COMPLIANT");
    assert_eq!(console["non_compliant_resources"], 1);
    let every_user = rule(main, "IAM_USER_MFA_ENABLED");
    assert_eq!(every_user["non_compliant_resources"], 2, "{every_user}");
    let root = rule(main, "ROOT_ACCOUNT_MFA_ENABLED");
    assert_eq!(root["results"][0]["resource_type"], "AWS::::Account");
    assert_eq!(root["results"][0]["compliance"], "NON_COMPLIANT");
    assert_eq!(
        rule(main, "IAM_PASSWORD_POLICY")["results"][0]["annotation"],
        "No account password policy is set."
    );
    let keys = rule(main, "ACCESS_KEYS_ROTATED");
    let svc = keys["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource_name"] == "svc")
        .unwrap();
    assert_eq!(svc["compliance"], "NON_COMPLIANT");
    assert_eq!(svc["resource_id"], "AIDASVC");
    assert!(
        svc["annotation"]
            .as_str()
            .unwrap()
            .contains("AKIASVCOLDKEY0000001 (200 days old)")
    );
    // The member account: root MFA and a strict policy; no users.
    let member = &accounts[1];
    assert_eq!(
        rule(member, "ROOT_ACCOUNT_MFA_ENABLED")["compliance"],
        "COMPLIANT"
    );
    assert_eq!(
        rule(member, "IAM_PASSWORD_POLICY")["compliance"],
        "COMPLIANT"
    );
    assert_eq!(
        rule(member, "IAM_USER_MFA_ENABLED")["compliance"],
        "INSUFFICIENT_DATA"
    );
}

#[test]
fn a_compliant_account_exits_0() {
    let dir = data_dir();
    let out = report(
        dir.path(),
        &[
            "--rules",
            "defaults",
            "--account",
            MEMBER,
            "--format",
            "table",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Nothing is NON_COMPLIANT (5 rules)."),
        "{text}"
    );
    assert!(!text.contains(ACCOUNT), "{text}");
    // Stored rules of an account that has none: nothing fails.
    let out = report(dir.path(), &["--account", MEMBER]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn csv_has_a_header_and_a_row_per_resource() {
    let dir = data_dir();
    let out = report(dir.path(), &["--format", "csv", "--account", ACCOUNT]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "account_id,rule_name,region,source_identifier,rule_compliance,resource_type,\
         resource_id,resource_name,compliance_type,annotation"
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(
        lines[2],
        "111122223333,mfa-enabled-for-iam-console-access,us-east-1,\
         MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS,NON_COMPLIANT,AWS::IAM::User,AIDABOB,bob,\
         NON_COMPLIANT,The user has a console password and no MFA device."
    );
    // Annotations with commas are quoted (RFC 4180).
    let out = report(
        dir.path(),
        &[
            "--format",
            "csv",
            "--rules",
            "defaults",
            "--account",
            ACCOUNT,
        ],
    );
    let text = stdout(&out);
    assert!(
        text.contains(
            ",NON_COMPLIANT,\"Active access keys older than 90 days: AKIASVCOLDKEY0000001 \
             (200 days old), AKIASVCOLDKEY0000002 (150 days old).\"\r\n"
        ),
        "{text}"
    );
}

#[test]
fn report_never_writes_and_refuses_what_it_cannot_read() {
    let dir = data_dir();
    let database = dir.path().join(ironiam_store::sqlite::DATABASE_FILE);
    let before = std::fs::read(&database).unwrap();
    let out = report(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&database).unwrap(), before);

    let empty = tempfile::tempdir().unwrap();
    let out = report(empty.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no ironiam database"),
        "{}",
        stderr(&out)
    );
    assert!(
        !empty
            .path()
            .join(ironiam_store::sqlite::DATABASE_FILE)
            .exists()
    );

    let out = report(dir.path(), &["--account", "999999999999"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no account `999999999999` in this data directory\n"
    );

    let out = report(dir.path(), &["--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'yaml'"),
        "{}",
        stderr(&out)
    );
}
