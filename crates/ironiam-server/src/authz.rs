//! Who is calling, and whether their policies allow the call.
//!
//! Every IAM call is authorized as `iam:<Action>` under the action's contract
//! ([`contract`]): on every resource the Service Authorization Reference names for
//! it, each evaluated with its own `aws:ResourceTag/*` keys, with the action's
//! condition keys from the request, as `docs/research/iam-authorization.md`
//! describes. The root user is not restricted by identity policies.
//!
//! Principals of an organization's member account, its root user included, are
//! also bound by the service control policies on the path from the organization's
//! root to the account ([`scp`]); those of the management account and of accounts
//! outside an organization are not. Calls to JSON-protocol services
//! (Organizations) name their resources themselves: [`authorize_action`].

mod cache;
pub mod contract;
mod explain;
mod principal_keys;
pub mod reference;
pub mod scp;
pub mod trace;

use std::sync::Arc;

use ironiam_policy::{
    Action, Caller, Context, ContextValue, EvalDecision, Policy, PolicyKind, PolicySet, Reason,
    Request, SetKind, ValueType, decide, explain,
};
use ironiam_protocol::model::Value;
use ironiam_store::record::{AccessKey, KeyOwner, PrincipalKind, Role, Tag, User};
use ironiam_store::{ListOptions, Transaction};

use crate::http::error::ApiError;
use crate::time::iso8601;

pub use cache::{CallerCache, CallerPolicies, CallerSnapshot, PolicyCache};
pub use contract::Resource;
pub use explain::{Denial, explain_denial};
pub use principal_keys::{PrincipalOrg, principal_org};
pub use scp::service_control_policies;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account the caller belongs to.
    pub account_id: String,
    /// The access key that signed the request.
    pub access_key_id: String,
    /// The IAM user, for a user's long-term keys, its `GetSessionToken` sessions and
    /// its console sign-ins; `None` for the root user and for role sessions.
    pub user: Option<User>,
    /// The role and session name, for an assumed-role session.
    pub role: Option<RoleSession>,
    /// The caller as the policy engine sees it.
    pub caller: Caller,
    /// For temporary credentials and console sign-ins, how and when the caller
    /// authenticated; `None` for long-term access keys.
    pub session: Option<SessionFacts>,
    /// The organization the caller's account belongs to, for `aws:PrincipalOrgID`
    /// and `aws:PrincipalOrgPaths`; `None` outside an organization. (Read with the
    /// principal; every Organizations write retires cached principals.)
    pub org: Option<PrincipalOrg>,
}

/// An assumed-role session's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSession {
    /// The role, as stored.
    pub role: Role,
    /// `RoleSessionName`.
    pub session_name: String,
}

/// What kind of temporary credentials a session holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// From `GetSessionToken`: the user's (or root's) own permissions, with AWS's
    /// restrictions on IAM and STS calls.
    SessionToken,
    /// From `AssumeRole`.
    AssumedRole,
    /// A console sign-in.
    Console,
}

/// How a session's caller authenticated: the source of `aws:MultiFactorAuthPresent`,
/// `aws:MultiFactorAuthAge` and `aws:TokenIssueTime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    /// Which API issued the session.
    pub kind: SessionKind,
    /// When the session's credentials were issued, UNIX seconds.
    pub issued_at: i64,
    /// When they expire, UNIX seconds.
    pub expires_at: i64,
    /// When the caller last passed an MFA check, UNIX seconds; `None` when the session
    /// was obtained without MFA.
    pub mfa_authenticated_at: Option<i64>,
    /// The inline session policy passed to `AssumeRole`, if any.
    pub policy: Option<String>,
    /// The managed session policies passed to `AssumeRole`.
    pub policy_arns: Vec<String>,
    /// `SourceIdentity` (`aws:SourceIdentity`), set once per role chain.
    pub source_identity: Option<String>,
    /// Session tags, passed or inherited: `aws:PrincipalTag/*`, over the role's own.
    pub tags: Vec<Tag>,
    /// The keys of `tags` that pass on to sessions this one assumes.
    pub transitive_tag_keys: Vec<String>,
}

