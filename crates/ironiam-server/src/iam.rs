//! The IAM operations, one module per resource.
//!
//! Each operation is a [`Handler`]: it reads the validated input, does its
//! work in one store transaction, and writes the children of its
//! `<{Action}Result>` element (member names from botocore's output shapes).

mod access_key;
mod account;
mod authorization_details;
mod credential_report;
mod entity;
mod group;
mod inline;
mod login_profile;
mod managed;
mod mfa;
mod output;
mod password;
mod role;
pub(crate) mod simulate;
mod summary;
mod tag;
mod trust_binding;
mod user;

use std::collections::HashMap;
use std::sync::LazyLock;

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;

use ironiam_store::record::{KeyOwner, User};

use crate::authz::Principal;
use crate::http::error::ApiError;
use crate::state::AppState;

/// What an operation can see.
#[derive(Debug)]
pub struct OpCtx<'a> {
    /// The shared state.
    pub state: &'a AppState,
    /// The caller.
    pub principal: &'a Principal,
    /// The request time, UNIX seconds.
    pub now: i64,
    /// The region from the request's credential scope.
    pub region: &'a str,
    /// The client's address.
    pub source_ip: &'a str,
}

impl OpCtx<'_> {
    /// The account the call acts in.
    pub fn account(&self) -> &str {
        &self.principal.account_id
    }

    /// The owner of the caller's own credentials, for the calls whose `UserName`
    /// is optional and means "the caller" when omitted (access keys, MFA devices).
    ///
    /// Only the root user acts on the root user's credentials this way; a role
    /// session has no credentials of its own and gets AWS's ValidationError, so
    /// that no role (whatever its policies say) can reach root's keys or MFA.
    ///
    /// # Errors
    /// `ValidationError` for a role session.
    pub fn own_credentials(&self) -> Result<(KeyOwner, Option<&User>), ApiError> {
        match (&self.principal.user, &self.principal.role) {
            (Some(user), _) => Ok((KeyOwner::User(user.id.clone()), Some(user))),
            (None, None) => Ok((KeyOwner::Root, None)),
            (None, Some(_)) => Err(ApiError::Validation(
                "Must specify userName when calling with non-User credentials".to_owned(),
            )),
        }
    }
}

