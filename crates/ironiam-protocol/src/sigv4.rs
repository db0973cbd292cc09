//! AWS Signature Version 4 verification.
//!
//! [`verify`] takes the parts of an HTTP request, the current time and a key
//! store, and either returns who signed the request ([`VerifiedRequest`]) or
//! a [`SigV4Error`] that knows its AWS code, status and message.
//! [`prepare`] does the part that needs no secret (parsing and building the
//! canonical request and string to sign); tests and debugging tools use it.
//!
//! # Design notes
//!
//! - **Both forms.** The `Authorization: AWS4-HMAC-SHA256 ...` header form
//!   and the presigned `X-Amz-Algorithm=...` query form parse into the same
//!   parameters. A request using both is rejected, as S3 does.
//! - **Clock skew.** A header-form request must be within 15 minutes of
//!   `now` either way. A presigned request is valid from 15 minutes before
//!   `X-Amz-Date` until `X-Amz-Date + X-Amz-Expires` (default 900 s, at most
//!   604800 s). AWS's "Common Errors" page describes a further 15-minute
//!   grace after expiry; ironiam does not grant it.
//! - **Payload.** The canonical request uses `x-amz-content-sha256` when the
//!   client sent it, else the SHA-256 of the body. When the header is sent,
//!   it must equal the body's hash: otherwise a captured request could be
//!   replayed with a different body under a valid signature.
//! - **Secrets.** The key store returns a [`SecretKey`], whose `Debug` is
//!   redacted. Signatures are compared in constant time by the `hmac` crate.
//!   No error, `Debug` or `Display` output contains the secret, the derived
//!   key, the computed signature or the signature the client sent.
//! - **Session tokens.** `X-Amz-Security-Token` is returned to the caller
//!   unverified; the STS layer decides whether it is valid.
//!
//! AWS wording: `error.rs` says which messages were confirmed against real
//! AWS responses and which are modelled on AWS's S3 or general wording.

mod auth;
mod canonical;
mod error;
#[cfg(test)]
mod tests;

use std::fmt;

use hmac::{KeyInit, Mac};
use sha2::Sha256;

use crate::encoding::{hex_decode, hex_lower};
pub use crate::query::QueryParams;
use crate::time::UnixTime;

pub use canonical::{canonical_query, canonical_uri, sha256_hex};
pub use error::{IncompleteSignature, Mismatch, SIGNATURE_MISMATCH_MESSAGE, SigV4Error};

type HmacSha256 = hmac::Hmac<Sha256>;

/// How far the request time may be from `now`, either way: 15 minutes.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// Lifetime of a presigned request that has no `X-Amz-Expires`.
pub const DEFAULT_PRESIGNED_EXPIRES_SECS: i64 = 900;

/// The parts of an HTTP request that SigV4 signs.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method, as sent (`GET`, `POST`).
    pub method: &'a str,
    /// The path exactly as it appeared on the request line, still
    /// percent-encoded, without the query string.
    pub path: &'a str,
    /// The query string after `?`, decoded once by [`QueryParams::decode`]: the
    /// same pairs the operation reads, so what is verified is what runs.
    pub query: &'a QueryParams,
    /// Every header in arrival order; names in any case, repeats allowed.
    pub headers: &'a [(&'a str, &'a str)],
    /// The complete body.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The value of a header that must appear at most once.
    fn single_header(
        &self,
        lower_name: &str,
        display_name: &'static str,
    ) -> Result<Option<&'a str>, SigV4Error> {
        let mut found = self
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(lower_name))
            .map(|(_, value)| *value);
        let first = found.next();
        if found.next().is_some() {
            return Err(IncompleteSignature::Duplicate(display_name).into());
        }
        Ok(first)
    }
}

/// A secret access key. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps the secret half of an access key.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for deriving signing keys.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A session token from `X-Amz-Security-Token`. `Debug` never shows it,
/// because a token is half of a usable temporary credential.
#[derive(Clone, PartialEq, Eq)]
pub struct SecurityToken(String);

impl SecurityToken {
    /// The token as the client sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecurityToken(<{} bytes>)", self.0.len())
    }
}