impl Principal {
    /// The caller's ARN.
    pub fn arn(&self) -> &str {
        &self.caller.arn
    }

    /// Whether this is the root user.
    pub fn is_root(&self) -> bool {
        self.user.is_none() && self.role.is_none()
    }

    /// The owner of the caller's own access keys and MFA devices: the user or root;
    /// `None` for a role session, which has neither.
    pub fn key_owner(&self) -> Option<KeyOwner> {
        match (&self.user, &self.role) {
            (Some(user), _) => Some(KeyOwner::User(user.id.clone())),
            (None, None) => Some(KeyOwner::Root),
            (None, Some(_)) => None,
        }
    }

    /// AWS's `aws:userid`: the user's or root's unique ID, or `ROLEID:SESSION`.
    pub fn user_id(&self) -> String {
        match (&self.user, &self.role) {
            (Some(user), _) => user.id.clone(),
            (None, Some(session)) => format!("{}:{}", session.role.id, session.session_name),
            (None, None) => self.account_id.clone(),
        }
    }
}

/// Resolves the owner of a verified access key.
///
/// # Errors
/// `InvalidClientTokenId` when the owning user is gone.
pub fn resolve(tx: &mut dyn Transaction, key: &AccessKey) -> Result<Principal, ApiError> {
    let (user, arn) = match &key.owner {
        KeyOwner::Root => (None, format!("arn:aws:iam::{}:root", key.account_id)),
        KeyOwner::User(id) => {
            let user = tx
                .get_user_by_id(id)
                .map_err(|_| ApiError::InvalidClientTokenId)?;
            let arn = user.arn.clone();
            (Some(user), arn)
        }
    };
    let caller = Caller::parse(&arn).map_err(|e| ApiError::internal(e.0))?;
    let org = principal_org(tx, &key.account_id)?;
    Ok(Principal {
        account_id: key.account_id.clone(),
        access_key_id: key.id.clone(),
        user,
        role: None,
        caller,
        session: None,
        org,
    })
}

/// What the request carried that condition keys are built from.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// The current time, UNIX seconds.
    pub now: i64,
    /// The client's IP address.
    pub source_ip: String,
    /// The region from the signature scope.
    pub region: String,
}

/// The outcome of authorization.
#[derive(Debug, Clone)]
pub struct Authorized {
    /// The decision.
    pub decision: EvalDecision,
}

/// Authorizes `action` for `principal` before the operation runs.
///
/// # Errors
/// `AccessDenied` with AWS's message, or a store fault.
pub fn authorize(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    policies: &CallerPolicies,
    principal: &Principal,
    action: &str,
    input: &Value,
    facts: &RequestFacts,
) -> Result<Authorized, ApiError> {
    authorize_in(tx, cache, policies, principal, "iam", action, input, facts)
}

/// [`authorize`] for an action of any service: `service:action` against the
/// resource the action's Service Authorization Reference entry names.
///
/// # Errors
/// As [`authorize`].
#[expect(clippy::too_many_arguments, reason = "the request's parts")]
pub fn authorize_in(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    policies: &CallerPolicies,
    principal: &Principal,
    service: &str,
    action: &str,
    input: &Value,
    facts: &RequestFacts,
) -> Result<Authorized, ApiError> {
    // The root user is bound by nothing but its organization's SCPs.
    if principal.is_root() && policies.service_control.is_none() {
        return Ok(Authorized {
            decision: EvalDecision::Allowed,
        });
    }
    let evaluated = request_contexts(tx, principal, service, action, input, facts)?;
    // AllowUsersToChangePassword grants ChangePassword and GetAccountPasswordPolicy on
    // top of the caller's policies, for the calls it covers.
    let grant = match &principal.user {
        Some(user) if service == "iam" => {
            password_setting_grant(tx, cache, principal.account_id.as_str(), user, action)?
        }
        _ => None,
    };
    let qualified = format!("{service}:{action}");
    let mut authorized = Authorized {
        decision: EvalDecision::Allowed,
    };
    for (resource, context) in &evaluated {
        authorized = decide_one(
            principal,
            policies,
            grant.as_deref(),
            &qualified,
            &resource.arn,
            context,
        )?;
    }
    Ok(authorized)
}

