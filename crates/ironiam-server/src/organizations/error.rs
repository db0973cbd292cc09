//! Organizations' errors, as AWS Organizations words them.
//!
//! Every exception of botocore's model has no `error` trait, so each is HTTP 400 with
//! its shape name as `__type`; `InvalidInputException` and
//! `ConstraintViolationException` carry a `Reason` from their enums. The messages are
//! the ones AWS returns where public reports quote them ("You don't have permissions
//! to access this resource.", "Your account is not a member of an organization.",
//! "You provided a value that does not match the required pattern.", "The provided
//! policy document does not meet the requirements of the specified policy type.");
//! the others follow the model's documentation of each exception and reason.

use ironiam_policy::PolicyError;
use ironiam_protocol::model::{Constraint, ValidationErrors};
use ironiam_store::{Entity, StoreError};

use crate::http::error::ApiError;
use crate::http::json::JsonFault;

/// An Organizations error: a [`JsonFault`] that store and API errors convert into.
#[derive(Debug)]
pub(crate) struct OrgError(pub(crate) JsonFault);

/// A result of an Organizations operation.
pub(crate) type OrgResult<T> = Result<T, OrgError>;

impl From<OrgError> for JsonFault {
    fn from(err: OrgError) -> Self {
        err.0
    }
}

/// `code` (HTTP 400) with `message`.
pub(crate) fn fault(code: &str, message: impl Into<String>) -> OrgError {
    OrgError(JsonFault::new(code, 400, message))
}

/// `InvalidInputException` with its `Reason`.
pub(crate) fn invalid(reason: &str, message: impl Into<String>) -> OrgError {
    OrgError(JsonFault::new("InvalidInputException", 400, message).with("Reason", reason))
}

/// `ConstraintViolationException` with its `Reason`.
pub(crate) fn constraint(reason: &str, message: impl Into<String>) -> OrgError {
    OrgError(JsonFault::new("ConstraintViolationException", 400, message).with("Reason", reason))
}

