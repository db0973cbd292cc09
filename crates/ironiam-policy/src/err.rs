//! Errors for policy documents that IAM would refuse.

use std::fmt;

use crate::loc::{Location, Span};

/// A policy document IAM would refuse, with AWS's wording and where the problem is.
///
/// `message` is the text IAM puts in its `MalformedPolicyDocument` error, so that clients
/// matching on it keep working; `detail` adds what IAM leaves out (which token, which
/// element) and `location` gives the line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    /// The AWS error code the API reports it with.
    pub code: PolicyErrorCode,
    /// IAM's message.
    pub message: String,
    /// More precision than IAM gives, if any.
    pub detail: Option<String>,
    /// The offending text.
    pub span: Span,
    /// Line and column of `span`'s start.
    pub location: Location,
}

impl PolicyError {
    pub(crate) fn new(text: &str, span: Span, message: impl Into<String>) -> Self {
        Self {
            code: PolicyErrorCode::MalformedPolicyDocument,
            message: message.into(),
            detail: None,
            span,
            location: span.location(text),
        }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The AWS error code for a refused policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyErrorCode {
    /// `MalformedPolicyDocument` (HTTP 400): the document breaks the grammar.
    MalformedPolicyDocument,
    /// `LimitExceeded` (HTTP 409): the document is larger than its quota.
    LimitExceeded,
}

impl PolicyErrorCode {
    /// AWS's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyErrorCode::MalformedPolicyDocument => "MalformedPolicyDocument",
            PolicyErrorCode::LimitExceeded => "LimitExceeded",
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at line {}, column {}",
            self.message, self.location.line, self.location.column
        )?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        f.write_str(")")
    }
}
