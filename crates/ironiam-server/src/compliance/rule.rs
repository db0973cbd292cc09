//! The AWS Config managed rules ironiam evaluates, and their input parameters.
//!
//! Each rule's identifier, resource type, parameters and defaults are AWS's, from
//! the AWS Config Developer Guide's managed-rule pages:
//! <https://docs.aws.amazon.com/config/latest/developerguide/mfa-enabled-for-iam-console-access.html>,
//! `iam-user-mfa-enabled.html`, `root-account-mfa-enabled.html`,
//! `iam-password-policy.html` and `access-keys-rotated.html`.
//!
//! `InputParameters` is a JSON object whose values AWS gives as strings
//! (`{"MinimumPasswordLength":"14"}`); JSON numbers and booleans are taken too.
//! Boolean parameters are true only for exactly `true`: the IAM_PASSWORD_POLICY page
//! says "If `true` is not provided in lowercase, it will be treated as `false`".

use std::fmt;

/// What a rule evaluates: `AWS::IAM::User` by user ID, or `AWS::::Account` by
/// account ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceType {
    /// `AWS::IAM::User`.
    User,
    /// `AWS::::Account`.
    Account,
}

impl ResourceType {
    /// The CloudFormation-style type name Config uses.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "AWS::IAM::User",
            Self::Account => "AWS::::Account",
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// IAM_PASSWORD_POLICY's requirements, with AWS's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicyRequirements {
    /// `RequireUppercaseCharacters`, default true.
    pub require_uppercase_characters: bool,
    /// `RequireLowercaseCharacters`, default true.
    pub require_lowercase_characters: bool,
    /// `RequireSymbols`, default true.
    pub require_symbols: bool,
    /// `RequireNumbers`, default true.
    pub require_numbers: bool,
    /// `MinimumPasswordLength`, default 14.
    pub minimum_password_length: u32,
    /// `PasswordReusePrevention`, default 24.
    pub password_reuse_prevention: u32,
    /// `MaxPasswordAge` in days, default 90.
    pub max_password_age: u32,
}

impl Default for PasswordPolicyRequirements {
    fn default() -> Self {
        Self {
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            require_symbols: true,
            require_numbers: true,
            minimum_password_length: 14,
            password_reuse_prevention: 24,
            max_password_age: 90,
        }
    }
}

/// ACCESS_KEYS_ROTATED's default `maxAccessKeyAge`, in days.
pub const DEFAULT_MAX_ACCESS_KEY_AGE: u32 = 90;

/// A managed rule with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagedRule {
    /// MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS: users with a console password have MFA.
    MfaEnabledForIamConsoleAccess,
    /// IAM_USER_MFA_ENABLED: every IAM user has MFA.
    IamUserMfaEnabled,
    /// ROOT_ACCOUNT_MFA_ENABLED: the root user has MFA.
    RootAccountMfaEnabled,
    /// IAM_PASSWORD_POLICY: the account password policy meets the requirements.
    IamPasswordPolicy(PasswordPolicyRequirements),
    /// ACCESS_KEYS_ROTATED: no active access key is older than `max_access_key_age` days.
    AccessKeysRotated {
        /// `maxAccessKeyAge`, in days.
        max_access_key_age: u32,
    },
}

/// Why a rule definition cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not one of the managed rules ironiam evaluates.
    #[error(
        "the sourceIdentifier `{0}` is not a managed rule ironiam evaluates; use one of MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS, IAM_USER_MFA_ENABLED, ROOT_ACCOUNT_MFA_ENABLED, IAM_PASSWORD_POLICY, ACCESS_KEYS_ROTATED"
    )]
    UnknownIdentifier(String),
    /// `InputParameters` is not JSON.
    #[error("the input parameters are not valid JSON: {0}")]
    NotJson(String),
    /// `InputParameters` is JSON but not an object.
    #[error("the input parameters must be a JSON object of parameter names to values")]
    NotAnObject,
    /// A parameter the rule does not have.
    #[error("unknown parameter `{name}` for rule {rule}; its parameters are: {known}")]
    UnknownParameter {
        /// The rule's identifier.
        rule: &'static str,
        /// The parameter given.
        name: String,
        /// The rule's parameters, or `none`.
        known: String,
    },
    /// An integer parameter that is not a non-negative integer.
    #[error("parameter `{name}` must be a non-negative integer, not `{value}`")]
    NotAnInteger {
        /// The parameter.
        name: &'static str,
        /// The value given.
        value: String,
    },
    /// A parameter value that is neither a string, a number nor a boolean.
    #[error("parameter `{name}` must be a string, a number or a boolean")]
    BadValueType {
        /// The parameter.
        name: String,
    },
}

/// The identifiers, in the order reports list them.
pub const IDENTIFIERS: [&str; 5] = [
    "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
    "IAM_USER_MFA_ENABLED",
    "ROOT_ACCOUNT_MFA_ENABLED",
    "IAM_PASSWORD_POLICY",
    "ACCESS_KEYS_ROTATED",
];

const PASSWORD_PARAMETERS: [&str; 7] = [
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "RequireSymbols",
    "RequireNumbers",
    "MinimumPasswordLength",
    "PasswordReusePrevention",
    "MaxPasswordAge",
];

const ACCESS_KEY_PARAMETERS: [&str; 1] = ["maxAccessKeyAge"];

