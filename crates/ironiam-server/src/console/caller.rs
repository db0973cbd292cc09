//! Console actions through the API's own code: the IAM model decodes and validates the
//! input, `authz::authorize` decides with the session's principal, the operation's
//! handler runs, and the audit log records the call. A denial comes back with the
//! engine's explanation.

use std::cell::RefCell;
use std::sync::Arc;

use ironiam_policy::{Policy, StatementRef};
use ironiam_protocol::model::{Model, Value};
use ironiam_protocol::query::QueryParams;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::StoreExt;

use super::session::random_token;
use super::xml::{self, Node};
use crate::audit::{AuditRecord, UserIdentity};
use crate::authz::{self, CallerPolicies, Denial, Principal, RequestFacts};
use crate::http::error::ApiError;
use crate::iam::{self, OpCtx};
use crate::state::AppState;
use crate::time::iso8601;

/// The API version the console speaks.
const IAM_VERSION: &str = "2010-05-08";

/// A denied action with the text of the statements that decided.
#[derive(Debug, Clone)]
pub(crate) struct DeniedView {
    /// The engine's explanation.
    pub(crate) denial: Denial,
    /// For each deciding statement, its lines of policy text.
    pub(crate) excerpts: Vec<(StatementRef, String)>,
    /// Whether the session passed MFA.
    pub(crate) session_mfa: bool,
}

/// Why a console action did not happen.
#[derive(Debug)]
pub(crate) enum CallError {
    /// A policy said no.
    Denied(Box<DeniedView>),
    /// The operation failed with an AWS error (validation, NoSuchEntity...).
    Failed(ApiError),
}

impl CallError {
    /// The AWS error's message, or the AccessDenied message.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::Denied(view) => view.denial.message.clone(),
            Self::Failed(err) => err.message(),
        }
    }

    /// The AWS error code.
    pub(crate) fn code(&self) -> &str {
        match self {
            Self::Denied(_) => "AccessDenied",
            Self::Failed(err) => err.code(),
        }
    }
}

impl From<ApiError> for CallError {
    fn from(err: ApiError) -> Self {
        Self::Failed(err)
    }
}

/// Whether an operation can change users, groups, policies or keys (as the Query
/// endpoint decides it): reads are `Get*`, `List*`, `Simulate*`, `Generate*`.
fn mutates(action: &str) -> bool {
    !["Get", "List", "Simulate", "Generate"]
        .iter()
        .any(|prefix| action.starts_with(prefix))
}

/// The signed-in caller, ready to run actions.
#[derive(Debug)]
pub(crate) struct Caller<'a> {
    state: &'a AppState,
    principal: Principal,
    facts: RequestFacts,
    user_agent: String,
    policies: RefCell<Option<Arc<CallerPolicies>>>,
}

impl<'a> Caller<'a> {
    pub(crate) fn new(
        state: &'a AppState,
        principal: Principal,
        now: i64,
        peer: &str,
        user_agent: &str,
    ) -> Self {
        Self {
            state,
            principal,
            facts: RequestFacts {
                now,
                source_ip: peer.to_owned(),
                region: "us-east-1".to_owned(),
            },
            user_agent: format!("ironiam-console ({user_agent})"),
            policies: RefCell::new(None),
        }
    }

    /// The caller.
    pub(crate) fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The caller's user name, or `None` for root.
    pub(crate) fn user_name(&self) -> Option<&str> {
        self.principal.user.as_ref().map(|u| u.name.as_str())
    }

    fn policies(&self) -> Result<Arc<CallerPolicies>, ApiError> {
        if let Some(policies) = self.policies.borrow().as_ref() {
            return Ok(Arc::clone(policies));
        }
        let policies = Arc::new(
            self.state
                .store
                .read(|tx| authz::caller_policies(tx, &self.state.cache, &self.principal))?,
        );
        *self.policies.borrow_mut() = Some(Arc::clone(&policies));
        Ok(policies)
    }