/// What `service:action` is evaluated on, under its contract: each resource with the
/// request context it is evaluated with (the global keys, the action's keys from the
/// request, and that resource's own tags). Authorization, the console's explanations
/// and AssumeRole's context all come from here.
///
/// # Errors
/// A store fault.
pub fn request_contexts(
    tx: &mut dyn Transaction,
    principal: &Principal,
    service: &str,
    action: &str,
    input: &Value,
    facts: &RequestFacts,
) -> Result<Vec<(Resource, Context)>, ApiError> {
    let contract = contract::of(service, action);
    let resources = contract.resolve(tx, principal, input)?;
    let mut base = base_context(principal, facts);
    if let Some(first) = resources.first() {
        contract.add_request_keys(&mut base, input, first);
    }
    Ok(with_resource_keys(contract, resources, base))
}

/// Each resource with `base` plus its own resource keys. The last (for a single
/// resource, the common case, the only one) takes `base` itself, without a copy.
fn with_resource_keys(
    contract: &contract::Contract,
    resources: Vec<Resource>,
    base: Context,
) -> Vec<(Resource, Context)> {
    let count = resources.len();
    let mut base = Some(base);
    let mut out = Vec::with_capacity(count);
    for (index, resource) in resources.into_iter().enumerate() {
        let mut context = if index + 1 == count {
            base.take().unwrap_or_default()
        } else {
            base.clone().unwrap_or_default()
        };
        contract.add_resource_keys(&mut context, &resource);
        out.push((resource, context));
    }
    out
}

/// Authorizes a call to a service whose requests name their resources themselves
/// (Organizations, Config): `action` is qualified (`organizations:ListAccounts`),
/// `resources` are those the Service Authorization Reference names for it (each must
/// be allowed, with its own `aws:ResourceTag/*`; none means `*`), `extra` the
/// service's condition keys for the request.
///
/// # Errors
/// `AccessDenied` with AWS's message for the first resource denied.
pub fn authorize_action(
    policies: &CallerPolicies,
    principal: &Principal,
    action: &str,
    resources: &[Resource],
    extra: Vec<(String, ContextValue)>,
    facts: &RequestFacts,
) -> Result<Authorized, ApiError> {
    if principal.is_root() && policies.service_control.is_none() {
        return Ok(Authorized {
            decision: EvalDecision::Allowed,
        });
    }
    let mut context = base_context(principal, facts);
    for (key, value) in extra {
        context.insert(&key, value);
    }
    let (service, name) = action.split_once(':').unwrap_or(("", action));
    let contract = contract::of(service, name);
    let resources = if resources.is_empty() {
        vec![Resource::any()]
    } else {
        resources.to_vec()
    };
    let mut authorized = Authorized {
        decision: EvalDecision::Allowed,
    };
    for (resource, context) in &with_resource_keys(contract, resources, context) {
        authorized = decide_one(principal, policies, None, action, &resource.arn, context)?;
    }
    Ok(authorized)
}

