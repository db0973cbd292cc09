//! The rules on hand-made snapshots: every rule, its parameters, scopes and the
//! edges the AWS pages describe.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use ironiam_store::record::{ComplianceType, ConfigRuleScope, PasswordPolicy, Tag, Timestamp};

use super::evaluate::{ANNOTATION_LIMIT, evaluate, evaluate_account, evaluate_user, in_scope};
use super::facts::{AccountFacts, KeyFacts, RootFacts, UserFacts};
use super::rule::{
    DEFAULT_MAX_ACCESS_KEY_AGE, IDENTIFIERS, ManagedRule, PasswordPolicyRequirements, ResourceType,
    RuleError,
};
use super::summary::{RuleCompliance, summarize};

const DAY: i64 = 86_400;
const NOW: Timestamp = Timestamp::from_secs(1_800_000_000);

use ComplianceType::{Compliant, NonCompliant, NotApplicable};

fn user(name: &str) -> UserFacts {
    UserFacts {
        id: format!("AIDA{}", name.to_uppercase()),
        name: name.to_owned(),
        tags: Vec::new(),
        console_password: false,
        mfa_devices: 0,
        access_keys: Vec::new(),
    }
}

fn key(id: &str, active: bool, days_old: i64) -> KeyFacts {
    KeyFacts {
        id: id.to_owned(),
        active,
        create_date: Timestamp::from_secs(NOW.as_secs() - days_old * DAY),
    }
}

fn account(root: RootFacts, policy: Option<PasswordPolicy>) -> AccountFacts {
    AccountFacts {
        id: "111122223333".to_owned(),
        root,
        password_policy: policy,
    }
}

fn rule(identifier: &str, parameters: &str) -> ManagedRule {
    ManagedRule::parse(identifier, Some(parameters)).unwrap()
}

fn verdict_of(rule: &ManagedRule, user: &UserFacts) -> ComplianceType {
    evaluate_user(rule, user, NOW).unwrap().compliance
}

fn strict_policy() -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        hard_expiry: false,
    }
}

