//! The AWS JSON 1.1 endpoint: `POST /` with `X-Amz-Target: <TargetPrefix>.<Operation>`.
//!
//! The same pipeline as the Query endpoint: find the service and operation, verify
//! SigV4 and resolve the caller, decode and validate the JSON body against the
//! service's model, authorize `<prefix>:<Operation>` with the policy engine, run,
//! render, audit. A service is one [`JsonService`] entry in [`SERVICES`]: its target
//! prefix, signing name, model, operations, how its calls are authorized and how it
//! words invalid input. Errors are `{"__type": code, "Message": ...}` with the
//! service's status codes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{Request, header};
use axum::response::Response;
use ironiam_policy::ContextValue;
use ironiam_protocol::json::{self as protocol, CONTENT_TYPE_1_1, TARGET_HEADER};
use ironiam_protocol::model::{InputError, Model, ModelError, Operation, ValidationErrors, Value};
use ironiam_protocol::query::QueryParams;
use ironiam_protocol::time::UnixTime;
use ironiam_store::{StoreExt, Transaction};

use super::authenticate::{Authenticated, authenticate};
use super::error::ApiError;
use crate::audit::{AuditRecord, UserIdentity};
use crate::authz::{self, Principal, RequestFacts};
use crate::iam::OpCtx;
use crate::state::AppState;
use crate::time::iso8601;

/// Headers the JSON endpoint refuses unsigned. `X-Amz-Target` names the operation
/// and `Content-Type` the body's format, so neither may be swapped under a captured
/// signature (a signed DescribeOrganization must not run as CreateOrganization).
/// Every AWS SDK signs both; AWS's own JSON endpoints do not document the
/// requirement, so ironiam is stricter here (docs/security.md).
const SIGNED_JSON_HEADERS: &[(&str, &str)] = &[
    ("x-amz-target", "X-Amz-Target"),
    ("content-type", "Content-Type"),
];

/// The JSON-protocol services, by target prefix. Append new services at the end.
static SERVICES: &[&JsonService] = &[
    &crate::organizations::SERVICE,
    &crate::configservice::SERVICE,
];

/// One JSON-protocol service.
#[derive(Debug)]
pub struct JsonService {
    /// The model's `targetPrefix`: `AWSOrganizationsV20161128`.
    pub target_prefix: &'static str,
    /// The SigV4 credential-scope service (`organizations`).
    pub signing_name: &'static str,
    /// The prefix of its actions in policies (`organizations`).
    pub action_prefix: &'static str,
    /// CloudTrail's `eventSource` (`organizations.amazonaws.com`).
    pub event_source: &'static str,
    /// The service model.
    pub model: fn() -> Result<&'static Model, ModelError>,
    /// The operations ironiam runs; a modelled operation without one is authorized,
    /// then answered `NotImplemented`.
    pub operation: fn(&str) -> Option<&'static JsonOperation>,
    /// The resources and condition keys an operation is authorized with.
    pub authorize: Authorizer,
    /// How the service reports input that breaks the model's constraints.
    pub invalid_input: fn(&ValidationErrors) -> JsonFault,
    /// The code of the service's internal error (`ServiceException`).
    pub internal_error: &'static str,
}

/// An operation's handler and whether it writes.
#[derive(Debug)]
pub struct JsonOperation {
    /// Runs the operation on the validated input; returns the output structure.
    pub handler: JsonHandler,
    /// Whether it can change what callers are allowed (any write): the caller cache
    /// is bumped after it.
    pub mutates: bool,
}

