//! The AWS JSON protocols (`awsJson1_0`, `awsJson1_1`), the parts every service shares.
//!
//! A request is `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON
//! body ([`crate::model::json`] decodes it against the model). A reply is a JSON
//! object with `Content-Type: application/x-amz-json-1.1`; an error is an HTTP status
//! and a body whose `__type` names the error (botocore's JSON parser reads `__type`,
//! keeps what follows a `#`, and takes the message from `message` or `Message`).
//!
//! Authentication failures have their own codes in these services (Coral's
//! `UnrecognizedClientException`, `InvalidSignatureException`, ...) where the Query
//! protocol says `InvalidClientTokenId` and `SignatureDoesNotMatch`:
//! [`sigv4_error`] translates.

use crate::sigv4::SigV4Error;

/// The content type of JSON 1.1 requests and replies.
pub const CONTENT_TYPE_1_1: &str = "application/x-amz-json-1.1";

/// The header that names the operation.
pub const TARGET_HEADER: &str = "x-amz-target";

/// The `__type` AWS's JSON services answer an unknown `X-Amz-Target` with.
pub const UNKNOWN_OPERATION: &str = "com.amazon.coral.service#UnknownOperationException";

/// Splits `X-Amz-Target` into the service's target prefix and the operation name:
/// `AWSOrganizationsV20161128.ListAccounts` -> (`AWSOrganizationsV20161128`,
/// `ListAccounts`). `None` when either part is empty or there is no `.`.
pub fn parse_target(target: &str) -> Option<(&str, &str)> {
    let (prefix, operation) = target.trim().rsplit_once('.')?;
    if prefix.is_empty() || operation.is_empty() {
        return None;
    }
    Some((prefix, operation))
}

/// An error body: `{"__type": code, "Message": message, ...extra}`. `extra` are the
/// error shape's other members (Organizations' `Reason`), in order.
pub fn error_body(code: &str, message: &str, extra: &[(&str, &str)]) -> String {
    let mut body = serde_json::Map::new();
    body.insert("__type".to_owned(), code.into());
    body.insert("Message".to_owned(), message.into());
    for (name, value) in extra {
        body.insert((*name).to_owned(), (*value).into());
    }
    serde_json::Value::Object(body).to_string()
}

/// The code and HTTP status a JSON-protocol service answers a SigV4 failure with; the
/// message is [`SigV4Error::aws_message`], except for the missing token, whose text
/// differs between the protocols.
pub fn sigv4_error(err: &SigV4Error) -> (&'static str, u16, String) {
    match err {
        SigV4Error::MissingAuthenticationToken => (
            "MissingAuthenticationTokenException",
            400,
            "Missing Authentication Token".to_owned(),
        ),
        SigV4Error::IncompleteSignature(_) => {
            ("IncompleteSignatureException", 400, err.aws_message())
        }
        SigV4Error::InvalidClientTokenId => ("UnrecognizedClientException", 400, err.aws_message()),
        SigV4Error::SignatureDoesNotMatch(_) | SigV4Error::RequestExpired { .. } => {
            ("InvalidSignatureException", 400, err.aws_message())
        }
        other => (other.code(), other.status(), other.aws_message()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn targets_split_at_the_last_dot() {
        assert_eq!(
            parse_target("AWSOrganizationsV20161128.ListAccounts"),
            Some(("AWSOrganizationsV20161128", "ListAccounts"))
        );
        assert_eq!(
            parse_target("StarlingDoveService.PutConfigRule"),
            Some(("StarlingDoveService", "PutConfigRule"))
        );
        assert_eq!(parse_target("NoDot"), None);
        assert_eq!(parse_target(".ListAccounts"), None);
        assert_eq!(parse_target("Prefix."), None);
    }

    #[test]
    fn error_bodies_escape_and_keep_extra_members() {
        let body = error_body(
            "InvalidInputException",
            "a \"quoted\" value",
            &[("Reason", "INVALID_PATTERN")],
        );
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["__type"], "InvalidInputException");
        assert_eq!(parsed["Message"], "a \"quoted\" value");
        assert_eq!(parsed["Reason"], "INVALID_PATTERN");
    }

    #[test]
    fn sigv4_failures_take_the_json_protocol_codes() {
        assert_eq!(
            sigv4_error(&SigV4Error::InvalidClientTokenId).0,
            "UnrecognizedClientException"
        );
        let (code, status, message) = sigv4_error(&SigV4Error::MissingAuthenticationToken);
        assert_eq!((code, status), ("MissingAuthenticationTokenException", 400));
        assert_eq!(message, "Missing Authentication Token");
    }
}