/// Finds the secret for an access key id; `None` when the id is unknown,
/// which verification reports as `InvalidClientTokenId`.
pub trait SecretLookup {
    /// The secret for `access_key_id`, if the key exists and is usable.
    fn secret_access_key(&self, access_key_id: &str) -> Option<SecretKey>;
}

impl<F> SecretLookup for F
where
    F: Fn(&str) -> Option<SecretKey>,
{
    fn secret_access_key(&self, access_key_id: &str) -> Option<SecretKey> {
        self(access_key_id)
    }
}

/// Which of the two SigV4 forms a request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthForm {
    /// `Authorization: AWS4-HMAC-SHA256 Credential=..., ...`.
    Header,
    /// `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...`.
    Presigned,
}

/// The `date/region/service` part of a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// `YYYYMMDD`.
    pub date: String,
    /// The region, such as `us-east-1`.
    pub region: String,
    /// The service, such as `iam` or `sts`.
    pub service: String,
}

impl CredentialScope {
    /// `date/region/service/aws4_request`, as in the string to sign.
    pub fn to_scope_string(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// What the endpoint requires of the credential scope. `None` accepts any.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExpectedScope<'a> {
    /// The service name the endpoint serves (`iam`, `sts`).
    pub service: Option<&'a str>,
    /// The regions the endpoint serves.
    pub regions: Option<&'a [&'a str]>,
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    /// The access key id that signed the request.
    pub access_key_id: String,
    /// The credential scope it was signed for.
    pub scope: CredentialScope,
    /// `X-Amz-Security-Token`, not yet verified.
    pub security_token: Option<SecurityToken>,
    /// Which form carried the signature.
    pub form: AuthForm,
    /// The signed request time.
    pub request_time: UnixTime,
}

/// Everything about a request's signature that can be computed without the
/// secret key.
pub struct SigningInputs {
    params: auth::AuthParams,
    canonical_request: String,
    string_to_sign: String,
    payload_matches_body: bool,
}

impl fmt::Debug for SigningInputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningInputs")
            .field("form", &self.params.form)
            .field("access_key_id", &self.params.access_key_id)
            .field("scope", &self.params.scope)
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .finish_non_exhaustive()
    }
}

impl SigningInputs {
    /// The canonical request, as AWS would print it in a mismatch message.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The access key id named in the credential.
    pub fn access_key_id(&self) -> &str {
        &self.params.access_key_id
    }

    /// The credential scope.
    pub fn scope(&self) -> &CredentialScope {
        &self.params.scope
    }

    /// Which form carried the signature.
    pub fn form(&self) -> AuthForm {
        self.params.form
    }

    /// Refuses a request whose `SignedHeaders` leave out one of `names` (lowercase
    /// header names; the error shows the second, display form). An endpoint whose
    /// operation or input format is chosen by a header must have that header signed,
    /// or a captured request could be replayed as another operation under the same
    /// signature.
    ///
    /// # Errors
    /// `SignatureDoesNotMatch` naming the first header left out.
    pub fn require_signed(&self, names: &[(&str, &'static str)]) -> Result<(), SigV4Error> {
        for (lower, display) in names {
            if !self.params.signed_headers.iter().any(|h| h == lower) {
                return Err(Mismatch::HeaderNotSigned(display).into());
            }
        }
        Ok(())
    }

    /// The signature `secret` produces for this request, in lowercase hex.
    /// This is a signing primitive, for clients and tests; verification
    /// never calls it, and it must never be logged.
    pub fn signature_for(&self, secret: &SecretKey) -> Option<String> {
        let mac = self.final_mac(secret)?;
        Some(hex_lower(&mac.finalize().into_bytes()))
    }

    fn final_mac(&self, secret: &SecretKey) -> Option<HmacSha256> {
        let scope = &self.params.scope;
        let mut key = hmac_sha256(
            format!("AWS4{}", secret.expose()).as_bytes(),
            scope.date.as_bytes(),
        )?;
        for part in [
            scope.region.as_bytes(),
            scope.service.as_bytes(),
            b"aws4_request",
        ] {
            key = hmac_sha256(&key, part)?;
        }
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&key).ok()?;
        mac.update(self.string_to_sign.as_bytes());
        Some(mac)
    }

    /// Constant-time comparison of the client's signature with ours.
    fn signature_matches(&self, secret: &SecretKey) -> bool {
        let Some(provided) = hex_decode(&self.params.signature) else {
            return false;
        };
        self.final_mac(secret)
            .is_some_and(|mac| mac.verify_slice(&provided).is_ok())
    }
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).ok()?;
    mac.update(data);
    Some(mac.finalize().into_bytes().to_vec())
}