/// An operation: the validated input in, the output structure out.
pub type JsonHandler = fn(&mut OpCtx<'_>, &Value) -> Result<serde_json::Value, JsonFault>;

/// What a call is authorized against: the resource ARNs (none means `*`) and the
/// service's condition keys for the request.
#[derive(Debug, Default)]
pub struct AuthzRequest {
    /// Every resource the action names, each of which must be allowed (with its tags).
    pub resources: Vec<crate::authz::Resource>,
    /// Condition keys beyond the global ones.
    pub context: Vec<(String, ContextValue)>,
}

/// Builds an [`AuthzRequest`] for `operation` from the validated input and the
/// region of the request's credential scope (regional services' ARNs carry it).
pub type Authorizer =
    fn(&mut dyn Transaction, &Principal, &str, &Value, &str) -> Result<AuthzRequest, ApiError>;

/// A JSON-protocol error: the `__type`, the HTTP status, the message, and the error
/// shape's other members (Organizations' `Reason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFault {
    /// `__type`.
    pub code: String,
    /// The HTTP status.
    pub status: u16,
    /// `Message`.
    pub message: String,
    /// Other members, in order.
    pub extra: Vec<(&'static str, String)>,
}

impl JsonFault {
    /// A fault with no extra members.
    pub fn new(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            status,
            message: message.into(),
            extra: Vec::new(),
        }
    }

    /// The same fault with one more member.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    fn body(&self) -> String {
        let extra: Vec<(&str, &str)> = self
            .extra
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        protocol::error_body(&self.code, &self.message, &extra)
    }

    /// The fault for an error raised outside the operation (authentication,
    /// decoding, authorization, store faults), in `service`'s words.
    pub fn from_api(err: &ApiError, service: Option<&JsonService>) -> Self {
        match err {
            ApiError::SigV4(e) => {
                let (code, status, message) = protocol::sigv4_error(e);
                Self::new(code, status, message)
            }
            ApiError::InvalidClientTokenId => {
                let e = ironiam_protocol::sigv4::SigV4Error::InvalidClientTokenId;
                let (code, status, message) = protocol::sigv4_error(&e);
                Self::new(code, status, message)
            }
            // AWS's JSON services answer denials with AccessDeniedException (HTTP 400,
            // as their "Common Errors" pages give it).
            ApiError::AccessDenied(message) => Self::new("AccessDeniedException", 400, message),
            ApiError::Input(InputError::Validation(errors)) => match service {
                Some(service) => (service.invalid_input)(errors),
                None => Self::new("ValidationException", 400, errors.aws_message()),
            },
            ApiError::Input(e) => Self::new(e.code(), e.status(), e.aws_message()),
            ApiError::Internal(detail) => {
                // The detail is for the log only; the client gets the bare code.
                tracing::error!(error = %detail, "internal fault");
                Self::new(
                    service.map_or("InternalFailure", |s| s.internal_error),
                    500,
                    err.message(),
                )
            }
            other => Self::new(other.code(), other.status(), other.message()),
        }
    }
}

struct Outcome {
    action: String,
    status: u16,
    body: String,
}

pub(super) async fn handle(State(state): State<AppState>, request: Request<Body>) -> Response {
    let started = Instant::now();
    let request_id = super::new_request_id();
    let (parts, body) = request.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    let outcome = match to_bytes(body, state.body_limit).await {
        Ok(bytes) => {
            let st = state.clone();
            let id = request_id.clone();
            // Dropped unfinished when the client goes away: the work sees it.
            let (token, guard) = crate::cancel::Token::new();
            let work =
                move || crate::cancel::scope(&token, || run(&st, &parts, &bytes, &id, &peer));
            let done = tokio::task::spawn_blocking(work).await;
            guard.finish();
            match done {
                Ok(outcome) => outcome,
                Err(err) => failure(
                    &request_id,
                    "Unknown",
                    &JsonFault::from_api(&ApiError::internal(err), None),
                ),
            }
        }
        Err(err) => failure(
            &request_id,
            "Unknown",
            &JsonFault::from_api(&ApiError::body(&err, state.body_limit), None),
        ),
    };
    state
        .metrics
        .record(&outcome.action, outcome.status, started.elapsed());
    super::api_answer(outcome.status, CONTENT_TYPE_1_1, outcome.body, &request_id)
}

fn failure(request_id: &str, action: &str, fault: &JsonFault) -> Outcome {
    if fault.status >= 500 {
        tracing::error!(request_id, action, code = %fault.code, "request failed");
    } else {
        tracing::debug!(request_id, action, code = %fault.code, message = %fault.message, "request refused");
    }
    Outcome {
        action: action.to_owned(),
        status: fault.status,
        body: fault.body(),
    }
}

/// The service and operation `X-Amz-Target` names, if ironiam has that service and
/// its model has that operation.
fn resolve(parts: &Parts) -> Option<(&'static JsonService, &'static Operation)> {
    let target = parts.headers.get(TARGET_HEADER)?.to_str().ok()?;
    let (prefix, name) = protocol::parse_target(target)?;
    let service = SERVICES.iter().find(|s| s.target_prefix == prefix)?;
    let operation = (service.model)().ok()?.operation(name)?;
    Some((service, operation))
}

