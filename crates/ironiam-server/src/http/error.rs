//! `ApiError`: every way a request fails, as AWS's code, status and message.
//!
//! Internal faults are logged with their details and answered with a bare
//! `ServiceFailure`; nothing internal reaches the client.

use ironiam_protocol::model::InputError;
use ironiam_protocol::query::QueryError;
use ironiam_protocol::sigv4::SigV4Error;
use ironiam_store::{Entity, StoreError};

/// An IAM API error.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `NoSuchEntity` (404).
    #[error("no such entity: {0}")]
    NoSuchEntity(String),
    /// `EntityAlreadyExists` (409).
    #[error("entity already exists: {0}")]
    EntityAlreadyExists(String),
    /// `LimitExceeded` (409).
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// `DeleteConflict` (409).
    #[error("delete conflict: {0}")]
    DeleteConflict(String),
    /// `MalformedPolicyDocument` (400).
    #[error("malformed policy document: {0}")]
    MalformedPolicyDocument(String),
    /// `InvalidInput` (400).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// `PasswordPolicyViolation` (400).
    #[error("password policy violation: {0}")]
    PasswordPolicyViolation(String),
    /// `InvalidUserType` (400): the caller is the wrong kind of user.
    #[error("invalid user type: {0}")]
    InvalidUserType(String),
    /// `InvalidParameterValue` (400), STS's code for a bad parameter value.
    #[error("invalid parameter value: {0}")]
    InvalidParameterValue(String),
    /// `PackedPolicyTooLarge` (400): the session policies are too large.
    #[error("packed policy too large: {0}")]
    PackedPolicyTooLarge(String),
    /// `ValidationError` (400) with AWS's message.
    #[error("validation error: {0}")]
    Validation(String),
    /// Query decoding or model validation failed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Query syntax failed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// `AccessDenied` (403) with AWS's message.
    #[error("access denied: {0}")]
    AccessDenied(String),
    /// SigV4 verification failed.
    #[error(transparent)]
    SigV4(#[from] SigV4Error),
    /// The access key exists but is inactive, or its owner is gone.
    #[error("inactive or orphaned access key")]
    InvalidClientTokenId,
    /// `ExpiredToken` (403): the session token's credentials have expired.
    #[error("expired session token")]
    ExpiredToken,
    /// The body is larger than the limit.
    #[error("request body larger than {0} bytes")]
    TooLarge(usize),
    /// `NotImplemented`: a modelled action ironiam does not serve yet.
    #[error("action `{0}` is not implemented")]
    NotImplemented(String),
    /// An internal fault: logged, answered with `ServiceFailure`.
    #[error("internal: {0}")]
    Internal(String),
    /// `PolicyEvaluation` (500): a policy the simulator had to evaluate could not be
    /// (a stored document that no longer compiles), with a message naming it.
    #[error("policy evaluation: {0}")]
    PolicyEvaluation(String),
    /// `InvalidAuthenticationCode` (403): EnableMFADevice or ResyncMFADevice
    /// codes that do not verify.
    #[error("invalid authentication code: {0}")]
    InvalidAuthenticationCode(String),
    /// `ReportNotPresent` (410): no credential report was generated.
    #[error("credential report not present: {0}")]
    ReportNotPresent(String),
    /// `ReportExpired` (410): the credential report is too old to be served.
    #[error("credential report expired: {0}")]
    ReportExpired(String),
    /// `ServiceUnavailable` (503): the server is at a bound (concurrent Argon2
    /// evaluations); the client should retry.
    #[error("service unavailable: {0}")]
    ServiceUnavailable(String),
    /// `RequestTimeout` (408): the body did not arrive within the body timeout.
    #[error("request body timed out")]
    RequestTimeout,
}

impl ApiError {
    /// The AWS error code.
    pub fn code(&self) -> &str {
        match self {
            Self::NoSuchEntity(_) => "NoSuchEntity",
            Self::EntityAlreadyExists(_) => "EntityAlreadyExists",
            Self::LimitExceeded(_) => "LimitExceeded",
            Self::DeleteConflict(_) => "DeleteConflict",
            Self::MalformedPolicyDocument(_) => "MalformedPolicyDocument",
            Self::InvalidInput(_) => "InvalidInput",
            Self::PasswordPolicyViolation(_) => "PasswordPolicyViolation",
            Self::InvalidUserType(_) => "InvalidUserType",
            Self::Validation(_) => "ValidationError",
            Self::InvalidParameterValue(_) => "InvalidParameterValue",
            Self::PackedPolicyTooLarge(_) => "PackedPolicyTooLarge",
            Self::Input(e) => e.code(),
            Self::Query(e) => e.code(),
            Self::AccessDenied(_) => "AccessDenied",
            Self::SigV4(e) => e.code(),
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::ExpiredToken => "ExpiredToken",
            Self::TooLarge(_) => "RequestEntityTooLarge",
            Self::NotImplemented(_) => "NotImplemented",
            Self::Internal(_) => "ServiceFailure",
            Self::PolicyEvaluation(_) => "PolicyEvaluation",
            Self::InvalidAuthenticationCode(_) => "InvalidAuthenticationCode",
            Self::ReportNotPresent(_) => "ReportNotPresent",
            Self::ReportExpired(_) => "ReportExpired",
            Self::ServiceUnavailable(_) => "ServiceUnavailable",
            Self::RequestTimeout => "RequestTimeout",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::NoSuchEntity(_) => 404,
            Self::EntityAlreadyExists(_) | Self::LimitExceeded(_) | Self::DeleteConflict(_) => 409,
            Self::MalformedPolicyDocument(_)
            | Self::InvalidInput(_)
            | Self::PasswordPolicyViolation(_)
            | Self::InvalidUserType(_)
            | Self::Validation(_)
            | Self::InvalidParameterValue(_)
            | Self::PackedPolicyTooLarge(_) => 400,
            Self::Input(e) => e.status(),
            Self::Query(e) => e.status(),
            Self::AccessDenied(_) | Self::InvalidClientTokenId | Self::ExpiredToken => 403,
            Self::SigV4(e) => e.status(),
            Self::TooLarge(_) => 413,
            Self::NotImplemented(_) => 501,
            Self::Internal(_) => 500,
            Self::PolicyEvaluation(_) => 500,
            Self::InvalidAuthenticationCode(_) => 403,
            Self::ReportNotPresent(_) | Self::ReportExpired(_) => 410,
            Self::ServiceUnavailable(_) => 503,
            Self::RequestTimeout => 408,
        }
    }

