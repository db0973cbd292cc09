//! SigV4 failures and how each one looks on the wire.
//!
//! `Display` is a short lowercase description for logs. What the client sees
//! is [`SigV4Error::code`], [`SigV4Error::status`] and
//! [`SigV4Error::aws_message`], which follow AWS's wording.
//!
//! Confirmed from AWS responses quoted in public bug reports (IAM/STS/SNS/SES
//! Query services): `Request is missing Authentication Token` (403, STS);
//! `The security token included in the request is invalid.` (403; STS has
//! also been seen without the final period); the `SignatureDoesNotMatch`
//! mismatch text (403); `Signature expired: X is now earlier than Y (Z - 15
//! min.)`; the `Authorization header requires '...' parameter.` sentences
//! (400). Statuses come from AWS's "Common Errors" pages. Everything else
//! (not-yet-current, scope date, service/region scope, host not signed,
//! credential shape, bad date, the presigned-parameter texts taken from S3,
//! `RequestExpired` for presigned expiry, `XAmzContentSHA256Mismatch`) is
//! modelled on AWS wording but was not confirmed for IAM or STS.
//!
//! No variant carries a secret, a computed signature, a signing key, or the
//! signature the client sent: AWS echoes the `Authorization` header in some
//! messages, ironiam deliberately does not, so logs never hold a replayable
//! credential.

use thiserror::Error;

use crate::time::UnixTime;

/// AWS's message for a plain signature mismatch, verbatim.
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Why SigV4 verification failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SigV4Error {
    /// No `Authorization` header and no presigned query parameters.
    #[error("request carries no sigv4 authentication")]
    MissingAuthenticationToken,
    /// The authentication data is present but unusable.
    #[error("incomplete signature: {0}")]
    IncompleteSignature(IncompleteSignature),
    /// The access key id is not known to the key store.
    #[error("unknown access key id")]
    InvalidClientTokenId,
    /// The signature was checked and is wrong, or the scope or time is wrong.
    #[error("signature does not match: {0}")]
    SignatureDoesNotMatch(Mismatch),
    /// A presigned URL was used after `X-Amz-Date + X-Amz-Expires`.
    #[error("presigned request expired at {expired_at}")]
    RequestExpired {
        /// When the presigned request stopped being valid.
        expired_at: UnixTime,
    },
    /// `x-amz-content-sha256` does not match the body that arrived.
    #[error("x-amz-content-sha256 does not match the body")]
    ContentSha256Mismatch,
}

/// The ways authentication data can be malformed (`IncompleteSignature`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IncompleteSignature {
    /// The `Authorization` header lacks some of its parts, or no date header
    /// exists. Each flag is `true` when that part is missing.
    #[error("authorization header is missing parts")]
    MissingParts {
        /// `Credential=` is missing.
        credential: bool,
        /// `Signature=` is missing.
        signature: bool,
        /// `SignedHeaders=` is missing.
        signed_headers: bool,
        /// Neither `X-Amz-Date` nor `Date` is present.
        date: bool,
    },
    /// A comma-separated component of `Authorization` has no `=`.
    #[error("authorization header component without `=`")]
    MalformedPair,
    /// `Credential`, `SignedHeaders` or `Signature` appears twice.
    #[error("authorization header repeats `{0}`")]
    DuplicatePart(&'static str),
    /// The credential is not `key/date/region/service/aws4_request`.
    #[error("malformed credential `{0}`")]
    MalformedCredential(String),
    /// The credential's last element is not `aws4_request`.
    #[error("credential terminator `{0}` is not `aws4_request`")]
    BadTerminator(String),
    /// The request date is not ISO 8601 basic format (or an HTTP date).
    #[error("malformed request date `{0}`")]
    BadDate(String),
    /// A required presigned query parameter is absent.
    #[error("presigned request lacks `{0}`")]
    MissingQueryParameter(&'static str),
    /// The algorithm is not `AWS4-HMAC-SHA256`.
    #[error("unsupported signing algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// `X-Amz-Expires` is not a non-negative integer.
    #[error("`X-Amz-Expires` is not a number")]
    ExpiresNotNumber,
    /// `X-Amz-Expires` exceeds seven days.
    #[error("`X-Amz-Expires` exceeds 604800 seconds")]
    ExpiresTooLarge,
    /// Both the header and the query-string form were used.
    #[error("both authorization header and presigned query parameters present")]
    MultipleAuthMechanisms,
    /// A header that must be single (`Authorization`, `X-Amz-Date`, ...) or a
    /// presigned parameter appears more than once.
    #[error("`{0}` appears more than once")]
    Duplicate(&'static str),
}

/// The ways a well-formed signature can fail (`SignatureDoesNotMatch`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Mismatch {
    /// The HMAC did not match.
    #[error("hmac mismatch")]
    Signature,
    /// The request time is more than 15 minutes before now.
    #[error("request time {request_time} is more than 15 minutes before {now}")]
    Expired {
        /// The signed request time.
        request_time: UnixTime,
        /// The server's time.
        now: UnixTime,
    },
    /// The request time is more than 15 minutes after now.
    #[error("request time {request_time} is more than 15 minutes after {now}")]
    NotYetCurrent {
        /// The signed request time.
        request_time: UnixTime,
        /// The server's time.
        now: UnixTime,
    },
    /// The credential scope's date is not the request's date.
    #[error("credential scope date `{scope_date}` is not the date of `{request_time}`")]
    ScopeDate {
        /// The `YYYYMMDD` from the credential.
        scope_date: String,
        /// The request time, formatted `YYYYMMDDTHHMMSSZ`.
        request_time: String,
    },
    /// The credential is scoped to another service.
    #[error("credential not scoped to service `{expected}`")]
    Service {
        /// The service this endpoint serves.
        expected: String,
    },
    /// The credential is scoped to a region this endpoint does not serve.
    #[error("credential scoped to region `{found}`")]
    Region {
        /// The region in the credential.
        found: String,
    },
    /// `host` is not among the signed headers.
    #[error("host header is not signed")]
    HostNotSigned,
    /// A header the endpoint requires to be signed is not among the signed headers
    /// (the JSON endpoint's `X-Amz-Target` and `Content-Type`).
    #[error("`{0}` header is not signed")]
    HeaderNotSigned(&'static str),
}

impl SigV4Error {
    /// The AWS error code for the `<Code>` element.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature(_) => "IncompleteSignature",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            Self::RequestExpired { .. } => "RequestExpired",
            Self::ContentSha256Mismatch => "XAmzContentSHA256Mismatch",
        }
    }

    /// The HTTP status AWS uses for this code (AWS "Common Errors" pages).
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingAuthenticationToken
            | Self::InvalidClientTokenId
            | Self::SignatureDoesNotMatch(_) => 403,
            Self::IncompleteSignature(_)
            | Self::RequestExpired { .. }
            | Self::ContentSha256Mismatch => 400,
        }
    }

    /// The text for the `<Message>` element, worded like AWS's.
    pub fn aws_message(&self) -> String {
        match self {
            Self::MissingAuthenticationToken => {
                "Request is missing Authentication Token".to_owned()
            }
            Self::IncompleteSignature(reason) => reason.aws_message(),
            Self::InvalidClientTokenId => {
                "The security token included in the request is invalid.".to_owned()
            }
            Self::SignatureDoesNotMatch(reason) => reason.aws_message(),
            Self::RequestExpired { .. } => "Request has expired.".to_owned(),
            Self::ContentSha256Mismatch => {
                "The provided 'x-amz-content-sha256' header does not match what was computed."
                    .to_owned()
            }
        }
    }
}