/// A member account (or a principal of one) calling an operation only the management
/// account may call.
pub(crate) fn not_management() -> OrgError {
    fault(
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
}

/// An account that is in no organization.
pub(crate) fn not_in_use() -> OrgError {
    fault(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
}

pub(crate) fn parent_not_found() -> OrgError {
    fault(
        "ParentNotFoundException",
        "We can't find a root or OU with the ParentId that you specified.",
    )
}

pub(crate) fn unit_not_found() -> OrgError {
    fault(
        "OrganizationalUnitNotFoundException",
        "We can't find an OU with the OrganizationalUnitId that you specified.",
    )
}

pub(crate) fn account_not_found() -> OrgError {
    fault(
        "AccountNotFoundException",
        "We can't find an AWS account with the AccountId that you specified.",
    )
}

pub(crate) fn policy_not_found() -> OrgError {
    fault(
        "PolicyNotFoundException",
        "We can't find a policy with the PolicyId that you specified.",
    )
}

pub(crate) fn target_not_found() -> OrgError {
    fault(
        "TargetNotFoundException",
        "We can't find a root, OU, account, or policy with the TargetId that you specified.",
    )
}

pub(crate) fn root_not_found() -> OrgError {
    fault(
        "RootNotFoundException",
        "We can't find a root with the RootId that you specified.",
    )
}

pub(crate) fn policy_type_not_enabled() -> OrgError {
    fault(
        "PolicyTypeNotEnabledException",
        "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.",
    )
}

/// A policy type ironiam does not implement, or any type in an organization without
/// all features.
pub(crate) fn policy_type_not_available(policy_type: &str, all_features: bool) -> OrgError {
    let message = if all_features {
        format!(
            "The policy type {policy_type} is not available: ironiam implements only SERVICE_CONTROL_POLICY."
        )
    } else {
        "You can't use the specified policy type with the feature set currently enabled for this organization. For example, you can enable SCPs only after you enable all features in the organization.".to_owned()
    };
    fault("PolicyTypeNotAvailableForOrganizationException", message)
}

/// A policy document that is not a valid SCP.
pub(crate) fn malformed_policy(err: &PolicyError) -> OrgError {
    if err.code.as_str() == "LimitExceeded" {
        return constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to create a policy that is larger than the maximum size.",
        );
    }
    // Organizations answers every malformed SCP with one sentence; the engine's
    // finding and its place follow it.
    const SENTENCE: &str =
        "The provided policy document does not meet the requirements of the specified policy type.";
    let message = if err.message == SENTENCE {
        err.to_string()
    } else {
        format!("{SENTENCE} {err}")
    };
    fault("MalformedPolicyDocumentException", message)
}

impl From<ApiError> for OrgError {
    fn from(err: ApiError) -> Self {
        Self(JsonFault::from_api(&err, Some(&super::SERVICE)))
    }
}

/// Store failures the operations did not catch, by the kind of record.
impl From<StoreError> for OrgError {
    fn from(err: StoreError) -> Self {
        match &err {
            StoreError::NotFound { entity, .. } => match entity {
                Entity::Organization | Entity::OrgAccount => not_in_use(),
                Entity::OrgRoot => root_not_found(),
                Entity::OrgUnit => unit_not_found(),
                Entity::OrgPolicy => policy_not_found(),
                Entity::OrgTarget => target_not_found(),
                Entity::CreateAccountStatus => create_account_status_not_found(),
                _ => Self::from(ApiError::from(err)),
            },
            StoreError::AlreadyExists { entity, .. } => match entity {
                Entity::OrgPolicy => fault(
                    "DuplicatePolicyException",
                    "A policy with the same name already exists.",
                ),
                Entity::OrgUnit => fault(
                    "DuplicateOrganizationalUnitException",
                    "An OU with the same name already exists.",
                ),
                _ => Self::from(ApiError::internal(err)),
            },
            StoreError::InUse { entity, .. } => match entity {
                Entity::OrgPolicy => policy_in_use(),
                Entity::OrgUnit => unit_not_empty(),
                _ => Self::from(ApiError::internal(err)),
            },
            _ => Self::from(ApiError::internal(err)),
        }
    }
}

pub(crate) fn create_account_status_not_found() -> OrgError {
    fault(
        "CreateAccountStatusNotFoundException",
        "We can't find an create account request with the CreateAccountRequestId that you specified.",
    )
}

pub(crate) fn policy_in_use() -> OrgError {
    fault(
        "PolicyInUseException",
        "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
    )
}

pub(crate) fn unit_not_empty() -> OrgError {
    fault(
        "OrganizationalUnitNotEmptyException",
        "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.",
    )
}

/// Input that breaks the model's constraints: `InvalidInputException` with the reason
/// of the first violation (AWS reports one), its sentence, and the violation itself so
/// the caller can see which parameter.
pub(crate) fn invalid_input(errors: &ValidationErrors) -> JsonFault {
    let Some(first) = errors.violations().first() else {
        return invalid("INVALID_INPUT", errors.aws_message()).0;
    };
    let policy_type = matches!(first.path.as_str(), "type" | "filter" | "policyType");
    let (reason, sentence) = match &first.constraint {
        Constraint::NotNull => (
            "INPUT_REQUIRED",
            "You must include a value for all required parameters.",
        ),
        Constraint::MinLength(_) => (
            "MIN_LENGTH_EXCEEDED",
            "You provided a string parameter that is shorter than allowed.",
        ),
        Constraint::MaxLength(_) => (
            "MAX_LENGTH_EXCEEDED",
            "You provided a string parameter that is longer than allowed.",
        ),
        Constraint::Pattern(_) => (
            "INVALID_PATTERN",
            "You provided a value that does not match the required pattern.",
        ),
        Constraint::Enum(_) if policy_type => (
            "INVALID_ENUM_POLICY_TYPE",
            "You specified an invalid policy type string.",
        ),
        Constraint::Enum(_) => ("INVALID_ENUM", "You specified an invalid value."),
        Constraint::MinValue(_) => (
            "MIN_VALUE_EXCEEDED",
            "You provided a numeric parameter that has a smaller value than allowed.",
        ),
        Constraint::MaxValue(_) => (
            "MAX_VALUE_EXCEEDED",
            "You provided a numeric parameter that has a larger value than allowed.",
        ),
        _ => ("INVALID_INPUT", "You provided an invalid value."),
    };
    invalid(reason, format!("{sentence} {first}")).0
}
