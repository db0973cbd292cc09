//! `AssumeRole`: a role session, decided by the caller's policies together with the
//! role's trust policy, with MFA context when a device code was given, and the
//! session's ExternalId, tags and source identity ([`session`]).

use std::sync::Arc;

mod session;

use ironiam_policy::{
    Action, Context, ContextValue, Effect, EvalDecision, Policy, PolicyKind, PolicySet, Reason,
    Request, SetKind, StatementOutcome, ValueType, decide, explain,
};
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::StoreExt;
use ironiam_store::record::{Role, RoleLastUsed, Timestamp};

use super::credentials::{self, mfa_input};
use super::token::{Issuer, SessionClaims, Subject};
use crate::authz::{self, RequestFacts, denied_message};
use crate::http::error::ApiError;
use crate::iam::OpCtx;
use session::SessionRequest;

/// AWS's default session: one hour.
const DEFAULT_DURATION_SECS: i64 = 3_600;
/// "Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour."
const CHAINED_MAX_DURATION_SECS: i64 = 3_600;
/// "The plaintext that you use for both inline and managed session policies can't
/// exceed 2,048 characters."
const SESSION_POLICY_PLAINTEXT_LIMIT: usize = 2_048;

pub(super) fn assume_role(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let principal = ctx.principal;
    let role_arn = input.str_member("RoleArn").unwrap_or_default();
    let session_name = input.str_member("RoleSessionName").unwrap_or_default();
    let denied = |reason| {
        ApiError::AccessDenied(denied_message(
            principal.arn(),
            "sts:AssumeRole",
            role_arn,
            reason,
        ))
    };
    if principal.is_root() {
        return Err(ApiError::AccessDenied(
            "Roles may not be assumed by root accounts.".to_owned(),
        ));
    }
    // The session parameters are checked before the role is looked up.
    let request = session::session_request(input, principal.session.as_ref())?;
    // A missing role is denied like a forbidden one, so callers cannot probe for
    // role names in accounts they have no access to.
    let Some((role_account, role_name)) = parse_role_arn(role_arn) else {
        return Err(ApiError::Validation(format!(
            "{role_arn} is invalid: RoleArn must be a role ARN, arn:aws:iam::ACCOUNT:role/NAME."
        )));
    };
    let role = ctx
        .state
        .store
        .read(|tx| -> Result<_, ApiError> { Ok(tx.get_role(role_account, role_name).ok()) })?
        .filter(|role| role.arn == role_arn)
        .ok_or_else(|| denied(Reason::NoIdentityAllow))?;
    let duration = duration(input, principal.role.is_some(), &role)?;
    let session_policy = session_policy(input)?;
    let policy_arns = policy_arns(input);
    let packed = packed_size(session_policy.as_deref(), &policy_arns)?;

    // MFA given here counts from now; without it, a chained session keeps the MFA
    // context of the session that assumes the role.
    let mfa_at = match mfa_input(input)? {
        Some((serial, code)) => {
            let owner = principal.key_owner().ok_or_else(|| {
                ApiError::AccessDenied(
                    "MultiFactorAuthentication failed: a role session has no MFA device."
                        .to_owned(),
                )
            })?;
            crate::mfa::authenticate(ctx.state, ctx.account(), &owner, serial, code, ctx.now)?;
            Some(ctx.now)
        }
        None => principal
            .session
            .as_ref()
            .and_then(|s| s.mfa_authenticated_at),
    };

    let facts = RequestFacts {
        now: ctx.now,
        source_ip: ctx.source_ip.to_owned(),
        region: ctx.region.to_owned(),
    };
    let state = ctx.state;
    // AssumeRole, and with it sts:TagSession when the session will carry tags and
    // sts:SetSourceIdentity when it will carry a source identity: each must be
    // allowed by the trust policy (and the caller's policies) in the same request
    // context (IAM User Guide, "Passing session tags in AWS STS", "Permissions
    // required to add session tags"; "Monitor and control actions taken with assumed
    // roles", "Permissions required to set source identity").
    let mut actions = vec!["sts:AssumeRole"];
    if request.tags_session() {
        actions.push("sts:TagSession");
    }
    if request.source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    let refused = state.store.read(|tx| -> Result<_, ApiError> {
        let policies = authz::caller_policies(tx, &state.cache, principal)?;
        let trust = state.cache.get_or_compile(
            &format!("trust:{}", role.id),
            &role.assume_role_policy_document,
            PolicyKind::Trust,
        )?;
        let mut context = authz::build_context(tx, principal, "AssumeRole", input, &facts)?;
        if let Some(at) = mfa_at {
            context.insert("aws:MultiFactorAuthPresent", ContextValue::boolean(true));
            context.insert(
                "aws:MultiFactorAuthAge",
                ContextValue::typed(ValueType::Numeric, (ctx.now - at).max(0).to_string()),
            );
        }
        add_request_keys(&mut context, session_name, &request);
        let identity: Vec<&Policy> = policies.identity.iter().map(Arc::as_ref).collect();
        let session: Vec<&Policy> = policies.session.iter().flatten().map(Arc::as_ref).collect();
        // The caller's SCPs bind AssumeRole like any other action, so a member
        // account's principal cannot step out of its SCPs into a role elsewhere.
        let levels = policies.service_control_levels();
        let set = PolicySet {
            identity: &identity,
            permissions_boundary: policies.boundary.as_deref(),
            session: policies.session.as_ref().map(|_| session.as_slice()),
            resource: Some(&trust),
            service_control: levels.as_deref(),
            ..PolicySet::default()
        };
        let trust_only = PolicySet {
            resource: Some(&trust),
            ..PolicySet::default()
        };
        for name in &actions {
            let action = Action::new(name);
            let request = Request {
                caller: &principal.caller,
                action: &action,
                resource: &role.arn,
                resource_account: Some(&role.account_id),
                context: &context,
            };
            // A role is assumable only if its trust policy allows the caller, whether
            // by naming it or its account: unlike other resource policies, an
            // identity policy alone never suffices (IAM User Guide, "Granting a user
            // permissions to switch roles").
            let trusted = explain(&trust_only, &request)
                .statements
                .iter()
                .any(|trace| {
                    trace.statement.set == SetKind::Resource
                        && trace.statement.effect == Effect::Allow
                        && trace.outcome == StatementOutcome::Applied
                });
            let decision = decide(&set, &request);
            // The audit record's decision is the call's: a trust policy that does not
            // allow the caller denies even what the identity policies allow.
            let recorded = if decision.decision == EvalDecision::Allowed && !trusted {
                EvalDecision::ImplicitDeny
            } else {
                decision.decision
            };
            crate::authz::trace::record(name, &role.arn, &context, recorded);
            if decision.decision != EvalDecision::Allowed {
                return Ok(Some((*name, decision.reason)));
            }
            if !trusted {
                return Ok(Some((*name, Reason::ResourcePolicyNoAllow)));
            }
        }
        Ok(None)
    })?;
    if let Some((action, reason)) = refused {
        return Err(ApiError::AccessDenied(denied_message(
            principal.arn(),
            action,
            role_arn,
            reason,
        )));
    }

    let expires_at = ctx.now + duration;
    let issued = credentials::issue(
        state,
        SessionClaims {
            account: role.account_id.clone(),
            subject: Subject::Role {
                id: role.id.clone(),
                name: role.name.clone(),
                session_name: session_name.to_owned(),
            },
            issuer: Issuer::AssumeRole,
            issued_at: ctx.now,
            expires_at,
            mfa_at,
            policy: session_policy,
            policy_arns,
            source_identity: request.source_identity.clone(),
            tags: request.tags.clone(),
            transitive_tag_keys: request.transitive_keys.clone(),
            secret: String::new(),
        },
    )?;
    record_role_last_used(ctx, &role)?;
    credentials::write(w, &issued, expires_at);
    w.start("AssumedRoleUser")
        .element("AssumedRoleId", &format!("{}:{session_name}", role.id))
        .element(
            "Arn",
            &format!(
                "arn:aws:sts::{}:assumed-role/{}/{session_name}",
                role.account_id, role.name
            ),
        )
        .end();
    if let Some(packed) = packed {
        w.element("PackedPolicySize", &packed.to_string());
    }
    // Echoed, whether passed now or carried from the calling session (STS API
    // reference, AssumeRole response elements).
    if let Some(source) = &request.source_identity {
        w.element("SourceIdentity", source);
    }
    Ok(())
}

