//! Service control policies: CreatePolicy, UpdatePolicy, DescribePolicy, ListPolicies,
//! DeletePolicy, AttachPolicy, DetachPolicy, ListPoliciesForTarget,
//! ListTargetsForPolicy.
//!
//! Documents are validated by the policy engine as SCPs (`PolicyKind::ServiceControl`:
//! no `Principal`, 5,120 characters). Quotas from the Organizations User Guide: 1,000
//! SCPs per organization, 5 attached to one root, OU or account, and at least one
//! attached to each while SCPs are enabled.

use ironiam_policy::{Policy, PolicyKind};
use ironiam_protocol::model::Value;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{
    FULL_AWS_ACCESS_ID, FeatureSet, OrgNode, OrgPolicy, Organization, SERVICE_CONTROL_POLICY,
};
use ironiam_store::{StoreError, StoreExt, Transaction};
use serde_json::{Value as Json, json};

use super::error::{
    OrgResult, constraint, fault, invalid, malformed_policy, policy_in_use, policy_not_found,
    policy_type_not_available, policy_type_not_enabled, target_not_found,
};
use super::output::{self, listing, paginate};
use super::structure::{scps_enabled, the_root};
use super::{managed_org, required, tags};
use crate::http::error::ApiError;
use crate::iam::OpCtx;

/// SCPs in one organization.
const MAX_POLICIES: usize = 1000;
/// SCPs attached to one root, OU or account.
const MAX_ATTACHED: usize = 5;

/// The document of AWS's `FullAWSAccess` SCP.
const FULL_AWS_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#;

/// `FullAWSAccess`, as every organization has it.
pub(super) fn full_aws_access(organization_id: &str) -> OrgPolicy {
    OrgPolicy {
        id: FULL_AWS_ACCESS_ID.to_owned(),
        organization_id: organization_id.to_owned(),
        arn: aws_policy_arn(SERVICE_CONTROL_POLICY, FULL_AWS_ACCESS_ID),
        name: "FullAWSAccess".to_owned(),
        description: "Allows access to every operation".to_owned(),
        policy_type: SERVICE_CONTROL_POLICY.to_owned(),
        aws_managed: true,
        content: FULL_AWS_ACCESS.to_owned(),
        tags: Vec::new(),
    }
}

/// `arn:aws:organizations::aws:policy/<type>/<id>`: an AWS managed policy.
fn aws_policy_arn(policy_type: &str, id: &str) -> String {
    format!(
        "arn:aws:organizations::aws:policy/{}/{id}",
        policy_type.to_ascii_lowercase()
    )
}

/// `arn:aws:organizations::<management>:policy/o-…/<type>/<id>`.
pub(super) fn policy_arn(org: &Organization, policy_type: &str, id: &str) -> String {
    format!(
        "arn:aws:organizations::{}:policy/{}/{}/{id}",
        org.management_account_id,
        org.id,
        policy_type.to_ascii_lowercase()
    )
}

/// Attaches `FullAWSAccess` to a new or existing target while SCPs are enabled: what
/// AWS does for the root, OUs and accounts when SCPs are enabled, and for every OU
/// and account created or joined afterwards.
pub(super) fn attach_full_aws_access(
    tx: &mut dyn Transaction,
    org: &Organization,
    target: &str,
) -> OrgResult<()> {
    if scps_enabled(tx, org)? {
        tx.attach_org_policy(&org.id, FULL_AWS_ACCESS_ID, target)?;
    }
    Ok(())
}

/// Checks a document is a valid SCP.
fn validate(name: &str, content: &str) -> OrgResult<()> {
    Policy::new(name, content, PolicyKind::ServiceControl)
        .map(|_| ())
        .map_err(|err| malformed_policy(&err))
}

fn get_policy(tx: &mut dyn Transaction, org: &Organization, id: &str) -> OrgResult<OrgPolicy> {
    match tx.get_org_policy(&org.id, id) {
        Ok(policy) => Ok(policy),
        Err(StoreError::NotFound { .. }) => Err(policy_not_found()),
        Err(err) => Err(err.into()),
    }
}

fn immutable() -> super::error::OrgError {
    invalid(
        "IMMUTABLE_POLICY",
        "You specified a policy that is managed by AWS and can't be modified.",
    )
}

/// Whether `target` is a root, OU or account of `org`.
fn target_exists(tx: &mut dyn Transaction, org: &Organization, target: &str) -> OrgResult<bool> {
    let found = match OrgNode::of(target) {
        Some(OrgNode::Root) => tx.get_org_root(&org.id, target).map(|_| ()),
        Some(OrgNode::Unit) => tx.get_org_unit(&org.id, target).map(|_| ()),
        Some(OrgNode::Account) => match tx.get_org_account(target) {
            Ok(a) if a.organization_id == org.id => Ok(()),
            Ok(_) => return Ok(false),
            Err(err) => Err(err),
        },
        None => return Ok(false),
    };
    match found {
        Ok(()) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub(super) fn create(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let name = required(input, "Name")?;
    let content = required(input, "Content")?;
    let description = input.str_member("Description").unwrap_or_default();
    let policy_type = required(input, "Type")?;
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        if org.feature_set != FeatureSet::All || policy_type != SERVICE_CONTROL_POLICY {
            return Err(policy_type_not_available(
                policy_type,
                org.feature_set == FeatureSet::All,
            ));
        }
        validate(name, content)?;
        if tx.list_org_policies(&org.id, policy_type)?.len() >= MAX_POLICIES {
            return Err(constraint(
                "POLICY_NUMBER_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies that you can have in an organization.",
            ));
        }
        let id = id::org_policy_id(&mut OsRandom).map_err(ApiError::internal)?;
        let policy = OrgPolicy {
            arn: policy_arn(&org, policy_type, &id),
            id,
            organization_id: org.id.clone(),
            name: name.to_owned(),
            description: description.to_owned(),
            policy_type: policy_type.to_owned(),
            aws_managed: false,
            content: content.to_owned(),
            tags: tags(input),
        };
        tx.insert_org_policy(&policy)?;
        Ok(json!({ "Policy": output::policy(&policy) }))
    })
}

