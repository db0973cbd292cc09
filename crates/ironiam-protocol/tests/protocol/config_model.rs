//! The embedded AWS Config model: the operations ironiam serves resolve, and seed
//! 004's rule definition decodes as the AWS CLI sends it.

use ironiam_protocol::model::{Constraint, InputError, Model, Value};

fn config() -> &'static Model {
    Model::config().unwrap()
}

fn decode(operation: &str, body: &str) -> Result<Value, InputError> {
    let model = config();
    let op = model.operation(operation).unwrap();
    model
        .decode_json_input(op, body.as_bytes())
        .map(|d| d.value)
}

#[test]
fn the_config_model_is_json_1_1_with_the_starling_dove_prefix() {
    let meta = config().metadata();
    assert_eq!(meta.protocol, "json");
    assert_eq!(meta.json_version.as_deref(), Some("1.1"));
    assert_eq!(meta.target_prefix.as_deref(), Some("StarlingDoveService"));
    assert_eq!(meta.endpoint_prefix, "config");
    assert_eq!(meta.api_version, "2014-11-12");
}

#[test]
fn the_served_operations_resolve_with_their_errors() {
    let model = config();
    for name in [
        "PutConfigRule",
        "DescribeConfigRules",
        "DeleteConfigRule",
        "StartConfigRulesEvaluation",
        "DescribeComplianceByConfigRule",
        "GetComplianceDetailsByConfigRule",
    ] {
        let op = model.operation(name).unwrap();
        for id in op.input().into_iter().chain(op.output()) {
            assert!(model.shape(id).is_some(), "{name}");
        }
        assert!(!op.errors().is_empty(), "{name}");
        for id in op.errors() {
            assert!(model.shape(*id).unwrap().error().is_some(), "{name}");
        }
    }
    // Every operation of the model decodes an empty body or reports a missing member.
    for op in model.operations() {
        match model.decode_json_input(op, b"") {
            Ok(_) => {}
            Err(InputError::Validation(e)) => {
                assert!(e.aws_message().contains("Member must not be null"), "{e:?}");
            }
            Err(other) => panic!("{}: {other:?}", op.name()),
        }
    }
}

#[test]
fn seed_004_rule_decodes_as_the_cli_sends_it() {
    // `aws configservice put-config-rule --config-rule file://rule.json` wraps the
    // file in `ConfigRule`.
    let value = decode(
        "PutConfigRule",
        r#"{"ConfigRule": {
            "ConfigRuleName": "mfa-enabled-for-iam-console-access",
            "Description": "Checks whether AWS Multi-Factor Authentication (MFA) is enabled for all IAM users that use a console password.",
            "Scope": {"ComplianceResourceTypes": ["AWS::IAM::User"]},
            "Source": {"Owner": "AWS", "SourceIdentifier": "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"},
            "InputParameters": "{}"}}"#,
    )
    .unwrap();
    let rule = value.get("ConfigRule").unwrap();
    assert_eq!(
        rule.str_member("ConfigRuleName"),
        Some("mfa-enabled-for-iam-console-access")
    );
    let source = rule.get("Source").unwrap();
    assert_eq!(source.str_member("Owner"), Some("AWS"));
    let types = rule
        .get("Scope")
        .and_then(|s| s.get("ComplianceResourceTypes"))
        .and_then(Value::as_list)
        .unwrap();
    assert_eq!(types[0].as_str(), Some("AWS::IAM::User"));
}

#[test]
fn the_model_constraints_apply() {
    let violations = |operation: &str, body: &str| -> Vec<(String, Constraint)> {
        match decode(operation, body) {
            Err(InputError::Validation(errors)) => errors
                .violations()
                .iter()
                .map(|v| (v.path.clone(), v.constraint.clone()))
                .collect(),
            other => panic!("expected a validation failure, got {other:?}"),
        }
    };
    // Source is required; Owner is an enum.
    let found = violations(
        "PutConfigRule",
        r#"{"ConfigRule": {"ConfigRuleName": "x"}}"#,
    );
    assert!(
        found.iter().any(|(_, c)| *c == Constraint::NotNull),
        "{found:?}"
    );
    let found = violations(
        "PutConfigRule",
        r#"{"ConfigRule": {"Source": {"Owner": "ME"}}}"#,
    );
    assert!(
        found.iter().any(|(_, c)| matches!(c, Constraint::Enum(_))),
        "{found:?}"
    );
    // At most 100 results a page.
    let found = violations(
        "GetComplianceDetailsByConfigRule",
        r#"{"ConfigRuleName": "r", "Limit": 101}"#,
    );
    assert!(
        found
            .iter()
            .any(|(_, c)| matches!(c, Constraint::MaxValue(_))),
        "{found:?}"
    );
}
