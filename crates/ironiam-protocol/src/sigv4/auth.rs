//! Reading the authentication parameters out of a request, in either form.
//!
//! Both forms carry the same five facts (credential, signed headers,
//! signature, request date, optional session token), so both parse into one
//! [`AuthParams`]; the rest of verification does not care which form it was.

use crate::query::QueryParams;
use crate::time::UnixTime;

use super::error::IncompleteSignature;
use super::{AuthForm, CredentialScope, Request, SigV4Error};

/// The only algorithm SigV4 (as opposed to SigV4a) defines.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Presigned URLs may live at most seven days (AWS S3 "Authenticating
/// Requests: Using Query Parameters"); the same limit is applied here.
const MAX_EXPIRES_SECS: i64 = 604_800;

/// What a request says about who signed it and how.
pub struct AuthParams {
    pub form: AuthForm,
    pub access_key_id: String,
    pub scope: CredentialScope,
    pub signed_headers: Vec<String>,
    /// The signature as the client sent it; never logged or displayed.
    pub signature: String,
    pub request_time: UnixTime,
    pub expires_secs: Option<i64>,
    pub security_token: Option<String>,
}

/// Picks the form and parses it.
pub fn parse(request: &Request<'_>) -> Result<AuthParams, SigV4Error> {
    let authorization = request.single_header("authorization", "Authorization")?;
    let query = QueryAuth::collect(request.query);
    match (authorization, query.algorithm.is_some()) {
        (Some(_), true) => Err(IncompleteSignature::MultipleAuthMechanisms.into()),
        (Some(value), false) => parse_header(request, value),
        (None, _) if query.any() => parse_query(query),
        (None, _) => Err(SigV4Error::MissingAuthenticationToken),
    }
}

fn parse_header(request: &Request<'_>, value: &str) -> Result<AuthParams, SigV4Error> {
    let value = value.trim();
    let (scheme, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((value, ""));
    if scheme != ALGORITHM && scheme.starts_with("AWS4-") {
        return Err(IncompleteSignature::UnsupportedAlgorithm(scheme.to_owned()).into());
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    if scheme == ALGORITHM {
        for component in rest.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let (key, val) = component
                .split_once('=')
                .ok_or(IncompleteSignature::MalformedPair)?;
            let (slot, name) = match key.trim() {
                "Credential" => (&mut credential, "Credential"),
                "SignedHeaders" => (&mut signed_headers, "SignedHeaders"),
                "Signature" => (&mut signature, "Signature"),
                _ => continue,
            };
            if slot.replace(val.trim()).is_some() {
                return Err(IncompleteSignature::DuplicatePart(name).into());
            }
        }
    }
    let date = request_date(request)?;
    let (Some(credential), Some(signed_headers), Some(signature), Some(request_time)) =
        (credential, signed_headers, signature, date)
    else {
        return Err(IncompleteSignature::MissingParts {
            credential: credential.is_none(),
            signature: signature.is_none(),
            signed_headers: signed_headers.is_none(),
            date: date.is_none(),
        }
        .into());
    };
    let (access_key_id, scope) = parse_credential(credential)?;
    let security_token = request
        .single_header("x-amz-security-token", "X-Amz-Security-Token")?
        .map(str::to_owned);
    Ok(AuthParams {
        form: AuthForm::Header,
        access_key_id,
        scope,
        signed_headers: split_signed_headers(signed_headers),
        signature: signature.to_owned(),
        request_time,
        expires_secs: None,
        security_token,
    })
}

/// The request time from `X-Amz-Date`, else from `Date`. `Ok(None)` when
/// neither header exists.
fn request_date(request: &Request<'_>) -> Result<Option<UnixTime>, SigV4Error> {
    if let Some(text) = request.single_header("x-amz-date", "X-Amz-Date")? {
        let time = UnixTime::parse_amz_date(text.trim())
            .ok_or_else(|| IncompleteSignature::BadDate(text.to_owned()))?;
        return Ok(Some(time));
    }
    if let Some(text) = request.single_header("date", "Date")? {
        let text_trimmed = text.trim();
        let time = UnixTime::parse_http_date(text_trimmed)
            .or_else(|| UnixTime::parse_amz_date(text_trimmed))
            .ok_or_else(|| IncompleteSignature::BadDate(text.to_owned()))?;
        return Ok(Some(time));
    }
    Ok(None)
}

fn parse_credential(credential: &str) -> Result<(String, CredentialScope), SigV4Error> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(IncompleteSignature::MalformedCredential(credential.to_owned()).into());
    };
    if *terminator != "aws4_request" {
        return Err(IncompleteSignature::BadTerminator((*terminator).to_owned()).into());
    }
    Ok((
        (*access_key_id).to_owned(),
        CredentialScope {
            date: (*date).to_owned(),
            region: (*region).to_owned(),
            service: (*service).to_owned(),
        },
    ))
}