#[test]
fn console_rule_applies_only_to_users_with_a_console_password() {
    let console = rule("MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "{}");
    let mut bob = user("bob");
    let verdict = evaluate_user(&console, &bob, NOW).unwrap();
    assert_eq!(verdict.compliance, NotApplicable);
    assert_eq!(verdict.resource_type, ResourceType::User);
    assert_eq!(verdict.resource_id, "AIDABOB");
    assert_eq!(verdict.resource_name, "bob");
    // An MFA device alone does not make the rule apply.
    bob.mfa_devices = 1;
    assert_eq!(verdict_of(&console, &bob), NotApplicable);
    bob.console_password = true;
    assert_eq!(verdict_of(&console, &bob), Compliant);
    bob.mfa_devices = 0;
    let verdict = evaluate_user(&console, &bob, NOW).unwrap();
    assert_eq!(verdict.compliance, NonCompliant);
    assert!(verdict.annotation.contains("no MFA device"), "{verdict:?}");
    // Several devices count as one requirement met.
    bob.mfa_devices = 3;
    assert_eq!(verdict_of(&console, &bob), Compliant);
}

#[test]
fn user_mfa_rule_checks_every_user() {
    let any = rule("IAM_USER_MFA_ENABLED", "{}");
    let mut service = user("service");
    assert_eq!(verdict_of(&any, &service), NonCompliant);
    service.console_password = true;
    assert_eq!(verdict_of(&any, &service), NonCompliant);
    service.mfa_devices = 1;
    assert_eq!(verdict_of(&any, &service), Compliant);
}

#[test]
fn root_rule_needs_root_mfa_and_skips_an_account_without_root_credentials() {
    let root = rule("ROOT_ACCOUNT_MFA_ENABLED", "");
    let verdict = |facts: RootFacts| evaluate_account(&root, &account(facts, None)).unwrap();
    let with_key = RootFacts {
        access_keys: 1,
        ..RootFacts::default()
    };
    let v = verdict(with_key);
    assert_eq!(v.compliance, NonCompliant);
    assert_eq!(v.resource_type, ResourceType::Account);
    assert_eq!(v.resource_id, "111122223333");
    let with_password = RootFacts {
        password: true,
        ..RootFacts::default()
    };
    assert_eq!(verdict(with_password).compliance, NonCompliant);
    let with_mfa = RootFacts {
        password: true,
        access_keys: 2,
        mfa_devices: 1,
    };
    assert_eq!(verdict(with_mfa).compliance, Compliant);
    // "This rule returns NOT_APPLICABLE if root user credentials are not present."
    assert_eq!(verdict(RootFacts::default()).compliance, NotApplicable);
    // A device without credentials is still MFA on the root user.
    let only_mfa = RootFacts {
        mfa_devices: 1,
        ..RootFacts::default()
    };
    assert_eq!(verdict(only_mfa).compliance, Compliant);
    // Not a user rule.
    assert!(evaluate_user(&root, &user("alice"), NOW).is_none());
}

#[test]
fn password_policy_defaults_are_aws_and_no_policy_fails() {
    let ManagedRule::IamPasswordPolicy(defaults) = rule("IAM_PASSWORD_POLICY", "{}") else {
        panic!("not the password rule");
    };
    assert_eq!(
        defaults,
        PasswordPolicyRequirements {
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            require_symbols: true,
            require_numbers: true,
            minimum_password_length: 14,
            password_reuse_prevention: 24,
            max_password_age: 90,
        }
    );
    let policy_rule = ManagedRule::IamPasswordPolicy(defaults);
    let none = evaluate_account(&policy_rule, &account(RootFacts::default(), None)).unwrap();
    assert_eq!(none.compliance, NonCompliant);
    assert_eq!(none.annotation, "No account password policy is set.");
    // IAM's own defaults (UpdateAccountPasswordPolicy with nothing set) fall short.
    let weak = evaluate_account(
        &policy_rule,
        &account(RootFacts::default(), Some(PasswordPolicy::default())),
    )
    .unwrap();
    assert_eq!(weak.compliance, NonCompliant);
    assert_eq!(
        weak.annotation,
        "Password policy falls short of: RequireUppercaseCharacters, \
         RequireLowercaseCharacters, RequireSymbols, RequireNumbers, MinimumPasswordLength 6 < 14, \
         PasswordReusePrevention unset < 24, MaxPasswordAge unset > 90."
    );
    let strict = evaluate_account(
        &policy_rule,
        &account(RootFacts::default(), Some(strict_policy())),
    )
    .unwrap();
    assert_eq!(strict.compliance, Compliant);
}

#[test]
fn password_policy_thresholds_accept_stricter_policies() {
    let policy_rule = rule("IAM_PASSWORD_POLICY", "{}");
    let check = |policy: PasswordPolicy| {
        evaluate_account(&policy_rule, &account(RootFacts::default(), Some(policy)))
            .unwrap()
            .compliance
    };
    let stricter = PasswordPolicy {
        minimum_password_length: 32,
        max_password_age: Some(30),
        ..strict_policy()
    };
    assert_eq!(check(stricter), Compliant);
    let short = PasswordPolicy {
        minimum_password_length: 13,
        ..strict_policy()
    };
    assert_eq!(check(short), NonCompliant);
    let old = PasswordPolicy {
        max_password_age: Some(91),
        ..strict_policy()
    };
    assert_eq!(check(old), NonCompliant);
    let reuse = PasswordPolicy {
        password_reuse_prevention: Some(23),
        ..strict_policy()
    };
    assert_eq!(check(reuse), NonCompliant);
    let no_symbols = PasswordPolicy {
        require_symbols: false,
        ..strict_policy()
    };
    assert_eq!(check(no_symbols), NonCompliant);
}

#[test]
fn password_policy_parameters_override_defaults() {
    let relaxed = rule(
        "IAM_PASSWORD_POLICY",
        r#"{"RequireSymbols":"false","RequireNumbers":"false","MinimumPasswordLength":"8",
            "PasswordReusePrevention":"3","MaxPasswordAge":"365"}"#,
    );
    let ManagedRule::IamPasswordPolicy(required) = relaxed else {
        panic!("not the password rule");
    };
    assert!(!required.require_symbols);
    assert!(!required.require_numbers);
    assert!(required.require_uppercase_characters);
    assert_eq!(required.minimum_password_length, 8);
    assert_eq!(required.password_reuse_prevention, 3);
    assert_eq!(required.max_password_age, 365);
    let policy = PasswordPolicy {
        minimum_password_length: 8,
        require_symbols: false,
        require_numbers: false,
        password_reuse_prevention: Some(3),
        max_password_age: Some(365),
        ..strict_policy()
    };
    let verdict = evaluate_account(&relaxed, &account(RootFacts::default(), Some(policy)))
        .unwrap()
        .compliance;
    assert_eq!(verdict, Compliant);
}

