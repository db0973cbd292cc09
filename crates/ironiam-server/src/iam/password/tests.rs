use ironiam_store::record::PasswordPolicy;

use super::conforms;

#[test]
fn default_policy_needs_eight_characters_and_three_classes() {
    assert!(!conforms(None, "Ab1!"));
    assert!(!conforms(None, "abcdefgh1"));
    assert!(conforms(None, "abcdefG1"));
    assert!(conforms(None, "abcdefg!1"));
    assert!(!conforms(None, "ABCDEFGH"));
}

#[test]
fn custom_policy_checks_each_required_class() {
    let mut policy = PasswordPolicy::default();
    assert!(conforms(Some(&policy), "abcdef"));
    assert!(!conforms(Some(&policy), "abcde"));
    policy.minimum_password_length = 10;
    policy.require_symbols = true;
    policy.require_numbers = true;
    policy.require_uppercase_characters = true;
    policy.require_lowercase_characters = true;
    assert!(conforms(Some(&policy), "Abcdefgh1!"));
    assert!(
        !conforms(Some(&policy), "Abcdefgh1?"),
        "`?` is not one of IAM's symbols"
    );
    assert!(!conforms(Some(&policy), "abcdefgh1!"));
    assert!(!conforms(Some(&policy), "ABCDEFGH1!"));
    assert!(!conforms(Some(&policy), "Abcdefghi!"));
    assert!(!conforms(Some(&policy), "Abcdefg1!"));
}