fn split_signed_headers(list: &str) -> Vec<String> {
    list.split(';')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect()
}

/// The presigned parameters found in the request's decoded query.
#[derive(Default)]
struct QueryAuth {
    algorithm: Option<Vec<String>>,
    credential: Option<Vec<String>>,
    date: Option<Vec<String>>,
    expires: Option<Vec<String>>,
    signed_headers: Option<Vec<String>>,
    signature: Option<Vec<String>>,
    security_token: Option<Vec<String>>,
}

impl QueryAuth {
    fn collect(query: &QueryParams) -> Self {
        let mut found = Self::default();
        for (key, value) in query.pairs() {
            let slot = match key {
                "X-Amz-Algorithm" => &mut found.algorithm,
                "X-Amz-Credential" => &mut found.credential,
                "X-Amz-Date" => &mut found.date,
                "X-Amz-Expires" => &mut found.expires,
                "X-Amz-SignedHeaders" => &mut found.signed_headers,
                "X-Amz-Signature" => &mut found.signature,
                "X-Amz-Security-Token" => &mut found.security_token,
                _ => continue,
            };
            slot.get_or_insert_with(Vec::new).push(value.to_owned());
        }
        found
    }

    fn any(&self) -> bool {
        self.algorithm.is_some() || self.credential.is_some() || self.signature.is_some()
    }
}

/// The single value of a presigned parameter. A repeat is rejected: which
/// copy the signer meant would be ambiguous.
fn one(values: Option<Vec<String>>, name: &'static str) -> Result<Option<String>, SigV4Error> {
    match values {
        None => Ok(None),
        Some(mut values) if values.len() == 1 => Ok(values.pop()),
        Some(_) => Err(IncompleteSignature::Duplicate(name).into()),
    }
}

fn required(values: Option<Vec<String>>, name: &'static str) -> Result<String, SigV4Error> {
    one(values, name)?.ok_or_else(|| IncompleteSignature::MissingQueryParameter(name).into())
}

fn parse_query(query: QueryAuth) -> Result<AuthParams, SigV4Error> {
    let algorithm = required(query.algorithm, "X-Amz-Algorithm")?;
    if algorithm != ALGORITHM {
        return Err(IncompleteSignature::UnsupportedAlgorithm(algorithm).into());
    }
    let credential = required(query.credential, "X-Amz-Credential")?;
    let signature = required(query.signature, "X-Amz-Signature")?;
    let date_text = required(query.date, "X-Amz-Date")?;
    let signed_headers = required(query.signed_headers, "X-Amz-SignedHeaders")?;
    let expires_secs = match one(query.expires, "X-Amz-Expires")? {
        None => None,
        Some(text) => {
            let secs: i64 = text
                .parse()
                .map_err(|_| IncompleteSignature::ExpiresNotNumber)?;
            if secs < 0 {
                return Err(IncompleteSignature::ExpiresNotNumber.into());
            }
            if secs > MAX_EXPIRES_SECS {
                return Err(IncompleteSignature::ExpiresTooLarge.into());
            }
            Some(secs)
        }
    };
    let request_time = UnixTime::parse_amz_date(&date_text)
        .ok_or_else(|| IncompleteSignature::BadDate(date_text.clone()))?;
    let (access_key_id, scope) = parse_credential(&credential)?;
    Ok(AuthParams {
        form: AuthForm::Presigned,
        access_key_id,
        scope,
        signed_headers: split_signed_headers(&signed_headers),
        signature,
        request_time,
        expires_secs,
        security_token: one(query.security_token, "X-Amz-Security-Token")?,
    })
}