#[test]
fn boolean_parameters_are_true_only_in_lowercase() {
    // "If `true` is not provided in lowercase, it will be treated as `false`."
    for (text, expected) in [
        (r#""true""#, true),
        (r#""True""#, false),
        (r#""TRUE""#, false),
        (r#""yes""#, false),
        ("true", true),
        ("false", false),
        (r#""""#, false),
    ] {
        let ManagedRule::IamPasswordPolicy(required) = rule(
            "IAM_PASSWORD_POLICY",
            &format!(r#"{{"RequireUppercaseCharacters":{text}}}"#),
        ) else {
            panic!("not the password rule");
        };
        assert_eq!(required.require_uppercase_characters, expected, "{text}");
    }
}

#[test]
fn integer_parameters_take_strings_and_numbers_and_refuse_the_rest() {
    let ManagedRule::AccessKeysRotated { max_access_key_age } =
        rule("ACCESS_KEYS_ROTATED", r#"{"maxAccessKeyAge":"30"}"#)
    else {
        panic!("not the access key rule");
    };
    assert_eq!(max_access_key_age, 30);
    assert_eq!(
        rule("ACCESS_KEYS_ROTATED", r#"{"maxAccessKeyAge":45}"#),
        ManagedRule::AccessKeysRotated {
            max_access_key_age: 45
        }
    );
    for bad in [r#""-1""#, r#""ninety""#, r#""""#, "1.5", r#""90 days""#] {
        let err = ManagedRule::parse(
            "ACCESS_KEYS_ROTATED",
            Some(&format!(r#"{{"maxAccessKeyAge":{bad}}}"#)),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                RuleError::NotAnInteger {
                    name: "maxAccessKeyAge",
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
    let err = ManagedRule::parse(
        "IAM_PASSWORD_POLICY",
        Some(r#"{"MinimumPasswordLength":"long"}"#),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "parameter `MinimumPasswordLength` must be a non-negative integer, not `long`"
    );
    let err =
        ManagedRule::parse("ACCESS_KEYS_ROTATED", Some(r#"{"maxAccessKeyAge":[90]}"#)).unwrap_err();
    assert!(matches!(err, RuleError::BadValueType { .. }), "{err:?}");
}

#[test]
fn input_parameters_must_be_a_json_object_of_known_names() {
    for missing in [None, Some(""), Some("  "), Some("{}")] {
        assert_eq!(
            ManagedRule::parse("ACCESS_KEYS_ROTATED", missing).unwrap(),
            ManagedRule::AccessKeysRotated {
                max_access_key_age: DEFAULT_MAX_ACCESS_KEY_AGE
            }
        );
    }
    let err = ManagedRule::parse("IAM_PASSWORD_POLICY", Some("{not json")).unwrap_err();
    assert!(matches!(err, RuleError::NotJson(_)), "{err:?}");
    let err = ManagedRule::parse("IAM_PASSWORD_POLICY", Some(r#"["MinimumPasswordLength"]"#))
        .unwrap_err();
    assert_eq!(err, RuleError::NotAnObject);
    let err =
        ManagedRule::parse("IAM_PASSWORD_POLICY", Some(r#"{"MinimumLength":"14"}"#)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown parameter `MinimumLength` for rule IAM_PASSWORD_POLICY"),
        "{err}"
    );
    // Parameter names are case-sensitive, as AWS's are.
    let err =
        ManagedRule::parse("ACCESS_KEYS_ROTATED", Some(r#"{"MaxAccessKeyAge":"14"}"#)).unwrap_err();
    assert!(matches!(err, RuleError::UnknownParameter { .. }), "{err:?}");
    // The MFA rules have no parameters.
    for identifier in [
        "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
        "IAM_USER_MFA_ENABLED",
        "ROOT_ACCOUNT_MFA_ENABLED",
    ] {
        let err = ManagedRule::parse(identifier, Some(r#"{"maxAccessKeyAge":"1"}"#)).unwrap_err();
        assert_eq!(
            err,
            RuleError::UnknownParameter {
                rule: identifier_static(identifier),
                name: "maxAccessKeyAge".to_owned(),
                known: "none".to_owned()
            }
        );
    }
}

fn identifier_static(identifier: &str) -> &'static str {
    IDENTIFIERS.iter().find(|i| **i == identifier).unwrap()
}

#[test]
fn identifiers_are_exact() {
    for identifier in IDENTIFIERS {
        let parsed = ManagedRule::parse(identifier, None).unwrap();
        assert_eq!(parsed.identifier(), identifier);
    }
    for wrong in [
        "mfa_enabled_for_iam_console_access",
        "S3_BUCKET_VERSIONING_ENABLED",
        "",
    ] {
        let err = ManagedRule::parse(wrong, None).unwrap_err();
        assert_eq!(err, RuleError::UnknownIdentifier(wrong.to_owned()));
    }
    let defaults = ManagedRule::defaults();
    let names: Vec<_> = defaults.iter().map(ManagedRule::identifier).collect();
    assert_eq!(names, IDENTIFIERS);
    assert_eq!(
        defaults[0].default_name(),
        "mfa-enabled-for-iam-console-access"
    );
    assert_eq!(defaults[3].resource_type(), ResourceType::Account);
    assert_eq!(ResourceType::Account.as_str(), "AWS::::Account");
    assert_eq!(ResourceType::User.as_str(), "AWS::IAM::User");
}

#[test]
fn access_keys_rotated_checks_active_keys_by_age() {
    let rotated = rule("ACCESS_KEYS_ROTATED", "{}");
    let mut carol = user("carol");
    let none = evaluate_user(&rotated, &carol, NOW).unwrap();
    assert_eq!(none.compliance, NotApplicable);
    // Inactive keys are not checked, however old.
    carol.access_keys = vec![key("AKIAOLDINACTIVE00000", false, 400)];
    assert_eq!(verdict_of(&rotated, &carol), NotApplicable);
    carol
        .access_keys
        .push(key("AKIAFRESH00000000000", true, 10));
    assert_eq!(verdict_of(&rotated, &carol), Compliant);
    // Exactly 90 days is still within the limit; a second more is not.
    carol.access_keys = vec![key("AKIAEDGE000000000000", true, 90)];
    assert_eq!(verdict_of(&rotated, &carol), Compliant);
    carol.access_keys[0].create_date = Timestamp::from_secs(NOW.as_secs() - 90 * DAY - 1);
    let stale = evaluate_user(&rotated, &carol, NOW).unwrap();
    assert_eq!(stale.compliance, NonCompliant);
    assert_eq!(
        stale.annotation,
        "Active access keys older than 90 days: AKIAEDGE000000000000 (90 days old)."
    );
    // One stale key among fresh ones is enough.
    carol.access_keys = vec![
        key("AKIAFRESH00000000000", true, 1),
        key("AKIASTALE00000000000", true, 120),
    ];
    assert_eq!(verdict_of(&rotated, &carol), NonCompliant);
    // A shorter limit from the parameters.
    let strict = rule("ACCESS_KEYS_ROTATED", r#"{"maxAccessKeyAge":"0"}"#);
    carol.access_keys = vec![key("AKIATODAY00000000000", true, 0)];
    assert_eq!(verdict_of(&strict, &carol), Compliant);
    carol.access_keys[0].create_date = Timestamp::from_secs(NOW.as_secs() - 1);
    assert_eq!(verdict_of(&strict, &carol), NonCompliant);
    // Not an account rule.
    assert!(evaluate_account(&rotated, &account(RootFacts::default(), None)).is_none());
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

#[test]
fn scopes_restrict_by_type_id_and_tag() {
    let users_only = ConfigRuleScope {
        resource_types: vec!["AWS::IAM::User".to_owned()],
        ..ConfigRuleScope::default()
    };
    assert!(in_scope(None, ResourceType::Account, "1", &[]));
    assert!(in_scope(
        Some(&ConfigRuleScope::default()),
        ResourceType::Account,
        "1",
        &[]
    ));
    assert!(in_scope(
        Some(&users_only),
        ResourceType::User,
        "AIDAX",
        &[]
    ));
    assert!(!in_scope(
        Some(&users_only),
        ResourceType::Account,
        "1",
        &[]
    ));
    let one = ConfigRuleScope {
        resource_id: Some("AIDAX".to_owned()),
        ..users_only.clone()
    };
    assert!(in_scope(Some(&one), ResourceType::User, "AIDAX", &[]));
    assert!(!in_scope(Some(&one), ResourceType::User, "AIDAY", &[]));
    let tagged = ConfigRuleScope {
        tag_key: Some("team".to_owned()),
        ..ConfigRuleScope::default()
    };
    assert!(in_scope(
        Some(&tagged),
        ResourceType::User,
        "AIDAX",
        &[tag("team", "ops")]
    ));
    assert!(!in_scope(
        Some(&tagged),
        ResourceType::User,
        "AIDAX",
        &[tag("Team", "ops")]
    ));
    assert!(!in_scope(Some(&tagged), ResourceType::Account, "1", &[]));
    let valued = ConfigRuleScope {
        tag_value: Some("ops".to_owned()),
        ..tagged
    };
    assert!(in_scope(
        Some(&valued),
        ResourceType::User,
        "AIDAX",
        &[tag("team", "ops")]
    ));
    assert!(!in_scope(
        Some(&valued),
        ResourceType::User,
        "AIDAX",
        &[tag("team", "dev")]
    ));
}

#[test]
fn evaluate_covers_the_account_or_every_user_in_scope() {
    let mut alice = user("alice");
    alice.console_password = true;
    alice.mfa_devices = 1;
    alice.tags = vec![tag("team", "ops")];
    let mut bob = user("bob");
    bob.console_password = true;
    let carol = user("carol");
    let users = vec![alice, bob, carol];
    let facts = account(
        RootFacts {
            access_keys: 1,
            ..RootFacts::default()
        },
        None,
    );
    let console = rule("MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "{}");
    let verdicts = evaluate(&console, None, &facts, &users, NOW);
    let got: Vec<_> = verdicts
        .iter()
        .map(|v| (v.resource_name.as_str(), v.compliance))
        .collect();
    assert_eq!(
        got,
        vec![
            ("alice", Compliant),
            ("bob", NonCompliant),
            ("carol", NotApplicable)
        ]
    );
    let ops = ConfigRuleScope {
        tag_key: Some("team".to_owned()),
        ..ConfigRuleScope::default()
    };
    assert_eq!(evaluate(&console, Some(&ops), &facts, &users, NOW).len(), 1);
    // A scope that excludes the rule's resource type evaluates nothing.
    let accounts_only = ConfigRuleScope {
        resource_types: vec!["AWS::::Account".to_owned()],
        ..ConfigRuleScope::default()
    };
    assert!(evaluate(&console, Some(&accounts_only), &facts, &users, NOW).is_empty());
    let root = rule("ROOT_ACCOUNT_MFA_ENABLED", "{}");
    let verdicts = evaluate(&root, Some(&accounts_only), &facts, &users, NOW);
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0].compliance, NonCompliant);
    // No users, no user verdicts.
    assert!(evaluate(&console, None, &facts, &[], NOW).is_empty());
}

#[test]
fn annotations_fit_aws_config_limit() {
    let rotated = rule("ACCESS_KEYS_ROTATED", "{}");
    let mut many = user("many");
    many.access_keys = (0..20)
        .map(|i| key(&format!("AKIA{i:016}"), true, 365))
        .collect();
    let verdict = evaluate_user(&rotated, &many, NOW).unwrap();
    assert_eq!(verdict.annotation.chars().count(), ANNOTATION_LIMIT);
    assert!(verdict.annotation.ends_with('…'));
}

#[test]
fn a_rule_is_noncompliant_if_any_resource_fails_and_insufficient_without_verdicts() {
    assert_eq!(summarize([]), RuleCompliance::InsufficientData);
    assert_eq!(
        summarize([NotApplicable, NotApplicable]),
        RuleCompliance::InsufficientData
    );
    assert_eq!(
        summarize([Compliant, NotApplicable]),
        RuleCompliance::Compliant
    );
    assert_eq!(
        summarize([Compliant, NonCompliant, NonCompliant, NotApplicable]),
        RuleCompliance::NonCompliant { count: 2 }
    );
    assert_eq!(
        RuleCompliance::NonCompliant { count: 1 }.as_str(),
        "NON_COMPLIANT"
    );
    assert_eq!(
        RuleCompliance::InsufficientData.as_str(),
        "INSUFFICIENT_DATA"
    );
}
