//! The Query endpoint: authenticate, decode, authorize, run, render, audit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{Request, header};
use axum::response::Response;
use ironiam_protocol::model::Model;
use ironiam_protocol::query::{QueryError, QueryParams};
use ironiam_protocol::xml::{self, Fault, IAM_NAMESPACE, STS_NAMESPACE, XmlWriter};
use ironiam_store::StoreExt;

use super::authenticate::{Authenticated, authenticate};
use super::error::ApiError;
use crate::audit::{AuditRecord, UserIdentity};
use crate::authz::{self, RequestFacts};
use crate::compliance;
use crate::iam::{self, OpCtx};
use crate::state::AppState;
use crate::sts;
use crate::time::iso8601;

/// A service served by the Query endpoint.
struct Service {
    /// The credential scope's service name.
    name: &'static str,
    /// The API version it accepts.
    version: &'static str,
    /// Its XML namespace.
    namespace: &'static str,
    /// CloudTrail's `eventSource`.
    event_source: &'static str,
    /// Its botocore model.
    model: fn() -> Result<&'static Model, ironiam_protocol::model::ModelError>,
    /// Its operations.
    lookup: fn(&str) -> Option<&'static iam::Op>,
}

const IAM: Service = Service {
    name: "iam",
    version: "2010-05-08",
    namespace: IAM_NAMESPACE,
    event_source: "iam.amazonaws.com",
    model: Model::iam,
    lookup: iam::lookup,
};

const STS: Service = Service {
    name: "sts",
    version: "2011-06-15",
    namespace: STS_NAMESPACE,
    event_source: "sts.amazonaws.com",
    model: Model::sts,
    lookup: sts::lookup,
};

/// The service a request is for, from its credential scope (verified later, with the
/// signature); IAM when the request names none.
fn service_of(parts: &Parts, query: Option<&QueryParams>) -> &'static Service {
    let credential = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .map(|rest| rest.split([',', ' ']).next().unwrap_or_default())
        .or_else(|| query.and_then(|q| q.single("X-Amz-Credential")))
        .unwrap_or_default();
    match credential.split('/').nth(3) {
        Some("sts") => &STS,
        _ => &IAM,
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
                Err(err) => failure(&request_id, "Unknown", &ApiError::internal(err)),
            }
        }
        Err(err) => failure(
            &request_id,
            "Unknown",
            &ApiError::body(&err, state.body_limit),
        ),
    };
    state
        .metrics
        .record(&outcome.action, outcome.status, started.elapsed());
    super::api_answer(outcome.status, "text/xml", outcome.body, &request_id)
}

fn failure(request_id: &str, action: &str, err: &ApiError) -> Outcome {
    failure_in(IAM_NAMESPACE, request_id, action, err)
}

fn failure_in(namespace: &str, request_id: &str, action: &str, err: &ApiError) -> Outcome {
    let status = err.status();
    if status >= 500 {
        tracing::error!(request_id, action, error = %err, "request failed");
    } else {
        tracing::debug!(request_id, action, error = %err, "request refused");
    }
    Outcome {
        action: action.to_owned(),
        status,
        body: xml::error_response(
            namespace,
            Fault::from_status(status),
            err.code(),
            &err.message(),
            request_id,
        ),
    }
}