    /// The `<Message>` the client sees.
    pub fn message(&self) -> String {
        match self {
            Self::NoSuchEntity(m)
            | Self::EntityAlreadyExists(m)
            | Self::LimitExceeded(m)
            | Self::DeleteConflict(m)
            | Self::MalformedPolicyDocument(m)
            | Self::InvalidInput(m)
            | Self::PasswordPolicyViolation(m)
            | Self::InvalidUserType(m)
            | Self::Validation(m)
            | Self::InvalidParameterValue(m)
            | Self::PackedPolicyTooLarge(m)
            | Self::AccessDenied(m) => m.clone(),
            Self::Input(e) => e.aws_message(),
            Self::Query(e) => e.aws_message(),
            Self::SigV4(e) => e.aws_message(),
            Self::InvalidClientTokenId => SigV4Error::InvalidClientTokenId.aws_message(),
            Self::ExpiredToken => {
                "The security token included in the request is expired".to_owned()
            }
            Self::TooLarge(limit) => {
                format!("Request body must be at most {limit} bytes.")
            }
            Self::NotImplemented(action) => {
                format!("The action {action} is not implemented by ironiam.")
            }
            Self::Internal(_) => "An internal error occurred.".to_owned(),
            Self::PolicyEvaluation(m) => m.clone(),
            Self::InvalidAuthenticationCode(m)
            | Self::ReportNotPresent(m)
            | Self::ReportExpired(m)
            | Self::ServiceUnavailable(m) => m.clone(),
            // S3's wording for the same event.
            Self::RequestTimeout => "Your socket connection to the server was not read from or written to within the timeout period.".to_owned(),
        }
    }

    /// `ServiceFailure` for an internal fault; the detail is only logged.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }
}

impl ApiError {
    /// The error for a body that could not be read: too large, or too slow.
    pub fn body(err: &axum::Error, limit: usize) -> Self {
        if super::conn::timed_out(err) {
            Self::RequestTimeout
        } else {
            Self::TooLarge(limit)
        }
    }
}

impl From<crate::argon::Busy> for ApiError {
    fn from(_: crate::argon::Busy) -> Self {
        Self::ServiceUnavailable(ARGON_BUSY.to_owned())
    }
}

/// The answer when every Argon2 permit stayed taken for the whole wait.
pub const ARGON_BUSY: &str =
    "Service is unable to handle request: too many password checks in progress. Try again.";

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound { entity, name } => Self::NoSuchEntity(not_found(entity, &name)),
            StoreError::AlreadyExists { entity, name } => {
                Self::EntityAlreadyExists(already_exists(entity, &name))
            }
            StoreError::InUse { entity, name } => {
                Self::DeleteConflict(format!("Cannot delete entity, {entity} {name} is in use."))
            }
            other => Self::internal(other),
        }
    }
}

/// IAM's `NoSuchEntity` wording for each kind of record.
pub fn not_found(entity: Entity, name: &str) -> String {
    match entity {
        Entity::User => format!("The user with name {name} cannot be found."),
        Entity::Group => format!("The group with name {name} cannot be found."),
        Entity::Role => format!("The role with name {name} cannot be found."),
        Entity::Policy => format!("Policy {name} does not exist or is not attachable."),
        Entity::PolicyVersion => format!("Policy version {name} does not exist."),
        Entity::InlinePolicy => format!("The policy with name {name} cannot be found."),
        Entity::AccessKey => format!("The Access Key with id {name} cannot be found"),
        Entity::LoginProfile => format!("Login Profile for User {name} cannot be found."),
        Entity::Account => format!("The account {name} cannot be found."),
        // moto's wording, which it keeps from AWS's responses.
        Entity::MfaDevice => format!("VirtualMFADevice with serial number {name} doesn't exist."),
        Entity::CredentialReport => "The credential report does not exist.".to_owned(),
        Entity::Organization
        | Entity::OrgRoot
        | Entity::OrgUnit
        | Entity::OrgAccount
        | Entity::CreateAccountStatus
        | Entity::OrgPolicy
        | Entity::OrgTarget => format!("The {entity} {name} cannot be found."),
        Entity::ConfigRule => format!(
            "The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name."
        ),
    }
}

/// IAM's `EntityAlreadyExists` wording.
pub fn already_exists(entity: Entity, name: &str) -> String {
    match entity {
        Entity::User => format!("User with name {name} already exists."),
        Entity::Group => format!("Group with name {name} already exists."),
        Entity::Role => format!("Role with name {name} already exists."),
        Entity::Policy => {
            format!("A policy called {name} already exists. Duplicate names are not allowed.")
        }
        Entity::LoginProfile => format!("Login Profile for user {name} already exists."),
        // AWS's wording (CloudTrail records of console retries show it verbatim).
        Entity::MfaDevice => {
            "MFADevice entity at the same path and name already exists.".to_owned()
        }
        other => format!("The {other} {name} already exists."),
    }
}
