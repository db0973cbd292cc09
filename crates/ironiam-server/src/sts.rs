//! The STS operations, served on the same endpoint as IAM: a request is STS's when
//! its SigV4 credential scope names the `sts` service.
//!
//! Temporary credentials are self-contained session tokens ([`token`]). Who may call
//! what with them follows AWS's rules: `GetSessionToken` needs no permission and
//! cannot be called with session credentials; `GetCallerIdentity` is never denied;
//! `AssumeRole` is decided by the caller's policies together with the role's trust
//! policy; and credentials from `GetSessionToken` reach IAM only when the session
//! was authenticated with MFA, and STS only for `AssumeRole` and `GetCallerIdentity`.

mod assume_role;
mod credentials;
mod identity;
mod session_token;
pub mod token;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::authz::{Principal, SessionKind};
use crate::http::error::ApiError;
use crate::iam::{Handler, Op};

static OPS: LazyLock<HashMap<&'static str, Op>> = LazyLock::new(|| {
    let table: &[(&'static str, Handler)] = &[
        ("GetSessionToken", session_token::get_session_token),
        ("AssumeRole", assume_role::assume_role),
        ("GetCallerIdentity", identity::get_caller_identity),
        ("GetAccessKeyInfo", identity::get_access_key_info),
    ];
    table
        .iter()
        .map(|(name, handler)| (*name, Op::new(name, *handler)))
        .collect()
});

/// The operation for `action`, if ironiam implements it.
pub fn lookup(action: &str) -> Option<&'static Op> {
    OPS.get(action)
}

/// The names of every implemented operation.
pub fn implemented() -> Vec<&'static str> {
    let mut names: Vec<_> = OPS.keys().copied().collect();
    names.sort_unstable();
    names
}

/// How the pipeline authorizes an STS action before running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorization {
    /// No policy is consulted: `GetCallerIdentity` ("no permissions are required
    /// ... the same information is returned even when access is denied") and
    /// `GetSessionToken` ("You cannot use policies to control authentication
    /// operations").
    None,
    /// The operation decides, because the role's trust policy takes part
    /// (`AssumeRole`).
    InOperation,
    /// The caller's policies, like any other action.
    Policies,
}

/// How `action` is authorized.
pub fn authorization(action: &str) -> Authorization {
    match action {
        "GetCallerIdentity" | "GetSessionToken" => Authorization::None,
        "AssumeRole" => Authorization::InOperation,
        _ => Authorization::Policies,
    }
}

/// AWS's limits on what `GetSessionToken` credentials can call: "You cannot call any
/// IAM API operations unless MFA authentication information is included in the
/// request" (answered, as AWS answers it, with `InvalidClientTokenId`), and "You
/// cannot call any AWS STS API except AssumeRole or GetCallerIdentity".
///
/// # Errors
/// The error AWS returns for the call.
pub fn check_session_token_limits(
    principal: &Principal,
    service: &str,
    action: &str,
) -> Result<(), ApiError> {
    let Some(session) = &principal.session else {
        return Ok(());
    };
    if action == "GetSessionToken" && service == "sts" {
        return Err(ApiError::AccessDenied(
            "Cannot call GetSessionToken with session credentials".to_owned(),
        ));
    }
    if session.kind != SessionKind::SessionToken {
        return Ok(());
    }
    match service {
        "iam" if session.mfa_authenticated_at.is_none() => Err(ApiError::InvalidClientTokenId),
        "sts" if !matches!(action, "AssumeRole" | "GetCallerIdentity") => {
            Err(ApiError::AccessDenied(format!(
                "Credentials from GetSessionToken cannot call sts:{action}; only \
                 sts:AssumeRole and sts:GetCallerIdentity."
            )))
        }
        _ => Ok(()),
    }
}