/// Everything after the body has been read; runs on a blocking thread.
fn run(state: &AppState, parts: &Parts, body: &[u8], request_id: &str, peer: &str) -> Outcome {
    let now = state.clock.now();
    let resolved = resolve(parts);
    let mut audit = AuditRecord {
        event_version: "1.08",
        event_time: iso8601(now.as_secs()),
        event_source: resolved.map_or("unknown", |(s, _)| s.event_source),
        event_name: resolved.map_or_else(|| "Unknown".to_owned(), |(_, op)| op.name().to_owned()),
        aws_region: "us-east-1".to_owned(),
        source_ip_address: peer.to_owned(),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        user_identity: None,
        request_id: request_id.to_owned(),
        error_code: None,
        error_message: None,
        decision: "none".to_owned(),
        event_type: "AwsApiCall",
        recipient_account_id: state.account_id.clone(),
        evaluations: Vec::new(),
    };
    let (result, evaluations) =
        authz::trace::collect(state.audit.is_enabled(), || match resolved {
            Some((service, operation)) => pipeline(
                state, parts, body, service, operation, peer, now, &mut audit,
            ),
            None => Err(unknown_operation(parts)),
        });
    audit.evaluations = evaluations;
    // Metrics name the service too: Organizations' CreatePolicy is not IAM's.
    let metric = match resolved {
        Some((service, operation)) => format!("{}:{}", service.action_prefix, operation.name()),
        None => "Unknown".to_owned(),
    };
    let outcome = match result {
        Ok(body) => Outcome {
            action: metric,
            status: 200,
            body,
        },
        Err(fault) => {
            audit.error_code = Some(fault.code.clone());
            audit.error_message = Some(fault.message.clone());
            failure(request_id, &metric, &fault)
        }
    };
    state.audit.write(&audit);
    outcome
}

/// AWS's JSON services answer a target they do not know with Coral's
/// `UnknownOperationException` (HTTP 400) and no message; the message here names the
/// target so the client can see what was refused.
fn unknown_operation(parts: &Parts) -> JsonFault {
    let target = parts
        .headers
        .get(TARGET_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    JsonFault::new(
        protocol::UNKNOWN_OPERATION,
        400,
        format!("The operation `{target}` is not known."),
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the steps share these"
)]
fn pipeline(
    state: &AppState,
    parts: &Parts,
    body: &[u8],
    service: &'static JsonService,
    operation: &'static Operation,
    peer: &str,
    now: UnixTime,
    audit: &mut AuditRecord,
) -> Result<String, JsonFault> {
    let fault = |err: ApiError| JsonFault::from_api(&err, Some(service));
    // SigV4 is verified over the query string's pairs as decoded here, the one
    // decoding (a JSON call normally has no query at all).
    let query = QueryParams::decode(parts.uri.query().unwrap_or_default().as_bytes())
        .map_err(|e| fault(e.into()))?;
    // 1. SigV4, the caller, and AccessKeyLastUsed.
    let Authenticated {
        mut snapshot,
        region,
        generation,
        ..
    } = authenticate(
        state,
        parts,
        &query,
        body,
        now,
        &[service.signing_name],
        SIGNED_JSON_HEADERS,
    )
    .map_err(fault)?;
    audit.aws_region = region.clone();
    let principal = snapshot.principal.clone();
    audit.user_identity = Some(UserIdentity::of(&principal));
    audit.recipient_account_id = principal.account_id.clone();

    // 2. The input.
    let model = (service.model)().map_err(|e| fault(ApiError::internal(e)))?;
    let decoded = model
        .decode_json_input(operation, body)
        .map_err(|e| fault(e.into()))?;

    // 3. Authorize, then run.
    let facts = RequestFacts {
        now: now.as_secs(),
        source_ip: peer.to_owned(),
        region,
    };
    let policies = match &snapshot.policies {
        Some(policies) => Arc::clone(policies),
        None => {
            let policies = Arc::new(
                state
                    .store
                    .read(|tx| authz::caller_policies(tx, &state.cache, &principal))
                    .map_err(fault)?,
            );
            snapshot.policies = Some(Arc::clone(&policies));
            policies
        }
    };
    state.callers.put(generation, snapshot);
    let name = operation.name();
    let authorized = state
        .store
        .read(|tx| (service.authorize)(tx, &principal, name, &decoded.value, &facts.region))
        .and_then(|request| {
            authz::authorize_action(
                &policies,
                &principal,
                &format!("{}:{name}", service.action_prefix),
                &request.resources,
                request.context,
                &facts,
            )
        });
    audit.decision = match &authorized {
        Ok(a) => a.decision.as_str().to_owned(),
        Err(ApiError::AccessDenied(m)) if m.contains("explicit deny") => "explicitDeny".to_owned(),
        Err(ApiError::AccessDenied(_)) => "implicitDeny".to_owned(),
        Err(_) => "none".to_owned(),
    };
    authorized.map_err(fault)?;
    // Authorization comes first even for operations ironiam does not run yet.
    let Some(op) = (service.operation)(name) else {
        return Err(fault(ApiError::NotImplemented(name.to_owned())));
    };
    let mut ctx = OpCtx {
        state,
        principal: &principal,
        now: now.as_secs(),
        region: &facts.region,
        source_ip: peer,
    };
    let outcome = (op.handler)(&mut ctx, &decoded.value);
    if op.mutates {
        // As for IAM writes: no caller snapshot read before the write (policies,
        // SCPs, memberships) may be used after it, even when the write failed.
        state.callers.bump();
    }
    Ok(outcome?.to_string())
}