/// The request keys of an `AssumeRole` call: `sts:RoleSessionName`, `sts:ExternalId`,
/// `sts:SourceIdentity`, the passed tags as `aws:RequestTag/*` and `aws:TagKeys`, and
/// `sts:TransitiveTagKeys` (Service Authorization Reference, AWS STS, AssumeRole and
/// TagSession). Inherited transitive tags are the caller's `aws:PrincipalTag/*`.
fn add_request_keys(context: &mut Context, session_name: &str, request: &SessionRequest) {
    context.insert("sts:RoleSessionName", ContextValue::string(session_name));
    if let Some(external) = &request.external_id {
        context.insert("sts:ExternalId", ContextValue::string(external.clone()));
    }
    if let Some(source) = &request.source_identity {
        context.insert("sts:SourceIdentity", ContextValue::string(source.clone()));
    }
    for tag in &request.request_tags {
        context.insert(
            &format!("aws:RequestTag/{}", tag.key),
            ContextValue::string(tag.value.clone()),
        );
    }
    if !request.request_tags.is_empty() {
        context.insert(
            "aws:TagKeys",
            ContextValue::list(
                ValueType::String,
                request.request_tags.iter().map(|t| t.key.clone()).collect(),
            ),
        );
    }
    if !request.request_transitive_keys.is_empty() {
        context.insert(
            "sts:TransitiveTagKeys",
            ContextValue::list(ValueType::String, request.request_transitive_keys.clone()),
        );
    }
}

