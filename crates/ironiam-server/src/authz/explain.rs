//! Why a request is denied, in the engine's words: the policy set [`super::authorize`]
//! evaluates, walked by [`ironiam_policy::explain`]. The console shows this on its
//! denied pages; the API answers with AWS's bare AccessDenied message.
//!
//! The set and context are built by the same helpers `authorize` uses, so the
//! explanation is of the very decision the caller got; a mismatch (which would mean the
//! two drifted apart) is logged.

use std::sync::Arc;

use ironiam_policy::{
    Action, Context, EvalDecision, Explanation, Policy, PolicySet, Request, decide, explain,
};
use ironiam_protocol::model::Value;
use ironiam_store::Transaction;

use super::{
    CallerPolicies, PolicyCache, Principal, RequestFacts, denied_message, password_setting_grant,
    request_contexts,
};
use crate::http::error::ApiError;

/// A denied request, explained.
#[derive(Debug, Clone)]
pub struct Denial {
    /// The action as policies name it: `iam:ListUsers`.
    pub action: String,
    /// The resource ARN it was authorized on.
    pub resource: String,
    /// AWS's AccessDenied message.
    pub message: String,
    /// The engine's explanation: the deciding statements and every other one.
    pub explanation: Explanation,
    /// The request context the policies were evaluated with.
    pub context: Context,
}

/// Explains why `principal` may not call `action` with `input`, or `None` when it may
/// (the root user always may). Of the resources the action's contract names, the first
/// one denied is explained, as `authorize` answers with it.
///
/// # Errors
/// A store fault.
pub fn explain_denial(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    policies: &CallerPolicies,
    principal: &Principal,
    action: &str,
    input: &Value,
    facts: &RequestFacts,
) -> Result<Option<Denial>, ApiError> {
    // As in `authorize_in`: the root user is unrestricted unless SCPs bind its account.
    if principal.is_root() && policies.service_control.is_none() {
        return Ok(None);
    }
    let evaluated = request_contexts(tx, principal, "iam", action, input, facts)?;
    let grant = match &principal.user {
        Some(user) => {
            password_setting_grant(tx, cache, principal.account_id.as_str(), user, action)?
        }
        None => None,
    };
    let mut refs: Vec<&Policy> = policies.identity.iter().map(Arc::as_ref).collect();
    if let Some(grant) = &grant {
        refs.push(grant);
    }
    let session: Vec<&Policy> = policies.session.iter().flatten().map(Arc::as_ref).collect();
    let levels = policies.service_control_levels();
    let set = PolicySet {
        identity: &refs,
        permissions_boundary: policies.boundary.as_deref(),
        session: policies.session.as_ref().map(|_| session.as_slice()),
        service_control: levels.as_deref(),
        ..PolicySet::default()
    };
    let qualified = format!("iam:{action}");
    let request_action = Action::new(&qualified);
    for (resource, context) in evaluated {
        let request = Request {
            caller: &principal.caller,
            action: &request_action,
            resource: &resource.arn,
            resource_account: None,
            context: &context,
        };
        let explanation = explain(&set, &request);
        if explanation.decision != decide(&set, &request).decision {
            tracing::error!(action = %qualified, "explain and decide disagree");
        }
        if explanation.decision == EvalDecision::Allowed {
            continue;
        }
        let message = denied_message(
            principal.arn(),
            &qualified,
            &resource.arn,
            explanation.reason,
        );
        return Ok(Some(Denial {
            action: qualified,
            resource: resource.arn,
            message,
            explanation,
            context,
        }));
    }
    Ok(None)
}
