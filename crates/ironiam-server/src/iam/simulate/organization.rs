//! The service control policies that bind an account: the one place a principal
//! simulation learns about AWS Organizations.

use std::sync::Arc;

use ironiam_policy::Policy;
use ironiam_store::Transaction;

use crate::authz::PolicyCache;
use crate::http::error::ApiError;

/// The service control policies that bind every principal of `account_id`, one list per
/// level of the organization, from the root through the OUs down to the account (the
/// shape of `PolicySet::service_control`). Each policy's `id()` is what
/// `MatchedStatements` shows as its `SourcePolicyId`, so compile them under the SCP's
/// name.
///
/// No levels means no SCP applies: the account is in no organization, or is its
/// management account, which SCPs never restrict (AWS Organizations User Guide, "Service
/// control policies"). The simulator then reports `AllowedByOrganizations: true`.
///
/// ironiam does not implement AWS Organizations yet, so no account is in an
/// organization and this returns no levels. When Organizations lands, this function reads
/// the account's organization, its parent chain and the SCPs attached at each level;
/// nothing else in the simulator changes.
///
/// # Errors
/// Store faults, and `PolicyEvaluation` for a stored SCP that no longer compiles.
pub(crate) fn service_control_policies(
    _tx: &mut dyn Transaction,
    _cache: &PolicyCache,
    _account_id: &str,
) -> Result<Vec<Vec<Arc<Policy>>>, ApiError> {
    Ok(Vec::new())
}