/// One decision over the caller's identity policies (plus `grant`), boundary, session
/// policies and SCPs; a denial becomes AWS's AccessDenied message.
fn decide_one(
    principal: &Principal,
    policies: &CallerPolicies,
    grant: Option<&Policy>,
    action: &str,
    resource: &str,
    context: &Context,
) -> Result<Authorized, ApiError> {
    let mut refs: Vec<&Policy> = policies.identity.iter().map(Arc::as_ref).collect();
    if let Some(grant) = grant {
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
    let request_action = Action::new(action);
    let request = Request {
        caller: &principal.caller,
        action: &request_action,
        resource,
        resource_account: None,
        context,
    };
    let decision = decide(&set, &request);
    trace::record(action, resource, context, decision.decision);
    if decision.decision == EvalDecision::Allowed {
        return Ok(Authorized {
            decision: decision.decision,
        });
    }
    let mut message = denied_message(principal.arn(), action, resource, decision.reason);
    // AWS names the denying SCP when the request stays within the organization
    // ("Enhanced access denied error messages with policy ARNs", AWS Security Blog).
    if let Reason::ExplicitDeny(SetKind::ServiceControl(level)) = decision.reason
        && let Some(arn) = explain(&set, &request)
            .matched
            .iter()
            .find(|s| s.set == SetKind::ServiceControl(level))
            .map(|s| s.policy_id.clone())
    {
        message.push_str(": ");
        message.push_str(&arn);
    }
    Err(ApiError::AccessDenied(message))
}

/// AWS's AccessDenied text (IAM User Guide, "Troubleshoot access denied
/// error messages").
pub fn denied_message(caller: &str, action: &str, resource: &str, reason: Reason) -> String {
    let base =
        format!("User: {caller} is not authorized to perform: {action} on resource: {resource}");
    match reason {
        Reason::ExplicitDeny(SetKind::Identity) => {
            format!("{base} with an explicit deny in an identity-based policy")
        }
        Reason::ExplicitDeny(SetKind::PermissionsBoundary) => {
            format!("{base} with an explicit deny in a permissions boundary")
        }
        Reason::ExplicitDeny(SetKind::ServiceControl(_)) => {
            format!("{base} with an explicit deny in a service control policy")
        }
        Reason::ServiceControlNoAllow(_) => {
            format!("{base} because no service control policy allows the {action} action")
        }
        Reason::ExplicitDeny(_) => format!("{base} with an explicit deny"),
        Reason::NoIdentityAllow => {
            format!("{base} because no identity-based policy allows the {action} action")
        }
        Reason::PermissionsBoundaryNoAllow => {
            format!("{base} because no permissions boundary allows the {action} action")
        }
        _ => base,
    }
}

/// The global condition keys every request carries: the caller's, the time, the
/// source address, the region and the session's.
fn base_context(principal: &Principal, facts: &RequestFacts) -> Context {
    let mut context = Context::new();
    principal.caller.add_derived_keys(&mut context);
    context.insert("aws:userid", ContextValue::string(principal.user_id()));
    let tags = match (&principal.user, &principal.role) {
        (Some(user), _) => user.tags.as_slice(),
        (None, Some(session)) => {
            // The session ARN has no path; aws:PrincipalArn is the role's own ARN.
            context.insert(
                "aws:PrincipalArn",
                ContextValue::string(session.role.arn.clone()),
            );
            session.role.tags.as_slice()
        }
        (None, None) => &[],
    };
    for tag in tags {
        context.insert(
            &format!("aws:PrincipalTag/{}", tag.key),
            ContextValue::string(tag.value.clone()),
        );
    }
    principal_keys::add_principal_keys(&mut context, principal);
    context.insert(
        "aws:CurrentTime",
        ContextValue::typed(ValueType::Date, iso8601(facts.now)),
    );
    context.insert(
        "aws:EpochTime",
        ContextValue::typed(ValueType::Numeric, facts.now.to_string()),
    );
    context.insert(
        "aws:SourceIp",
        ContextValue::typed(ValueType::Ip, facts.source_ip.clone()),
    );
    context.insert("aws:SecureTransport", ContextValue::boolean(false));
    context.insert(
        "aws:RequestedRegion",
        ContextValue::string(facts.region.clone()),
    );
    // aws:MultiFactorAuthPresent is absent for long-term access keys, as in AWS; a
    // session always has it, and aws:MultiFactorAuthAge only when MFA was used.
    if let Some(session) = &principal.session {
        add_session_keys(&mut context, session, facts.now);
    }
    context
}

/// The request context for `principal` calling `action` (an IAM action, else an STS
/// one) on the first resource its contract names: the global keys, the action's keys
/// from the request, and that resource's tags (`AssumeRole`: the role's).
///
/// # Errors
/// A store fault.
pub fn build_context(
    tx: &mut dyn Transaction,
    principal: &Principal,
    action: &str,
    input: &Value,
    facts: &RequestFacts,
) -> Result<Context, ApiError> {
    let service = if reference::service("iam").action(action).is_some() {
        "iam"
    } else {
        "sts"
    };
    Ok(
        request_contexts(tx, principal, service, action, input, facts)?
            .into_iter()
            .next()
            .map(|(_, context)| context)
            .unwrap_or_default(),
    )
}

/// The keys a session adds: AWS's global condition keys page defines
/// `aws:MultiFactorAuthAge` as the seconds since MFA authentication; a role
/// session's tags and source identity come from its token.
pub fn add_session_keys(context: &mut Context, session: &SessionFacts, now: i64) {
    principal_keys::add_session_tags(context, session);
    context.insert(
        "aws:MultiFactorAuthPresent",
        ContextValue::boolean(session.mfa_authenticated_at.is_some()),
    );
    if let Some(at) = session.mfa_authenticated_at {
        context.insert(
            "aws:MultiFactorAuthAge",
            ContextValue::typed(ValueType::Numeric, (now - at).max(0).to_string()),
        );
    }
    context.insert(
        "aws:TokenIssueTime",
        ContextValue::typed(ValueType::Date, iso8601(session.issued_at)),
    );
}

/// The account password policy's `AllowUsersToChangePassword`: "Gives IAM
/// users permissions to `iam:ChangePassword` for only their user and to the
/// `iam:GetAccountPasswordPolicy` action ... applied at the account-level for
/// all users by IAM" (botocore's `PasswordPolicy` shape). It acts as one more
/// identity-based allow, so explicit denies and boundaries still apply.
fn password_setting_grant(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    user: &User,
    action: &str,
) -> Result<Option<Arc<Policy>>, ApiError> {
    if !matches!(action, "ChangePassword" | "GetAccountPasswordPolicy") {
        return Ok(None);
    }
    let allowed = tx
        .get_account(account)?
        .password_policy
        .is_some_and(|p| p.allow_users_to_change_password);
    if !allowed {
        return Ok(None);
    }
    let document = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": user.arn},
            {"Effect": "Allow", "Action": "iam:GetAccountPasswordPolicy", "Resource": "*"}
        ]
    })
    .to_string();
    let key = format!(
        "account-setting:allow-users-to-change-password:{}",
        user.arn
    );
    cache
        .get_or_compile(&key, &document, PolicyKind::Identity)
        .map(Some)
}

