//! Why a simulation could not run.

use ironiam_policy::{CallerError, PolicyError};

/// Bad input to `ironiam simulate`: a file, a policy, a flag or a batch line.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SimulateError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// A policy that IAM would refuse, with where the engine found the problem.
    #[error("{label}:{line}:{column}: {message}")]
    Policy {
        /// The file name, or the batch policy id.
        label: String,
        line: usize,
        column: usize,
        /// IAM's `MalformedPolicyDocument` message, and the engine's detail.
        message: String,
    },
    /// `--caller` or `CallerArn`.
    #[error("invalid caller: {0}")]
    Caller(#[from] CallerError),
    /// A context entry that does not follow the syntax or its declared type.
    #[error("invalid context entry `{entry}`: {reason}")]
    Context { entry: String, reason: String },
    /// The same key given twice (keys are case-insensitive).
    #[error("context key `{0}` is given more than once")]
    DuplicateKey(String),
    /// `--resource-owner` or `ResourceOwner`.
    #[error(
        "invalid resource owner `{0}`: expected a 12-digit account ID or `arn:aws:iam::ACCOUNT:root`"
    )]
    ResourceOwner(String),
    /// A batch line that is not a request.
    #[error("{0}")]
    Request(String),
}

impl SimulateError {
    /// A policy error, located in the file or batch field it came from.
    pub(crate) fn policy(label: &str, error: &PolicyError) -> Self {
        let message = match &error.detail {
            Some(detail) => format!("{} ({detail})", error.message),
            None => error.message.clone(),
        };
        Self::Policy {
            label: label.to_string(),
            line: error.location.line,
            column: error.location.column,
            message,
        }
    }

    pub(crate) fn context(entry: &str, reason: impl Into<String>) -> Self {
        Self::Context {
            entry: entry.to_string(),
            reason: reason.into(),
        }
    }
}