/// Parses the authentication data and builds the canonical request and the
/// string to sign. Needs no secret and no clock.
pub fn prepare(request: &Request<'_>) -> Result<SigningInputs, SigV4Error> {
    let params = auth::parse(request)?;
    if !params.signed_headers.iter().any(|h| h == "host") {
        return Err(Mismatch::HostNotSigned.into());
    }
    let body_hash = sha256_hex(request.body);
    let (payload_hash, payload_matches_body) =
        match request.single_header("x-amz-content-sha256", "X-Amz-Content-Sha256")? {
            Some(claimed) => {
                let claimed = claimed.trim();
                (claimed.to_owned(), claimed == body_hash)
            }
            None => (body_hash, true),
        };
    let canonical_request = canonical::canonical_request(
        request,
        &params.signed_headers,
        params.form == AuthForm::Presigned,
        &payload_hash,
    );
    let string_to_sign = format!(
        "{}\n{}\n{}\n{}",
        auth::ALGORITHM,
        params.request_time.to_amz_date(),
        params.scope.to_scope_string(),
        sha256_hex(canonical_request.as_bytes())
    );
    Ok(SigningInputs {
        params,
        canonical_request,
        string_to_sign,
        payload_matches_body,
    })
}

/// Verifies a request's SigV4 signature at time `now`.
///
/// Checks run cheapest first and the secret is looked up only once the
/// request is well formed and current, so malformed or stale requests never
/// touch the key store.
pub fn verify(
    request: &Request<'_>,
    now: UnixTime,
    keys: &impl SecretLookup,
    expected: ExpectedScope<'_>,
) -> Result<VerifiedRequest, SigV4Error> {
    let inputs = prepare(request)?;
    let params = &inputs.params;
    let request_date = params.request_time.to_amz_date();
    if request_date.get(..8) != Some(params.scope.date.as_str()) {
        return Err(Mismatch::ScopeDate {
            scope_date: params.scope.date.clone(),
            request_time: request_date,
        }
        .into());
    }
    if let Some(service) = expected.service
        && params.scope.service != service
    {
        return Err(Mismatch::Service {
            expected: service.to_owned(),
        }
        .into());
    }
    if let Some(regions) = expected.regions
        && !regions.contains(&params.scope.region.as_str())
    {
        return Err(Mismatch::Region {
            found: params.scope.region.clone(),
        }
        .into());
    }
    check_time(params, now)?;
    if !inputs.payload_matches_body {
        return Err(SigV4Error::ContentSha256Mismatch);
    }
    let secret = keys
        .secret_access_key(&params.access_key_id)
        .ok_or(SigV4Error::InvalidClientTokenId)?;
    if !inputs.signature_matches(&secret) {
        return Err(Mismatch::Signature.into());
    }
    let SigningInputs { params, .. } = inputs;
    Ok(VerifiedRequest {
        access_key_id: params.access_key_id,
        scope: params.scope,
        security_token: params.security_token.map(SecurityToken),
        form: params.form,
        request_time: params.request_time,
    })
}

fn check_time(params: &auth::AuthParams, now: UnixTime) -> Result<(), SigV4Error> {
    let request_time = params.request_time;
    if request_time > now.saturating_add(MAX_SKEW_SECS) {
        return Err(Mismatch::NotYetCurrent { request_time, now }.into());
    }
    match params.form {
        AuthForm::Header => {
            if request_time < now.saturating_add(-MAX_SKEW_SECS) {
                return Err(Mismatch::Expired { request_time, now }.into());
            }
        }
        AuthForm::Presigned => {
            let lifetime = params
                .expires_secs
                .unwrap_or(DEFAULT_PRESIGNED_EXPIRES_SECS);
            let expired_at = request_time.saturating_add(lifetime);
            if now > expired_at {
                return Err(SigV4Error::RequestExpired { expired_at });
            }
        }
    }
    Ok(())
}
