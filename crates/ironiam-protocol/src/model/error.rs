//! Failures to load a model, and failures of a request against one.

use thiserror::Error;

use crate::query::QueryError;

use super::validate::ValidationErrors;

/// Why an embedded service model could not be loaded. These are bugs in the
/// model files or in this crate, never caused by a request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The JSON does not have the botocore model layout.
    #[error("model is not valid botocore JSON: {0}")]
    Json(String),
    /// A reference names a shape that does not exist.
    #[error("shape `{from}` refers to unknown shape `{to}`")]
    UnknownShape {
        /// The referring shape or operation.
        from: String,
        /// The missing shape.
        to: String,
    },
    /// A shape has a `type` ironiam does not know.
    #[error("shape `{shape}` has unsupported type `{kind}`")]
    UnsupportedType {
        /// The shape.
        shape: String,
        /// Its type.
        kind: String,
    },
    /// A list or map lacks its `member` / `key` / `value`.
    #[error("shape `{shape}` lacks `{field}`")]
    MissingField {
        /// The shape.
        shape: String,
        /// The missing field.
        field: &'static str,
    },
    /// A `min` or `max` is not an integer.
    #[error("shape `{shape}` has a non-integer bound")]
    BadBound {
        /// The shape.
        shape: String,
    },
    /// A structure lists a required member it does not have.
    #[error("shape `{shape}` requires unknown member `{member}`")]
    UnknownRequired {
        /// The structure.
        shape: String,
        /// The member name.
        member: String,
    },
    /// A `pattern` could not be translated or compiled.
    #[error("pattern `{pattern}` does not compile: {reason}")]
    Pattern {
        /// The pattern as written in the model.
        pattern: String,
        /// Why.
        reason: String,
    },
}

/// Why a request's parameters were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InputError {
    /// The parameters are not well-formed Query syntax (duplicates, bad list
    /// indices, a scalar where a list belongs).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A scalar could not be read as its shape's type (`MaxItems=abc`).
    #[error("parameter `{parameter}` is not a valid {expected}: `{value}`")]
    Malformed {
        /// The parameter key as sent.
        parameter: String,
        /// The text sent.
        value: String,
        /// What was expected: `integer`, `boolean`, `base64 blob`.
        expected: &'static str,
    },
    /// The decoded input breaks the model's constraints.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// A JSON-protocol body is not JSON, or a member is not of its shape's type:
    /// AWS's `SerializationException`. The text is the whole message.
    #[error("{0}")]
    Serialization(String),
}

impl InputError {
    /// The AWS error code for `<Code>`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Query(e) => e.code(),
            Self::Malformed { .. } | Self::Validation(_) => "ValidationError",
            Self::Serialization(_) => "SerializationException",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::Query(e) => e.status(),
            Self::Malformed { .. } | Self::Validation(_) | Self::Serialization(_) => 400,
        }
    }

    /// The `<Message>` text.
    pub fn aws_message(&self) -> String {
        match self {
            Self::Query(e) => e.aws_message(),
            // AWS's wording for an unparseable number was not found; this
            // follows the shape of its other parameter messages.
            Self::Malformed {
                parameter,
                value,
                expected,
            } => format!("Value '{value}' for parameter {parameter} is not a valid {expected}."),
            Self::Validation(errors) => errors.aws_message(),
            Self::Serialization(message) => message.clone(),
        }
    }
}