/// The user's inline and attached policies and those of its groups.
/// The caller's identity policies (its own and its groups', inline and attached) and its
/// permissions boundary, compiled. The root user has none.
///
/// # Errors
/// A store fault, or a stored document that no longer compiles.
pub fn caller_policies(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    principal: &Principal,
) -> Result<CallerPolicies, ApiError> {
    let account = principal.account_id.as_str();
    let service_control = service_control_policies(tx, cache, account)?;
    let session = match &principal.session {
        Some(facts) if facts.policy.is_some() || !facts.policy_arns.is_empty() => {
            Some(session_policies(tx, cache, account, facts)?)
        }
        _ => None,
    };
    let (identity, boundary) = match (&principal.user, &principal.role) {
        (Some(user), _) => (
            identity_policies(tx, cache, account, user)?,
            user.permissions_boundary.as_deref(),
        ),
        (None, Some(session)) => (
            role_policies(tx, cache, account, &session.role)?,
            session.role.permissions_boundary.as_deref(),
        ),
        (None, None) => {
            return Ok(CallerPolicies {
                identity: Vec::new(),
                boundary: None,
                session,
                service_control,
            });
        }
    };
    let boundary = match boundary {
        Some(arn) => Some(managed_policy(
            tx,
            cache,
            account,
            arn,
            PolicyKind::PermissionsBoundary,
        )?),
        None => None,
    };
    Ok(CallerPolicies {
        identity,
        boundary,
        session,
        service_control,
    })
}