impl IncompleteSignature {
    fn aws_message(&self) -> String {
        match self {
            Self::MissingParts { credential, signature, signed_headers, date } => {
                let mut parts = Vec::new();
                if *credential {
                    parts.push("Authorization header requires 'Credential' parameter.");
                }
                if *signature {
                    parts.push("Authorization header requires 'Signature' parameter.");
                }
                if *signed_headers {
                    parts.push("Authorization header requires 'SignedHeaders' parameter.");
                }
                if *date {
                    parts.push(
                        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
                    );
                }
                parts.join(" ")
            }
            Self::MalformedPair => {
                "Authorization header contains a component that is not a valid key=value pair (missing equal-sign).".to_owned()
            }
            Self::DuplicatePart(name) => {
                format!("Authorization header contains '{name}' more than once.")
            }
            Self::MalformedCredential(credential) => format!(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
            ),
            Self::BadTerminator(term) => format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{term}'."
            ),
            Self::BadDate(date) => format!(
                "Date must be in ISO-8601 'basic format'. Got '{date}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ),
            Self::MissingQueryParameter(name) => format!(
                "AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."
            ),
            Self::UnsupportedAlgorithm(_) => {
                "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"".to_owned()
            }
            Self::ExpiresNotNumber => "X-Amz-Expires should be a number".to_owned(),
            Self::ExpiresTooLarge => {
                "X-Amz-Expires must be less than a week (in seconds) that is 604800".to_owned()
            }
            Self::MultipleAuthMechanisms => "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified".to_owned(),
            Self::Duplicate(name) => format!("'{name}' must not be specified more than once."),
        }
    }
}

impl Mismatch {
    fn aws_message(&self) -> String {
        match self {
            Self::Signature => SIGNATURE_MISMATCH_MESSAGE.to_owned(),
            Self::Expired { request_time, now } => format!(
                "Signature expired: {request_time} is now earlier than {} ({now} - 15 min.)",
                now.saturating_add(-super::MAX_SKEW_SECS)
            ),
            Self::NotYetCurrent { request_time, now } => format!(
                "Signature not yet current: {request_time} is still later than {} ({now} + 15 min.)",
                now.saturating_add(super::MAX_SKEW_SECS)
            ),
            Self::ScopeDate {
                scope_date,
                request_time,
            } => format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{request_time}'.",
                request_time.get(..8).unwrap_or(request_time)
            ),
            Self::Service { expected } => {
                format!("Credential should be scoped to correct service: '{expected}'. ")
            }
            Self::Region { found } => {
                format!("Credential should be scoped to a valid region, not '{found}'. ")
            }
            Self::HostNotSigned => {
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
                    .to_owned()
            }
            Self::HeaderNotSigned(name) => {
                format!("'{name}' must be a 'SignedHeader' in the AWS Authorization.")
            }
        }
    }
}

impl From<IncompleteSignature> for SigV4Error {
    fn from(reason: IncompleteSignature) -> Self {
        Self::IncompleteSignature(reason)
    }
}

impl From<Mismatch> for SigV4Error {
    fn from(reason: Mismatch) -> Self {
        Self::SignatureDoesNotMatch(reason)
    }
}
