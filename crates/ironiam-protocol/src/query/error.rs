//! Query decoding failures and their AWS codes.
//!
//! Codes and statuses follow AWS's "Common Errors" list (MalformedQueryString
//! is 404 there, the rest 400). AWS's exact message texts for these were not
//! confirmed; ours describe the problem and name the offending parameter.

use thiserror::Error;

use crate::encoding::DecodeError;

/// Why a Query request could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A key or value has a bad `%` escape or is not UTF-8.
    #[error("pair {pair} is malformed: {reason}")]
    Malformed {
        /// 1-based position of the `&`-separated pair.
        pair: usize,
        /// What was wrong with it.
        reason: DecodeError,
    },
    /// No `Action` parameter.
    #[error("no `Action` parameter")]
    MissingAction,
    /// `Action` names no operation of this service and version.
    #[error("unknown action `{action}` for version `{version}`")]
    InvalidAction {
        /// The action requested.
        action: String,
        /// The version requested (empty if none).
        version: String,
    },
    /// A required parameter is absent.
    #[error("missing parameter `{name}`")]
    MissingParameter {
        /// The parameter name.
        name: String,
    },
    /// A scalar or list element appears twice.
    #[error("parameter `{name}` appears more than once")]
    Duplicate {
        /// The repeated key.
        name: String,
    },
    /// A list or map index is not a positive integer, or the key has an
    /// unexpected shape.
    #[error("malformed list or map key `{name}`", name = key)]
    BadIndex {
        /// The offending key.
        key: String,
    },
    /// List or map indices skip a number.
    #[error("list is missing `{name}`")]
    Gap {
        /// The first missing key.
        name: String,
    },
    /// A map entry has a key without a value or the other way round.
    #[error("map entry is missing `{name}`")]
    IncompleteEntry {
        /// The missing key.
        name: String,
    },
    /// A list parameter was sent as a non-empty scalar.
    #[error("parameter `{name}` must be a list")]
    NotAList {
        /// The parameter name.
        name: String,
    },
}

impl QueryError {
    /// The AWS error code for `<Code>`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "MalformedQueryString",
            Self::MissingAction => "MissingAction",
            Self::InvalidAction { .. } => "InvalidAction",
            Self::MissingParameter { .. }
            | Self::Duplicate { .. }
            | Self::BadIndex { .. }
            | Self::Gap { .. }
            | Self::IncompleteEntry { .. }
            | Self::NotAList { .. } => "ValidationError",
        }
    }

    /// The HTTP status for the code.
    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed { .. } => 404,
            _ => 400,
        }
    }

    /// The `<Message>` text.
    pub fn aws_message(&self) -> String {
        match self {
            Self::Malformed { .. } => "The query string contains a syntax error.".to_owned(),
            Self::MissingAction => "Missing Action".to_owned(),
            Self::InvalidAction { action, version } => {
                format!("Could not find operation {action} for version {version}")
            }
            Self::MissingParameter { name } => format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_camel(name)
            ),
            Self::Duplicate { name } => {
                format!("Parameter '{name}' must not be specified more than once.")
            }
            Self::BadIndex { key } => {
                format!("Parameter '{key}' is not a valid list or map member.")
            }
            Self::Gap { name } => format!(
                "Parameter '{name}' is missing; list members must be numbered from 1 without gaps."
            ),
            Self::IncompleteEntry { name } => format!("Parameter '{name}' is missing."),
            Self::NotAList { name } => format!("Parameter '{name}' must be a list."),
        }
    }
}

/// `UserName` -> `userName`, as AWS names members in validation messages.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