/// `(account, name)` of `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty())
        .then_some((account, name))
}

/// The session length: `DurationSeconds` (900 to 43,200 by the model), within the
/// role's MaxSessionDuration, and at most an hour when a role session assumes a role.
fn duration(input: &Value, chained: bool, role: &Role) -> Result<i64, ApiError> {
    let requested = input
        .get("DurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_DURATION_SECS);
    if chained && requested > CHAINED_MAX_DURATION_SECS {
        return Err(ApiError::Validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                .to_owned(),
        ));
    }
    if requested > i64::from(role.max_session_duration) {
        return Err(ApiError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .to_owned(),
        ));
    }
    Ok(requested)
}

/// The inline session policy, validated as one.
fn session_policy(input: &Value) -> Result<Option<String>, ApiError> {
    let Some(text) = input.str_member("Policy") else {
        return Ok(None);
    };
    Policy::new("session", text, PolicyKind::Session)
        .map_err(|err| ApiError::MalformedPolicyDocument(err.to_string()))?;
    Ok(Some(text.to_owned()))
}

fn policy_arns(input: &Value) -> Vec<String> {
    input
        .get("PolicyArns")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.str_member("arn").map(str::to_owned))
        .collect()
}

/// `PackedPolicySize`: how much of the session-policy allowance the request uses, in
/// percent. ironiam does not compress session policies as AWS does; it measures the
/// inline policy without insignificant whitespace plus the managed policies' ARNs
/// against AWS's 2,048-character plaintext limit. `None` when no session policy was
/// passed, as AWS omits it then.
fn packed_size(policy: Option<&str>, arns: &[String]) -> Result<Option<u32>, ApiError> {
    if policy.is_none() && arns.is_empty() {
        return Ok(None);
    }
    let compact = policy.map_or(0, |text| {
        serde_json::from_str::<serde_json::Value>(text)
            .map(|v| v.to_string().len())
            .unwrap_or(text.len())
    });
    let used = compact + arns.iter().map(String::len).sum::<usize>();
    if used > SESSION_POLICY_PLAINTEXT_LIMIT {
        return Err(ApiError::PackedPolicyTooLarge(format!(
            "Packed policy consumes {}% of allotted space, please use smaller policy for \
             session.",
            used * 100 / SESSION_POLICY_PLAINTEXT_LIMIT
        )));
    }
    Ok(Some(
        u32::try_from((used * 100).div_ceil(SESSION_POLICY_PLAINTEXT_LIMIT)).unwrap_or(100),
    ))
}

/// RoleLastUsed: when and in which region the role was last assumed.
fn record_role_last_used(ctx: &OpCtx<'_>, role: &Role) -> Result<(), ApiError> {
    let last_used = RoleLastUsed {
        last_used_date: Timestamp::from_secs(ctx.now),
        region: ctx.region.to_owned(),
    };
    let (account, name) = (role.account_id.clone(), role.name.clone());
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut stored = tx.get_role(&account, &name)?;
        stored.role_last_used = Some(last_used.clone());
        tx.update_role(&stored)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_parse_with_and_without_a_path() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::111122223333:role/Admin"),
            Some(("111122223333", "Admin"))
        );
        assert_eq!(
            parse_role_arn("arn:aws:iam::111122223333:role/ops/break-glass/Admin"),
            Some(("111122223333", "Admin"))
        );
        for bad in [
            "arn:aws:iam::111122223333:user/Admin",
            "arn:aws:iam::1111:role/Admin",
            "arn:aws:iam::111122223333:role/",
            "Admin",
        ] {
            assert_eq!(parse_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn packed_size_is_omitted_without_session_policies_and_bounded() {
        assert_eq!(packed_size(None, &[]).ok(), Some(None));
        let small = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let size = packed_size(Some(small), &[]).ok().flatten();
        assert!(size.is_some_and(|s| (1..=100).contains(&s)), "{size:?}");
        let big = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#,
            "A".repeat(2100)
        );
        assert!(matches!(
            packed_size(Some(&big), &[]),
            Err(ApiError::PackedPolicyTooLarge(_))
        ));
    }
}
