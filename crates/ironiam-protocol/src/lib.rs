//! The AWS wire protocol layer of ironiam.
//!
//! Everything here is pure: no I/O, no async, no clock. The HTTP server hands
//! in the parts of a request it received and the current time, and gets back
//! either a verified caller identity and decoded parameters, or an error that
//! already knows its AWS error code, HTTP status and message.
//!
//! - [`sigv4`] verifies AWS Signature Version 4, in the `Authorization` header
//!   form and the presigned query-string form.
//! - [`query`] decodes the AWS Query protocol (`Action=...&Version=...` form
//!   bodies) and reads scalars, lists, maps and nested structures out of it.
//! - [`xml`] writes Query-protocol XML responses and error documents.
//! - [`model`] embeds AWS's IAM, STS and Organizations API models, decodes an
//!   operation's input from Query parameters or a JSON body and validates it
//!   with AWS's exact `ValidationError` messages.
//! - [`json`] has what the AWS JSON protocols share: `X-Amz-Target`, error
//!   bodies, and the JSON services' codes for SigV4 failures.
//! - [`time`] converts between UNIX time and the two date formats SigV4 uses.
//! - [`encoding`] has the hex and percent-encoding helpers the others share.
#![warn(missing_docs)]

pub mod encoding;
pub mod json;
pub mod model;
pub mod query;
pub mod sigv4;
pub mod time;
pub mod xml;
