//! AWS Config's errors. Every exception of botocore's model has no `error` trait, so
//! each is HTTP 400 with its shape name as `__type`. Model violations are Coral's
//! `ValidationException` with the "N validation error(s) detected" message, as AWS
//! Config answers them.

use ironiam_protocol::model::ValidationErrors;
use ironiam_store::{Entity, StoreError};

use crate::http::error::ApiError;
use crate::http::json::JsonFault;

/// A Config error: a [`JsonFault`] that store and API errors convert into.
#[derive(Debug)]
pub(crate) struct ConfigError(pub(crate) JsonFault);

/// A result of a Config operation.
pub(crate) type ConfigResult<T> = Result<T, ConfigError>;

impl From<ConfigError> for JsonFault {
    fn from(err: ConfigError) -> Self {
        err.0
    }
}

fn fault(code: &str, message: impl Into<String>) -> ConfigError {
    ConfigError(JsonFault::new(code, 400, message))
}

/// `InvalidParameterValueException`.
pub(crate) fn invalid(message: impl Into<String>) -> ConfigError {
    fault("InvalidParameterValueException", message)
}

/// `NoSuchConfigRuleException`, in AWS Config's words.
pub(crate) fn no_such_rule(name: &str) -> ConfigError {
    fault(
        "NoSuchConfigRuleException",
        crate::http::error::not_found(Entity::ConfigRule, name),
    )
}

/// `InvalidNextTokenException`.
pub(crate) fn invalid_token() -> ConfigError {
    fault(
        "InvalidNextTokenException",
        "The nextToken provided is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.",
    )
}

/// `MaxNumberOfConfigRulesExceededException`.
pub(crate) fn too_many_rules(limit: usize) -> ConfigError {
    fault(
        "MaxNumberOfConfigRulesExceededException",
        format!(
            "Failed to add the Config rule because the account already contains the maximum number of {limit} rules. Consider deleting any deactivated rules before you add new rules."
        ),
    )
}

/// Model violations: `ValidationException` with AWS's sentence.
pub(crate) fn invalid_input(errors: &ValidationErrors) -> JsonFault {
    JsonFault::new("ValidationException", 400, errors.aws_message())
}

impl From<ApiError> for ConfigError {
    fn from(err: ApiError) -> Self {
        Self(JsonFault::from_api(&err, Some(&super::SERVICE)))
    }
}

impl From<StoreError> for ConfigError {
    fn from(err: StoreError) -> Self {
        match &err {
            StoreError::NotFound {
                entity: Entity::ConfigRule,
                name,
            } => no_such_rule(name),
            _ => Self::from(ApiError::internal(err)),
        }
    }
}