/// A role's inline and attached policies.
///
/// # Errors
/// A store fault, or a stored document that no longer compiles.
pub fn role_policies(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    role: &Role,
) -> Result<Vec<Arc<Policy>>, ApiError> {
    let mut out = Vec::new();
    for inline in tx
        .list_inline_policies(
            account,
            PrincipalKind::Role,
            &role.name,
            &ListOptions::all(),
        )?
        .items
    {
        let key = format!("inline:{}:{}", role.id, inline.name);
        out.push(cache.get_or_compile(&key, &inline.document, PolicyKind::Identity)?);
    }
    for attached in tx
        .list_attached_policies(
            account,
            PrincipalKind::Role,
            &role.name,
            &ListOptions::all(),
        )?
        .items
    {
        out.push(managed_policy(
            tx,
            cache,
            account,
            &attached.policy_arn,
            PolicyKind::Managed,
        )?);
    }
    Ok(out)
}

/// A session's inline policy and managed session policies. A managed session policy
/// deleted since the session began no longer allows anything (AWS evaluates the
/// policy as it is at the time of the call).
fn session_policies(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    facts: &SessionFacts,
) -> Result<Vec<Arc<Policy>>, ApiError> {
    let mut out = Vec::new();
    if let Some(text) = &facts.policy {
        out.push(cache.get_or_compile("session-policy", text, PolicyKind::Session)?);
    }
    for arn in &facts.policy_arns {
        match managed_policy(tx, cache, account, arn, PolicyKind::Session) {
            Ok(policy) => out.push(policy),
            Err(ApiError::NoSuchEntity(_)) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(out)
}

fn identity_policies(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    user: &User,
) -> Result<Vec<Arc<Policy>>, ApiError> {
    let mut out = Vec::new();
    let mut owners = vec![(PrincipalKind::User, user.name.clone(), user.id.clone())];
    for group in tx
        .list_groups_for_user(account, &user.name, &ListOptions::all())?
        .items
    {
        owners.push((PrincipalKind::Group, group.name, group.id));
    }
    for (kind, name, id) in owners {
        for inline in tx
            .list_inline_policies(account, kind, &name, &ListOptions::all())?
            .items
        {
            let key = format!("inline:{id}:{}", inline.name);
            out.push(cache.get_or_compile(&key, &inline.document, PolicyKind::Identity)?);
        }
        for attached in tx
            .list_attached_policies(account, kind, &name, &ListOptions::all())?
            .items
        {
            out.push(managed_policy(
                tx,
                cache,
                account,
                &attached.policy_arn,
                PolicyKind::Managed,
            )?);
        }
    }
    Ok(out)
}

/// A managed policy's default version, compiled as `kind`.
///
/// # Errors
/// `NoSuchEntity` for a missing policy; a store fault.
pub fn managed_policy(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    arn: &str,
    kind: PolicyKind,
) -> Result<Arc<Policy>, ApiError> {
    let policy = tx.get_policy(account, arn)?;
    let version = tx.get_policy_version(&policy.id, policy.default_version)?;
    let key = format!("managed:{arn}:{}:{kind:?}", version.version);
    cache.get_or_compile(&key, &version.document, kind)
}