    /// Decodes `params` for `action` with the IAM model, exactly as a Query request's
    /// form would be.
    fn decode(action: &str, params: &[(&str, &str)]) -> Result<Value, ApiError> {
        let model = Model::iam().map_err(ApiError::internal)?;
        let operation = model
            .operation(action)
            .ok_or_else(|| ApiError::internal(format!("no IAM operation `{action}`")))?;
        let mut pairs = vec![("Action", action), ("Version", IAM_VERSION)];
        pairs.extend_from_slice(params);
        let query = QueryParams::from_pairs(pairs);
        Ok(model.decode_input(operation, &query)?.value)
    }

    /// Authorizes `action` with `input`; a denial is explained.
    fn authorize(&self, action: &str, input: &Value) -> Result<&'static str, CallError> {
        let policies = self.policies()?;
        let state = self.state;
        let decided = state.store.read(|tx| {
            authz::authorize(
                tx,
                &state.cache,
                &policies,
                &self.principal,
                action,
                input,
                &self.facts,
            )
        });
        match decided {
            Ok(_) => Ok("allowed"),
            Err(ApiError::AccessDenied(message)) => {
                let explained = state.store.read(|tx| {
                    authz::explain_denial(
                        tx,
                        &state.cache,
                        &policies,
                        &self.principal,
                        action,
                        input,
                        &self.facts,
                    )
                })?;
                let Some(denial) = explained else {
                    // The engine allowed on the second look: the data changed between
                    // the two reads. Refuse with the first answer.
                    return Err(CallError::Failed(ApiError::AccessDenied(message)));
                };
                let excerpts = denial
                    .explanation
                    .matched
                    .iter()
                    .map(|s| (s.clone(), excerpt(&policies, s)))
                    .collect();
                Err(CallError::Denied(Box::new(DeniedView {
                    denial,
                    excerpts,
                    session_mfa: self
                        .principal
                        .session
                        .as_ref()
                        .is_some_and(|s| s.mfa_authenticated_at.is_some()),
                })))
            }
            Err(other) => Err(CallError::Failed(other)),
        }
    }

    /// Runs `action` with Query-style `params` (`Tags.member.1.Key` and so on) and
    /// returns the operation's result element.
    pub(crate) fn call(&self, action: &str, params: &[(&str, &str)]) -> Result<Node, CallError> {
        let mut audit = self.audit(action);
        let outcome = self.run(action, params, &mut audit);
        if let Err(err) = &outcome {
            audit.error_code = Some(err.code().to_owned());
            audit.error_message = Some(err.message());
        }
        self.state.audit.write(&audit);
        outcome
    }

    fn run(
        &self,
        action: &str,
        params: &[(&str, &str)],
        audit: &mut AuditRecord,
    ) -> Result<Node, CallError> {
        let input = Self::decode(action, params)?;
        let decided = self.authorize(action, &input);
        audit.decision = match &decided {
            Ok(_) => "allowed".to_owned(),
            Err(CallError::Denied(view)) => view.denial.explanation.decision.as_str().to_owned(),
            Err(CallError::Failed(_)) => "none".to_owned(),
        };
        decided?;
        let Some(op) = iam::lookup(action) else {
            return Err(CallError::Failed(ApiError::NotImplemented(
                action.to_owned(),
            )));
        };
        let mut ctx = OpCtx {
            state: self.state,
            principal: &self.principal,
            now: self.facts.now,
            region: &self.facts.region,
            source_ip: &self.facts.source_ip,
        };
        let mut writer = XmlWriter::new();
        let outcome = (op.handler)(&mut ctx, &input, &mut writer);
        if mutates(action) {
            // As in the Query endpoint: no cached caller may outlive a write, and this
            // caller's own policies may have changed.
            self.state.callers.bump();
            *self.policies.borrow_mut() = None;
            // MFA compliance, as after the same call on the Query endpoint.
            crate::compliance::after_iam_call(
                self.state.store.as_ref(),
                &self.principal,
                action,
                &input,
                self.facts.now,
            );
        }
        outcome?;
        xml::parse(&writer.finish()).map_err(|e| CallError::Failed(ApiError::internal(e)))
    }

    /// Authorizes `action` for a console-only setting that has no IAM operation of its
    /// own (see docs/console.md), audited under `event_name`.
    pub(crate) fn authorize_setting(
        &self,
        action: &str,
        event_name: &str,
    ) -> Result<(), CallError> {
        let mut audit = self.audit(event_name);
        let decided = Self::decode(action, &[])
            .map_err(CallError::Failed)
            .and_then(|input| self.authorize(action, &input));
        audit.decision = match &decided {
            Ok(_) => "allowed".to_owned(),
            Err(CallError::Denied(view)) => view.denial.explanation.decision.as_str().to_owned(),
            Err(CallError::Failed(_)) => "none".to_owned(),
        };
        if let Err(err) = &decided {
            audit.error_code = Some(err.code().to_owned());
            audit.error_message = Some(err.message());
        }
        self.state.audit.write(&audit);
        decided.map(|_| ())
    }

    /// Authorizes `service:Operation` of another service than IAM on `resources` (the
    /// compliance page's `config:` calls), audited under the operation's name. A denial
    /// is the engine's AccessDenied message.
    pub(crate) fn authorize_service(
        &self,
        action: &str,
        event_source: &'static str,
        resources: &[authz::Resource],
    ) -> Result<(), CallError> {
        let mut audit = self.audit(action.split_once(':').map_or(action, |(_, op)| op));
        audit.event_source = event_source;
        let decided = self
            .policies()
            .and_then(|policies| {
                authz::authorize_action(
                    &policies,
                    &self.principal,
                    action,
                    resources,
                    Vec::new(),
                    &self.facts,
                )
            })
            .map_err(CallError::Failed);
        audit.decision = match &decided {
            Ok(authorized) => authorized.decision.as_str().to_owned(),
            Err(CallError::Failed(ApiError::AccessDenied(m))) if m.contains("explicit deny") => {
                "explicitDeny".to_owned()
            }
            Err(CallError::Failed(ApiError::AccessDenied(_))) => "implicitDeny".to_owned(),
            Err(_) => "none".to_owned(),
        };
        if let Err(err) = &decided {
            audit.error_code = Some(err.code().to_owned());
            audit.error_message = Some(err.message());
        }
        self.state.audit.write(&audit);
        decided.map(|_| ())
    }

    /// The region the console's calls are made in.
    pub(crate) fn region(&self) -> &str {
        &self.facts.region
    }

    fn audit(&self, action: &str) -> AuditRecord {
        let principal = &self.principal;
        AuditRecord {
            event_version: "1.08",
            event_time: iso8601(self.facts.now),
            event_source: "iam.amazonaws.com",
            event_name: action.to_owned(),
            aws_region: self.facts.region.clone(),
            source_ip_address: self.facts.source_ip.clone(),
            user_agent: self.user_agent.clone(),
            user_identity: Some(identity(principal)),
            request_id: request_id(),
            error_code: None,
            error_message: None,
            decision: "none".to_owned(),
            event_type: "AwsApiCall",
            recipient_account_id: principal.account_id.clone(),
            evaluations: Vec::new(),
        }
    }
}