pub(super) fn update(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "PolicyId")?;
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let mut policy = get_policy(tx, &org, id)?;
        if policy.aws_managed {
            return Err(immutable());
        }
        if let Some(name) = input.str_member("Name") {
            policy.name = name.to_owned();
        }
        if let Some(description) = input.str_member("Description") {
            policy.description = description.to_owned();
        }
        if let Some(content) = input.str_member("Content") {
            validate(&policy.name, content)?;
            policy.content = content.to_owned();
        }
        tx.update_org_policy(&policy)?;
        Ok(json!({ "Policy": output::policy(&policy) }))
    })
}

pub(super) fn describe(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "PolicyId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let policy = get_policy(tx, &org, id)?;
        Ok(json!({ "Policy": output::policy(&policy) }))
    })
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let filter = required(input, "Filter")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let policies = tx.list_org_policies(&org.id, filter)?;
        let (page, token) = paginate(policies, input, |p| p.name.as_str())?;
        let items = page.iter().map(output::policy_summary).collect();
        Ok(listing("Policies", items, token))
    })
}

pub(super) fn delete(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "PolicyId")?;
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let policy = get_policy(tx, &org, id)?;
        if policy.aws_managed {
            return Err(immutable());
        }
        if !tx.list_org_policy_targets(&org.id, id)?.is_empty() {
            return Err(policy_in_use());
        }
        tx.delete_org_policy(&org.id, id)?;
        Ok(json!({}))
    })
}

/// The policy and target of AttachPolicy and DetachPolicy, both checked to exist.
fn policy_and_target(
    tx: &mut dyn Transaction,
    org: &Organization,
    input: &Value,
) -> OrgResult<(OrgPolicy, String)> {
    let policy = get_policy(tx, org, required(input, "PolicyId")?)?;
    let target = required(input, "TargetId")?;
    if !target_exists(tx, org, target)? {
        return Err(target_not_found());
    }
    Ok((policy, target.to_owned()))
}

pub(super) fn attach(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let (policy, target) = policy_and_target(tx, &org, input)?;
        if !the_root(tx, &org)?
            .enabled_policy_types
            .contains(&policy.policy_type)
        {
            return Err(policy_type_not_enabled());
        }
        let attached = tx.list_org_policies_for_target(&org.id, &target, &policy.policy_type)?;
        if attached.iter().any(|p| p.id == policy.id) {
            return Err(fault(
                "DuplicatePolicyAttachmentException",
                "The selected policy is already attached to the specified target.",
            ));
        }
        if attached.len() >= MAX_ATTACHED {
            return Err(constraint(
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.",
            ));
        }
        tx.attach_org_policy(&org.id, &policy.id, &target)?;
        Ok(json!({}))
    })
}

pub(super) fn detach(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let (policy, target) = policy_and_target(tx, &org, input)?;
        let attached = tx.list_org_policies_for_target(&org.id, &target, &policy.policy_type)?;
        if !attached.iter().any(|p| p.id == policy.id) {
            return Err(fault(
                "PolicyNotAttachedException",
                "The policy isn't attached to the specified target in the specified root.",
            ));
        }
        // Every root, OU and account keeps at least one SCP: without one, nothing
        // below it would be allowed at all.
        if attached.len() <= 1 {
            return Err(constraint(
                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.",
            ));
        }
        tx.detach_org_policy(&org.id, &policy.id, &target)?;
        Ok(json!({}))
    })
}

pub(super) fn list_for_target(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let target = required(input, "TargetId")?;
    let filter = required(input, "Filter")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        if !target_exists(tx, &org, target)? {
            return Err(target_not_found());
        }
        let policies = tx.list_org_policies_for_target(&org.id, target, filter)?;
        let (page, token) = paginate(policies, input, |p| p.name.as_str())?;
        let items = page.iter().map(output::policy_summary).collect();
        Ok(listing("Policies", items, token))
    })
}

pub(super) fn list_targets(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "PolicyId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        get_policy(tx, &org, id)?;
        let targets = tx.list_org_policy_targets(&org.id, id)?;
        let (page, token) = paginate(targets, input, String::as_str)?;
        let mut items = Vec::with_capacity(page.len());
        for target in &page {
            let (kind, arn_kind, name) = match OrgNode::of(target) {
                Some(OrgNode::Root) => ("ROOT", "root", tx.get_org_root(&org.id, target)?.name),
                Some(OrgNode::Unit) => (
                    "ORGANIZATIONAL_UNIT",
                    "ou",
                    tx.get_org_unit(&org.id, target)?.name,
                ),
                _ => ("ACCOUNT", "account", tx.get_org_account(target)?.name),
            };
            items.push(json!({
                "TargetId": target,
                "Arn": org.entity_arn(arn_kind, target),
                "Name": name,
                "Type": kind,
            }));
        }
        Ok(listing("Targets", items, token))
    })
}
