//! The service control policies that bind an account: the one place a principal
//! simulation learns about AWS Organizations.

use std::sync::Arc;

use ironiam_policy::{Policy, PolicyKind};
use ironiam_store::Transaction;

use crate::authz::{self, PolicyCache};
use crate::http::error::ApiError;

/// The service control policies that bind every principal of `account_id`, one list per
/// level of the organization, from the root through the OUs down to the account (the
/// shape of `PolicySet::service_control`). Each policy's `id()` is what
/// `MatchedStatements` shows as its `SourcePolicyId`: the SCP's name, as for managed
/// policies.
///
/// No levels means no SCP applies: the account is in no organization, is its
/// management account, which SCPs never restrict (AWS Organizations User Guide,
/// "Service control policies"), or its organization has SCPs disabled. The simulator
/// then reports `AllowedByOrganizations: true`. The levels are the ones
/// `authz::service_control_policies` enforces ([`authz::scp::service_control_path`]).
///
/// # Errors
/// Store faults, and `PolicyEvaluation` for a stored SCP that no longer compiles.
pub(crate) fn service_control_policies(
    tx: &mut dyn Transaction,
    _cache: &PolicyCache,
    account_id: &str,
) -> Result<Vec<Vec<Arc<Policy>>>, ApiError> {
    let Some(levels) = authz::scp::service_control_path(tx, account_id)? else {
        return Ok(Vec::new());
    };
    // Compiled here rather than in the cache: the cache keys by ID and content, and a
    // name is not unique across the kinds of policy it holds.
    levels
        .into_iter()
        .map(|level| {
            level
                .into_iter()
                .map(|scp| {
                    Policy::new(&scp.name, &scp.content, PolicyKind::ServiceControl)
                        .map(Arc::new)
                        .map_err(|err| {
                            ApiError::PolicyEvaluation(format!(
                                "The service control policy {} could not be evaluated: {err}",
                                scp.name
                            ))
                        })
                })
                .collect()
        })
        .collect()
}