/// CloudTrail's `userIdentity` for a console principal.
pub(crate) fn identity(principal: &Principal) -> UserIdentity {
    UserIdentity {
        kind: if principal.is_root() {
            "Root"
        } else {
            "IAMUser"
        }
        .to_owned(),
        principal_id: principal
            .user
            .as_ref()
            .map_or_else(|| principal.account_id.clone(), |u| u.id.clone()),
        arn: principal.arn().to_owned(),
        account_id: principal.account_id.clone(),
        access_key_id: principal.access_key_id.clone(),
        user_name: principal.user.as_ref().map(|u| u.name.clone()),
    }
}

/// A request ID in AWS's UUID form.
pub(crate) fn request_id() -> String {
    let hex = random_token().unwrap_or_else(|_| "0".repeat(64));
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default().to_owned();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

/// The lines of policy text a statement spans.
fn excerpt(policies: &CallerPolicies, statement: &StatementRef) -> String {
    let find = |p: &&Arc<Policy>| p.id() == statement.policy_id;
    let policy = policies
        .identity
        .iter()
        .find(find)
        .or_else(|| policies.boundary.iter().find(find));
    let Some(policy) = policy else {
        return String::new();
    };
    policy
        .text()
        .lines()
        .skip(statement.start.line.saturating_sub(1))
        .take(statement.end.line.saturating_sub(statement.start.line) + 1)
        .collect::<Vec<_>>()
        .join("\n")
}
