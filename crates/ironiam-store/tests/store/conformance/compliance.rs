//! AWS Config rules and evaluation results, on every backend.

use std::sync::Arc;

use ironiam_store::record::{
    ComplianceType, ConfigRule, ConfigRuleScope, ConfigRuleState, EvaluationResult, Tag, Timestamp,
};
use ironiam_store::{Entity, Store, StoreError, StoreExt};

use crate::fixture::*;

fn rule(name: &str, region: &str) -> ConfigRule {
    let id = format!("config-rule-{}", &name.to_lowercase()[..6.min(name.len())]);
    ConfigRule {
        arn: format!("arn:aws:config:{region}:{ACCOUNT}:config-rule/{id}-{region}"),
        id: format!("{id}-{region}"),
        account_id: ACCOUNT.to_owned(),
        region: region.to_owned(),
        name: name.to_owned(),
        description: Some("Checks MFA".to_owned()),
        source_identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS".to_owned(),
        input_parameters: Some("{}".to_owned()),
        scope: Some(ConfigRuleScope {
            resource_types: vec!["AWS::IAM::User".to_owned()],
            ..ConfigRuleScope::default()
        }),
        maximum_execution_frequency: None,
        state: ConfigRuleState::Active,
        tags: vec![Tag {
            key: "team".to_owned(),
            value: "security".to_owned(),
        }],
        create_date: NOW,
        last_evaluated: None,
    }
}

fn result(rule: &ConfigRule, user: &str, compliance: ComplianceType, at: i64) -> EvaluationResult {
    EvaluationResult {
        rule_id: rule.id.clone(),
        resource_type: "AWS::IAM::User".to_owned(),
        resource_id: format!("AIDA{}", user.to_uppercase()),
        compliance,
        annotation: Some(format!("{user} was checked")),
        ordering_time: Timestamp::from_secs(at),
        invoked_time: Timestamp::from_secs(at + 1),
        recorded_time: Timestamp::from_secs(at + 2),
    }
}

fn is_rule_not_found(err: &StoreError) -> bool {
    matches!(
        err,
        StoreError::NotFound {
            entity: Entity::ConfigRule,
            ..
        }
    )
}

pub(super) fn config_rule_crud(store: &Arc<dyn Store>) {
    let console = rule("mfa-enabled-for-iam-console-access", "us-east-1");
    store.write(|tx| tx.insert_config_rule(&console)).unwrap();
    assert_eq!(
        store
            .read(|tx| tx.get_config_rule(ACCOUNT, "us-east-1", &console.name))
            .unwrap(),
        console
    );
    // AWS Config compares rule names exactly.
    let err = store
        .read(|tx| tx.get_config_rule(ACCOUNT, "us-east-1", "MFA-ENABLED-FOR-IAM-CONSOLE-ACCESS"))
        .unwrap_err();
    assert!(is_rule_not_found(&err), "{err:?}");
    let err = store
        .write(|tx| {
            let mut again = rule("mfa-enabled-for-iam-console-access", "us-east-1");
            again.id = "config-rule-other1".to_owned();
            again.arn = "arn:aws:config:us-east-1:123456789012:config-rule/other".to_owned();
            tx.insert_config_rule(&again)
        })
        .unwrap_err();
    assert!(is_already_exists(&err), "{err:?}");

    // The mutable parts change; name, ARN, region, tags and creation date stay.
    let mut changed = console.clone();
    changed.description = None;
    changed.input_parameters = None;
    changed.scope = None;
    changed.maximum_execution_frequency = Some("One_Hour".to_owned());
    changed.state = ConfigRuleState::Evaluating;
    changed.last_evaluated = Some(Timestamp::from_secs(1_800_000_000));
    changed.tags = Vec::new();
    changed.name = "renamed".to_owned();
    store.write(|tx| tx.update_config_rule(&changed)).unwrap();
    let got = store
        .read(|tx| tx.get_config_rule(ACCOUNT, "us-east-1", &console.name))
        .unwrap();
    assert_eq!(got.description, None);
    assert_eq!(got.scope, None);
    assert_eq!(got.input_parameters, None);
    assert_eq!(got.maximum_execution_frequency.as_deref(), Some("One_Hour"));
    assert_eq!(got.state, ConfigRuleState::Evaluating);
    assert_eq!(
        got.last_evaluated,
        Some(Timestamp::from_secs(1_800_000_000))
    );
    assert_eq!(got.tags, console.tags);
    assert_eq!(got.name, console.name);

    let mut missing = console.clone();
    missing.id = "config-rule-nosuch".to_owned();
    let err = store
        .write(|tx| tx.update_config_rule(&missing))
        .unwrap_err();
    assert!(is_rule_not_found(&err), "{err:?}");

    store
        .write(|tx| tx.delete_config_rule(ACCOUNT, "us-east-1", &console.name))
        .unwrap();
    let err = store
        .write(|tx| tx.delete_config_rule(ACCOUNT, "us-east-1", &console.name))
        .unwrap_err();
    assert!(is_rule_not_found(&err), "{err:?}");
    assert!(
        store
            .read(|tx| tx.list_config_rules(ACCOUNT, None))
            .unwrap()
            .is_empty()
    );

    // A rule needs its account.
    let mut orphan = rule("orphan", "us-east-1");
    orphan.account_id = "999999999999".to_owned();
    let err = store
        .write(|tx| tx.insert_config_rule(&orphan))
        .unwrap_err();
    assert!(is_not_found(&err), "{err:?}");
}