/// Everything after the body has been read; runs on a blocking thread.
fn run(state: &AppState, parts: &Parts, body: &[u8], request_id: &str, peer: &str) -> Outcome {
    let now = state.clock.now();
    // The query string is decoded once: SigV4 is verified over these pairs and the
    // operation reads them (then the body's), so no second decoder can disagree.
    let query = QueryParams::decode(parts.uri.query().unwrap_or_default().as_bytes());
    let service = service_of(parts, query.as_ref().ok());
    let mut audit = AuditRecord {
        event_version: "1.08",
        event_time: iso8601(now.as_secs()),
        event_source: service.event_source,
        event_name: "Unknown".to_owned(),
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
    // The action name is only trusted for audit and metrics once decoded.
    let params = query.clone().and_then(|query| query.with_body(body));
    if let Ok(p) = &params
        && let Ok(action) = p.action()
        && (service.model)().is_ok_and(|m| m.operation(action).is_some())
    {
        audit.event_name = action.to_owned();
    }
    let (result, evaluations) = authz::trace::collect(state.audit.is_enabled(), || {
        query.map_err(ApiError::from).and_then(|query| {
            pipeline(
                state, service, parts, &query, body, params, request_id, peer, now, &mut audit,
            )
        })
    });
    audit.evaluations = evaluations;
    let outcome = match result {
        Ok(body) => Outcome {
            action: audit.event_name.clone(),
            status: 200,
            body,
        },
        Err(err) => {
            audit.error_code = Some(err.code().to_owned());
            audit.error_message = Some(err.message());
            failure_in(service.namespace, request_id, &audit.event_name, &err)
        }
    };
    state.audit.write(&audit);
    outcome
}

/// Whether an operation can change users, groups, policies or keys. Reads are `Get*`,
/// `List*`, `Simulate*` and `Generate*` (which writes a report, not an identity). No
/// STS operation changes a caller: sessions live in their tokens.
fn mutates(service: &Service, action: &str) -> bool {
    service.name == "iam"
        && !["Get", "List", "Simulate", "Generate"]
            .iter()
            .any(|prefix| action.starts_with(prefix))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the steps share these"
)]
fn pipeline(
    state: &AppState,
    service: &Service,
    parts: &Parts,
    query: &QueryParams,
    body: &[u8],
    params: Result<QueryParams, QueryError>,
    request_id: &str,
    peer: &str,
    now: ironiam_protocol::time::UnixTime,
    audit: &mut AuditRecord,
) -> Result<String, ApiError> {
    // 1. SigV4, the caller, and AccessKeyLastUsed.
    let Authenticated {
        mut snapshot,
        region,
        generation,
        ..
    } = authenticate(state, parts, query, body, now, &[service.name], &[])?;
    audit.aws_region = region.clone();
    let principal = snapshot.principal.clone();
    audit.recipient_account_id = principal.account_id.clone();
    audit.user_identity = Some(UserIdentity {
        kind: if principal.role.is_some() {
            "AssumedRole"
        } else if principal.is_root() {
            "Root"
        } else {
            "IAMUser"
        }
        .to_owned(),
        principal_id: principal.user_id(),
        arn: principal.arn().to_owned(),
        account_id: principal.account_id.clone(),
        access_key_id: principal.access_key_id.clone(),
        user_name: principal.user.as_ref().map(|u| u.name.clone()),
    });

    // 3. Action, Version and input.
    let params = params?;
    let action = params.action()?.to_owned();
    let version = params.version()?.unwrap_or_default().to_owned();
    let model = (service.model)().map_err(ApiError::internal)?;
    let invalid = || {
        ApiError::Query(QueryError::InvalidAction {
            action: action.clone(),
            version: version.clone(),
        })
    };
    if version != service.version {
        return Err(invalid());
    }
    let operation = model.operation(&action).ok_or_else(invalid)?;
    let decoded = model.decode_input(operation, &params)?;
    sts::check_session_token_limits(&principal, service.name, &action)?;

    // 4. Authorize, then run.
    let facts = RequestFacts {
        now: now.as_secs(),
        source_ip: peer.to_owned(),
        region: region.clone(),
    };
    let policies = match &snapshot.policies {
        Some(policies) => Arc::clone(policies),
        None => {
            let policies = Arc::new(
                state
                    .store
                    .read(|tx| authz::caller_policies(tx, &state.cache, &principal))?,
            );
            snapshot.policies = Some(Arc::clone(&policies));
            policies
        }
    };
    state.callers.put(generation, snapshot);
    let by_policies =
        service.name == "iam" || sts::authorization(&action) == sts::Authorization::Policies;
    let authorized = if by_policies {
        state.store.read(|tx| {
            authz::authorize_in(
                tx,
                &state.cache,
                &policies,
                &principal,
                service.name,
                &action,
                &decoded.value,
                &facts,
            )
        })
    } else {
        // Decided by the operation (AssumeRole) or by nothing at all.
        Ok(authz::Authorized {
            decision: ironiam_policy::EvalDecision::Allowed,
        })
    };
    audit.decision = match &authorized {
        Ok(a) => a.decision.as_str().to_owned(),
        Err(ApiError::AccessDenied(m)) if m.contains("explicit deny") => "explicitDeny".to_owned(),
        Err(ApiError::AccessDenied(_)) => "implicitDeny".to_owned(),
        Err(_) => "none".to_owned(),
    };
    authorized?;
    // Authorization comes first even for operations ironiam does not run yet: a caller
    // who may not call one gets AWS's AccessDenied, not "not implemented".
    let Some(op) = (service.lookup)(&action) else {
        return Err(ApiError::NotImplemented(action));
    };
    let mut ctx = OpCtx {
        state,
        principal: &principal,
        now: now.as_secs(),
        region: &region,
        source_ip: peer,
    };
    let mut writer = XmlWriter::new();
    let outcome = (op.handler)(&mut ctx, &decoded.value, &mut writer);
    if mutates(service, &action) {
        // Whatever it changed (a policy, a membership, a key), no caller snapshot read
        // before it may be used after it. Done on failure too: a failed operation may
        // still have written part of its work outside a transaction.
        state.callers.bump();
        // MFA compliance: the account's Config rules this call can have moved.
        compliance::after_iam_call(
            state.store.as_ref(),
            &principal,
            &action,
            &decoded.value,
            now.as_secs(),
        );
    }
    outcome?;
    let result = writer.finish();
    if operation.result_wrapper().is_none() {
        return Ok(xml::empty_response(
            &op.response,
            service.namespace,
            request_id,
        ));
    }
    // The result's children were written by the operation; element names come
    // from the dispatch table and the model, never from the client.
    let response = &op.response;
    let wrapper = &op.result;
    let mut meta = XmlWriter::new();
    meta.start("ResponseMetadata")
        .element("RequestId", request_id)
        .end();
    let meta = meta.finish();
    let mut out = String::with_capacity(result.len() + 256);
    let namespace = service.namespace;
    out.push_str(&format!("<{response} xmlns=\"{namespace}\"><{wrapper}>"));
    out.push_str(&result);
    out.push_str(&format!("</{wrapper}>{meta}</{response}>"));
    Ok(out)
}