impl ManagedRule {
    /// The rule `identifier` names (`Source.SourceIdentifier`), with
    /// `input_parameters` (`InputParameters`) applied over AWS's defaults.
    ///
    /// # Errors
    /// An identifier ironiam does not evaluate, or parameters that do not parse
    /// or that the rule does not have.
    pub fn parse(identifier: &str, input_parameters: Option<&str>) -> Result<Self, RuleError> {
        let parameters = parameters(input_parameters)?;
        let rule = match identifier {
            "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS" => Self::MfaEnabledForIamConsoleAccess,
            "IAM_USER_MFA_ENABLED" => Self::IamUserMfaEnabled,
            "ROOT_ACCOUNT_MFA_ENABLED" => Self::RootAccountMfaEnabled,
            "IAM_PASSWORD_POLICY" => Self::IamPasswordPolicy(password_requirements(&parameters)?),
            "ACCESS_KEYS_ROTATED" => {
                let mut max_access_key_age = DEFAULT_MAX_ACCESS_KEY_AGE;
                for (name, value) in &parameters {
                    check_known("ACCESS_KEYS_ROTATED", name, &ACCESS_KEY_PARAMETERS)?;
                    max_access_key_age = integer("maxAccessKeyAge", value)?;
                }
                Self::AccessKeysRotated { max_access_key_age }
            }
            other => return Err(RuleError::UnknownIdentifier(other.to_owned())),
        };
        if matches!(
            rule,
            Self::MfaEnabledForIamConsoleAccess
                | Self::IamUserMfaEnabled
                | Self::RootAccountMfaEnabled
        ) && let Some((name, _)) = parameters.first()
        {
            return Err(RuleError::UnknownParameter {
                rule: rule.identifier(),
                name: name.clone(),
                known: "none".to_owned(),
            });
        }
        Ok(rule)
    }

    /// The five rules with AWS's default parameters, in report order.
    pub fn defaults() -> [Self; 5] {
        [
            Self::MfaEnabledForIamConsoleAccess,
            Self::IamUserMfaEnabled,
            Self::RootAccountMfaEnabled,
            Self::IamPasswordPolicy(PasswordPolicyRequirements::default()),
            Self::AccessKeysRotated {
                max_access_key_age: DEFAULT_MAX_ACCESS_KEY_AGE,
            },
        ]
    }

    /// The managed rule's identifier (`SourceIdentifier`).
    pub const fn identifier(&self) -> &'static str {
        match self {
            Self::MfaEnabledForIamConsoleAccess => "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
            Self::IamUserMfaEnabled => "IAM_USER_MFA_ENABLED",
            Self::RootAccountMfaEnabled => "ROOT_ACCOUNT_MFA_ENABLED",
            Self::IamPasswordPolicy(_) => "IAM_PASSWORD_POLICY",
            Self::AccessKeysRotated { .. } => "ACCESS_KEYS_ROTATED",
        }
    }

    /// The rule name AWS's console suggests: the identifier in lowercase
    /// kebab case (`mfa-enabled-for-iam-console-access`).
    pub fn default_name(&self) -> String {
        self.identifier().to_lowercase().replace('_', "-")
    }

    /// What the rule evaluates.
    pub const fn resource_type(&self) -> ResourceType {
        match self {
            Self::MfaEnabledForIamConsoleAccess
            | Self::IamUserMfaEnabled
            | Self::AccessKeysRotated { .. } => ResourceType::User,
            Self::RootAccountMfaEnabled | Self::IamPasswordPolicy(_) => ResourceType::Account,
        }
    }
}

/// The parameters as `(name, value-as-text)` pairs, by name.
fn parameters(input: Option<&str>) -> Result<Vec<(String, String)>, RuleError> {
    let Some(text) = input else {
        return Ok(Vec::new());
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|err| RuleError::NotJson(err.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(RuleError::NotAnObject);
    };
    map.into_iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => return Err(RuleError::BadValueType { name }),
            };
            Ok((name, text))
        })
        .collect()
}

fn check_known(rule: &'static str, name: &str, known: &[&str]) -> Result<(), RuleError> {
    if known.contains(&name) {
        Ok(())
    } else {
        Err(RuleError::UnknownParameter {
            rule,
            name: name.to_owned(),
            known: known.join(", "),
        })
    }
}

fn integer(name: &'static str, value: &str) -> Result<u32, RuleError> {
    value.trim().parse().map_err(|_| RuleError::NotAnInteger {
        name,
        value: value.to_owned(),
    })
}

fn password_requirements(
    parameters: &[(String, String)],
) -> Result<PasswordPolicyRequirements, RuleError> {
    let mut out = PasswordPolicyRequirements::default();
    for (name, value) in parameters {
        check_known("IAM_PASSWORD_POLICY", name, &PASSWORD_PARAMETERS)?;
        // Case-sensitive, as the rule's page warns: only `true` is true.
        let flag = value == "true";
        match name.as_str() {
            "RequireUppercaseCharacters" => out.require_uppercase_characters = flag,
            "RequireLowercaseCharacters" => out.require_lowercase_characters = flag,
            "RequireSymbols" => out.require_symbols = flag,
            "RequireNumbers" => out.require_numbers = flag,
            "MinimumPasswordLength" => {
                out.minimum_password_length = integer("MinimumPasswordLength", value)?;
            }
            "PasswordReusePrevention" => {
                out.password_reuse_prevention = integer("PasswordReusePrevention", value)?;
            }
            _ => out.max_password_age = integer("MaxPasswordAge", value)?,
        }
    }
    Ok(out)
}