/// An operation.
pub type Handler = fn(&mut OpCtx<'_>, &Value, &mut XmlWriter) -> Result<(), ApiError>;

/// An operation and its response element names.
#[derive(Debug)]
pub struct Op {
    /// The handler.
    pub handler: Handler,
    /// `{Action}Response`.
    pub response: String,
    /// `{Action}Result`.
    pub result: String,
}

static OPS: LazyLock<HashMap<&'static str, Op>> = LazyLock::new(|| {
    let table: &[(&'static str, Handler)] = &[
        ("CreateUser", user::create),
        ("GetUser", user::get),
        ("ListUsers", user::list),
        ("UpdateUser", user::update),
        ("DeleteUser", user::delete),
        ("PutUserPermissionsBoundary", user::put_boundary),
        ("DeleteUserPermissionsBoundary", user::delete_boundary),
        ("CreateAccessKey", access_key::create),
        ("ListAccessKeys", access_key::list),
        ("UpdateAccessKey", access_key::update),
        ("DeleteAccessKey", access_key::delete),
        ("GetAccessKeyLastUsed", access_key::last_used),
        ("CreatePolicy", managed::create),
        ("GetPolicy", managed::get),
        ("ListPolicies", managed::list),
        ("DeletePolicy", managed::delete),
        ("GetPolicyVersion", managed::get_version),
        ("CreatePolicyVersion", managed::create_version),
        ("ListPolicyVersions", managed::list_versions),
        ("SetDefaultPolicyVersion", managed::set_default_version),
        ("DeletePolicyVersion", managed::delete_version),
        ("AttachUserPolicy", managed::attach_user),
        ("DetachUserPolicy", managed::detach_user),
        ("ListAttachedUserPolicies", managed::list_attached_user),
        ("AttachGroupPolicy", managed::attach_group),
        ("DetachGroupPolicy", managed::detach_group),
        ("ListAttachedGroupPolicies", managed::list_attached_group),
        ("PutUserPolicy", inline::put_user),
        ("GetUserPolicy", inline::get_user),
        ("ListUserPolicies", inline::list_user),
        ("DeleteUserPolicy", inline::delete_user),
        ("PutGroupPolicy", inline::put_group),
        ("GetGroupPolicy", inline::get_group),
        ("ListGroupPolicies", inline::list_group),
        ("DeleteGroupPolicy", inline::delete_group),
        ("CreateGroup", group::create),
        ("GetGroup", group::get),
        ("ListGroups", group::list),
        ("UpdateGroup", group::update),
        ("DeleteGroup", group::delete),
        ("AddUserToGroup", group::add_user),
        ("RemoveUserFromGroup", group::remove_user),
        ("ListGroupsForUser", group::list_for_user),
        ("CreateRole", role::create),
        ("GetRole", role::get),
        ("ListRoles", role::list),
        ("UpdateRole", role::update),
        ("UpdateRoleDescription", role::update_description),
        ("UpdateAssumeRolePolicy", role::update_assume_role_policy),
        ("DeleteRole", role::delete),
        ("PutRolePermissionsBoundary", role::put_boundary),
        ("DeleteRolePermissionsBoundary", role::delete_boundary),
        ("AttachRolePolicy", managed::attach_role),
        ("DetachRolePolicy", managed::detach_role),
        ("ListAttachedRolePolicies", managed::list_attached_role),
        ("PutRolePolicy", inline::put_role),
        ("GetRolePolicy", inline::get_role),
        ("ListRolePolicies", inline::list_role),
        ("DeleteRolePolicy", inline::delete_role),
        ("ListEntitiesForPolicy", entity::list_for_policy),
        ("TagUser", tag::tag_user),
        ("UntagUser", tag::untag_user),
        ("ListUserTags", tag::list_user),
        ("TagRole", tag::tag_role),
        ("UntagRole", tag::untag_role),
        ("ListRoleTags", tag::list_role),
        ("TagPolicy", tag::tag_policy),
        ("UntagPolicy", tag::untag_policy),
        ("ListPolicyTags", tag::list_policy),
        ("GetAccountAuthorizationDetails", authorization_details::get),
        ("UpdateAccountPasswordPolicy", password::update_policy),
        ("GetAccountPasswordPolicy", password::get_policy),
        ("DeleteAccountPasswordPolicy", password::delete_policy),
        ("ChangePassword", password::change),
        ("CreateLoginProfile", login_profile::create),
        ("GetLoginProfile", login_profile::get),
        ("UpdateLoginProfile", login_profile::update),
        ("DeleteLoginProfile", login_profile::delete),
        ("CreateAccountAlias", account::create_alias),
        ("ListAccountAliases", account::list_aliases),
        ("DeleteAccountAlias", account::delete_alias),
        ("SimulatePrincipalPolicy", simulate::simulate_principal),
        ("SimulateCustomPolicy", simulate::simulate_custom),
        (
            "GetContextKeysForPrincipalPolicy",
            simulate::context_keys_principal,
        ),
        (
            "GetContextKeysForCustomPolicy",
            simulate::context_keys_custom,
        ),
        ("GetAccountSummary", summary::get),
        ("CreateVirtualMFADevice", mfa::create),
        ("EnableMFADevice", mfa::enable),
        ("ResyncMFADevice", mfa::resync),
        ("DeactivateMFADevice", mfa::deactivate),
        ("DeleteVirtualMFADevice", mfa::delete),
        ("ListMFADevices", mfa::list_mfa_devices),
        ("ListVirtualMFADevices", mfa::list_virtual),
        ("TagMFADevice", tag::tag_mfa_device),
        ("UntagMFADevice", tag::untag_mfa_device),
        ("ListMFADeviceTags", tag::list_mfa_device),
        ("GenerateCredentialReport", credential_report::generate),
        ("GetCredentialReport", credential_report::get),
    ];
    table
        .iter()
        .map(|(name, handler)| (*name, Op::new(name, *handler)))
        .collect()
});

impl Op {
    /// The operation `name`, run by `handler`.
    pub fn new(name: &str, handler: Handler) -> Self {
        Self {
            handler,
            response: format!("{name}Response"),
            result: format!("{name}Result"),
        }
    }
}

/// The operation for `action`, if ironiam implements it.
pub fn lookup(action: &str) -> Option<&'static Op> {
    OPS.get(action)
}

/// The names of every implemented action.
pub fn implemented() -> Vec<&'static str> {
    let mut names: Vec<_> = OPS.keys().copied().collect();
    names.sort_unstable();
    names
}