pub(super) fn config_rules_are_per_account_and_region(store: &Arc<dyn Store>) {
    store
        .write(|tx| tx.insert_account(&account("210987654321")))
        .unwrap();
    let east = rule("root-mfa", "us-east-1");
    let west = rule("root-mfa", "us-west-2");
    let zeta = rule("zeta-rule", "us-east-1");
    let mut other = rule("root-mfa", "us-east-1");
    other.account_id = "210987654321".to_owned();
    other.id = "config-rule-otheraccount".to_owned();
    other.arn = "arn:aws:config:us-east-1:210987654321:config-rule/config-rule-x".to_owned();
    store
        .write(|tx| {
            tx.insert_config_rule(&zeta)?;
            tx.insert_config_rule(&west)?;
            tx.insert_config_rule(&east)?;
            tx.insert_config_rule(&other)
        })
        .unwrap();
    let names = |region: Option<&str>| -> Vec<(String, String)> {
        store
            .read(|tx| tx.list_config_rules(ACCOUNT, region))
            .unwrap()
            .into_iter()
            .map(|r| (r.name, r.region))
            .collect()
    };
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        names(None),
        vec![
            pair("root-mfa", "us-east-1"),
            pair("root-mfa", "us-west-2"),
            pair("zeta-rule", "us-east-1")
        ]
    );
    assert_eq!(
        names(Some("us-east-1")),
        vec![
            pair("root-mfa", "us-east-1"),
            pair("zeta-rule", "us-east-1")
        ]
    );
    assert_eq!(names(Some("eu-west-1")), Vec::new());
    assert_eq!(
        store
            .read(|tx| tx.get_config_rule("210987654321", "us-east-1", "root-mfa"))
            .unwrap(),
        other
    );
}

pub(super) fn evaluation_results_replace_upsert_and_go_with_their_rule(store: &Arc<dyn Store>) {
    let console = rule("console", "us-east-1");
    let root = rule("rootmfa", "us-east-1");
    store
        .write(|tx| {
            tx.insert_config_rule(&console)?;
            tx.insert_config_rule(&root)
        })
        .unwrap();
    let first = vec![
        result(&console, "carol", ComplianceType::NotApplicable, 100),
        result(&console, "alice", ComplianceType::NonCompliant, 100),
    ];
    store
        .write(|tx| tx.replace_evaluation_results(&console.id, &first))
        .unwrap();
    let listed = store
        .read(|tx| tx.list_evaluation_results(&console.id))
        .unwrap();
    // Ordered by resource type, then resource ID.
    assert_eq!(listed, vec![first[1].clone(), first[0].clone()]);

    // One result replaced in place, one added.
    let fixed = result(&console, "alice", ComplianceType::Compliant, 200);
    let bob = result(&console, "bob", ComplianceType::NonCompliant, 200);
    store
        .write(|tx| {
            tx.put_evaluation_result(&fixed)?;
            tx.put_evaluation_result(&bob)
        })
        .unwrap();
    assert_eq!(
        store
            .read(|tx| tx.list_evaluation_results(&console.id))
            .unwrap(),
        vec![fixed.clone(), bob.clone(), first[0].clone()]
    );

    // Replacing drops what the new evaluation no longer found.
    store
        .write(|tx| tx.replace_evaluation_results(&console.id, std::slice::from_ref(&fixed)))
        .unwrap();
    assert_eq!(
        store
            .read(|tx| tx.list_evaluation_results(&console.id))
            .unwrap(),
        vec![fixed.clone()]
    );

    // A result must name the rule it is stored under, and the rule must exist.
    let err = store
        .write(|tx| tx.replace_evaluation_results(&root.id, std::slice::from_ref(&fixed)))
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let err = store
        .write(|tx| tx.replace_evaluation_results("config-rule-nosuch", &[]))
        .unwrap_err();
    assert!(is_rule_not_found(&err), "{err:?}");
    let mut stray = fixed.clone();
    stray.rule_id = "config-rule-nosuch".to_owned();
    let err = store
        .write(|tx| tx.put_evaluation_result(&stray))
        .unwrap_err();
    assert!(is_rule_not_found(&err), "{err:?}");

    // Results go with their rule, and only with it.
    store
        .write(|tx| tx.put_evaluation_result(&result(&root, "root", ComplianceType::Compliant, 1)))
        .unwrap();
    store
        .write(|tx| tx.delete_config_rule(ACCOUNT, "us-east-1", "console"))
        .unwrap();
    assert!(
        store
            .read(|tx| tx.list_evaluation_results(&console.id))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .read(|tx| tx.list_evaluation_results(&root.id))
            .unwrap()
            .len(),
        1
    );
    // Reads never write.
    let err = store
        .read(|tx| tx.put_evaluation_result(&fixed))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
}
