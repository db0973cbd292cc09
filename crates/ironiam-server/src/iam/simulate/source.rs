//! `PolicySourceArn`: the user, group or role whose stored policies a principal
//! simulation evaluates, and the names AWS reports them by.
//!
//! What each kind brings (IAM API Reference, "SimulatePrincipalPolicy" and
//! "GetContextKeysForPrincipalPolicy"): a user, its inline and attached policies and those
//! of every group it belongs to, and its permissions boundary; a group, its own inline and
//! attached policies; a role, its inline and attached policies and its permissions
//! boundary. A managed policy attached twice (to the user and to one of its groups) is
//! one policy.
//!
//! `SourcePolicyId` is what AWS's responses show: a managed policy's name
//! (`AdministratorAccess`), and for an inline policy `KIND_OWNER_POLICY`
//! (`role_ecs-task-execution_secrets`, `user_alice_ForceMFA`).

use std::sync::Arc;

use ironiam_policy::{Policy, PolicyKind};
use ironiam_store::record::{PrincipalKind, name_key};
use ironiam_store::{ListOptions, Transaction};

use super::exclusion::Exclusions;
use crate::authz::PolicyCache;
use crate::http::error::ApiError;

/// The ARN of a user, group or role, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntityArn {
    /// The account in the ARN.
    pub(crate) account: String,
    /// User, group or role.
    pub(crate) kind: PrincipalKind,
    /// The name: the ARN's last path segment.
    pub(crate) name: String,
}

/// Reads `arn:PARTITION:iam::ACCOUNT:{user|group|role}/[PATH/]NAME`.
pub(crate) fn parse_entity_arn(arn: &str) -> Option<EntityArn> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if partition.is_empty() || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (kind, path_and_name) = resource.split_once('/')?;
    let kind = match kind {
        "user" => PrincipalKind::User,
        "group" => PrincipalKind::Group,
        "role" => PrincipalKind::Role,
        _ => return None,
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    if name.is_empty() {
        return None;
    }
    Some(EntityArn {
        account: account.to_owned(),
        kind,
        name: name.to_owned(),
    })
}

/// A policy in a simulation, with the id AWS reports it by.
#[derive(Debug, Clone)]
pub(super) struct Labelled {
    /// `SourcePolicyId`.
    pub(super) id: String,
    /// The compiled policy.
    pub(super) policy: Arc<Policy>,
}

/// The stored policies of a policy source.
#[derive(Debug)]
pub(super) struct SourcePolicies {
    /// The entity's ARN as stored (with its path).
    pub(super) arn: String,
    /// Inline and attached policies, the user's groups' included.
    pub(super) identity: Vec<Labelled>,
    /// The permissions boundary of a user or role.
    pub(super) boundary: Option<Labelled>,
}

/// The stored policies of `entity`, less the excluded ones.
///
/// # Errors
/// `NoSuchEntity` when the entity is not in `account`; `PolicyEvaluation` when a stored
/// document no longer compiles; store faults.
pub(super) fn load(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    entity: &EntityArn,
    exclusions: &Exclusions,
) -> Result<SourcePolicies, ApiError> {
    if entity.account != account {
        // Only the caller's own account's entities can be simulated: another account's
        // user, group or role is not found here.
        return Err(ApiError::NoSuchEntity(crate::http::error::not_found(
            entity_kind(entity.kind),
            &entity.name,
        )));
    }
    let (arn, owners, boundary_arn) = match entity.kind {
        PrincipalKind::User => {
            let user = tx.get_user(account, &entity.name)?;
            let mut owners = vec![(PrincipalKind::User, user.name.clone(), user.id.clone())];
            for group in tx
                .list_groups_for_user(account, &user.name, &ListOptions::all())?
                .items
            {
                owners.push((PrincipalKind::Group, group.name, group.id));
            }
            (user.arn, owners, user.permissions_boundary)
        }
        PrincipalKind::Group => {
            let group = tx.get_group(account, &entity.name)?;
            (
                group.arn,
                vec![(PrincipalKind::Group, group.name, group.id)],
                None,
            )
        }
        PrincipalKind::Role => {
            let role = tx.get_role(account, &entity.name)?;
            (
                role.arn,
                vec![(PrincipalKind::Role, role.name, role.id)],
                role.permissions_boundary,
            )
        }
    };
    let mut identity = Vec::new();
    let mut attached_arns: Vec<String> = Vec::new();
    for (kind, owner, owner_id) in owners {
        for inline in tx
            .list_inline_policies(account, kind, &owner, &ListOptions::all())?
            .items
        {
            if exclusions.excludes_inline(kind, &owner, &inline.name) {
                continue;
            }
            let id = format!("{}_{owner}_{}", kind.arn_resource(), inline.name);
            // The cache key of authorization's compilation, so both share the entry.
            let key = format!("inline:{owner_id}:{}", inline.name);
            let policy = compile(cache, &key, &inline.document, PolicyKind::Identity, &id)?;
            identity.push(Labelled { id, policy });
        }
        for attached in tx
            .list_attached_policies(account, kind, &owner, &ListOptions::all())?
            .items
        {
            if attached_arns.contains(&attached.policy_arn)
                || exclusions.excludes_managed(&attached.policy_arn)
            {
                continue;
            }
            let policy = managed(
                tx,
                cache,
                account,
                &attached.policy_arn,
                PolicyKind::Managed,
            )?;
            attached_arns.push(attached.policy_arn);
            identity.push(Labelled {
                id: attached.policy_name,
                policy,
            });
        }
    }
    let boundary = match boundary_arn {
        Some(boundary_arn) if !exclusions.excludes_boundary() => Some(Labelled {
            id: tx.get_policy(account, &boundary_arn)?.name,
            policy: managed(
                tx,
                cache,
                account,
                &boundary_arn,
                PolicyKind::PermissionsBoundary,
            )?,
        }),
        _ => None,
    };
    Ok(SourcePolicies {
        arn,
        identity,
        boundary,
    })
}

fn entity_kind(kind: PrincipalKind) -> ironiam_store::Entity {
    match kind {
        PrincipalKind::User => ironiam_store::Entity::User,
        PrincipalKind::Group => ironiam_store::Entity::Group,
        PrincipalKind::Role => ironiam_store::Entity::Role,
    }
}

/// The default version of a managed policy, compiled under authorization's cache key.
fn managed(
    tx: &mut dyn Transaction,
    cache: &PolicyCache,
    account: &str,
    arn: &str,
    kind: PolicyKind,
) -> Result<Arc<Policy>, ApiError> {
    let policy = tx.get_policy(account, arn)?;
    let version = tx.get_policy_version(&policy.id, policy.default_version)?;
    let key = format!("managed:{arn}:{}:{kind:?}", version.version);
    compile(cache, &key, &version.document, kind, &policy.name)
}

/// Compiles a stored document; one that no longer compiles (stored before a stricter
/// rule) cannot be evaluated, which is AWS's `PolicyEvaluation` error.
fn compile(
    cache: &PolicyCache,
    key: &str,
    text: &str,
    kind: PolicyKind,
    label: &str,
) -> Result<Arc<Policy>, ApiError> {
    cache.get_or_compile(key, text, kind).map_err(|error| {
        tracing::error!(%error, policy = label, "a stored policy does not compile");
        ApiError::PolicyEvaluation(format!(
            "The policy {label} could not be evaluated: it is not a valid policy document."
        ))
    })
}

/// Whether two IAM names are the same (IAM names ignore case).
pub(super) fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}
