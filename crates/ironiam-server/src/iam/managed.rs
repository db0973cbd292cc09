//! Managed policies and their versions, and attaching them to users,
//! groups and roles.

use ironiam_policy::{Policy, PolicyKind};
use ironiam_protocol::encoding::uri_encode;
use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{
    ManagedPolicy, PolicyVersion, PrincipalKind, Timestamp, arn, parse_version_id,
};
use ironiam_store::{ListOptions, StoreError, StoreExt};

use super::OpCtx;
use super::output::{bool_text, list_options, paginate, required, tags, truncation, write_policy};
use crate::bootstrap::AWS_POLICY_PREFIX;
use crate::http::error::ApiError;
use crate::time::iso8601;

/// IAM's quota of versions per managed policy.
const MAX_VERSIONS: usize = 5;

/// Validates a document as IAM does for `kind`.
pub(super) fn validate(document: &str, kind: PolicyKind) -> Result<(), ApiError> {
    match Policy::new("request", document, kind) {
        Ok(_) => Ok(()),
        Err(err) if err.code.as_str() == "LimitExceeded" => {
            Err(ApiError::LimitExceeded(err.message.clone()))
        }
        Err(err) => Err(ApiError::MalformedPolicyDocument(err.to_string())),
    }
}

fn version_not_found(arn: &str, version: &str) -> ApiError {
    ApiError::NoSuchEntity(format!(
        "Policy {arn} version {version} does not exist or is not attachable."
    ))
}

pub(super) fn create(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let name = required(input, "PolicyName")?;
    let document = required(input, "PolicyDocument")?;
    let path = input.str_member("Path").unwrap_or("/");
    validate(document, PolicyKind::Managed)?;
    let account = ctx.account().to_owned();
    let policy_id = id::unique_id(id::POLICY_PREFIX, &mut OsRandom).map_err(ApiError::internal)?;
    let now = Timestamp::from_secs(ctx.now);
    let policy = ManagedPolicy {
        id: policy_id.clone(),
        account_id: account.clone(),
        name: name.to_owned(),
        path: path.to_owned(),
        arn: arn(&account, "policy", path, name),
        description: input.str_member("Description").map(str::to_owned),
        default_version: 1,
        latest_version: 1,
        attachment_count: 0,
        permissions_boundary_usage_count: 0,
        is_attachable: true,
        create_date: now,
        update_date: now,
        tags: tags(input),
    };
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        tx.insert_policy(&policy).map_err(|err| match err {
            StoreError::AlreadyExists { .. } => ApiError::EntityAlreadyExists(format!(
                "A policy called {name} already exists. Duplicate names are not allowed."
            )),
            other => other.into(),
        })?;
        tx.insert_policy_version(&PolicyVersion {
            policy_id: policy_id.clone(),
            version: 1,
            document: document.to_owned(),
            create_date: now,
        })?;
        Ok(())
    })?;
    w.start("Policy");
    write_policy(w, &policy);
    w.end();
    Ok(())
}

pub(super) fn get(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let account = ctx.account().to_owned();
    let policy = ctx
        .state
        .store
        .read(|tx| tx.get_policy(&account, policy_arn))?;
    w.start("Policy");
    write_policy(w, &policy);
    w.end();
    Ok(())
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let options = list_options(input);
    let scope = input.str_member("Scope").unwrap_or("All");
    let only_attached = input
        .get("OnlyAttached")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let account = ctx.account().to_owned();
    let all = ListOptions {
        path_prefix: options.path_prefix,
        ..ListOptions::all()
    };
    let policies = ctx
        .state
        .store
        .read(|tx| tx.list_policies(&account, &all, only_attached))?;
    let policies: Vec<ManagedPolicy> = policies
        .items
        .into_iter()
        .filter(|p| {
            let aws = p.arn.starts_with(AWS_POLICY_PREFIX);
            match scope {
                "AWS" => aws,
                "Local" => !aws,
                _ => true,
            }
        })
        .collect();
    let page = paginate(policies, &options, |p| &p.name);
    w.members("Policies", &page.items, write_policy);
    truncation(w, &page, |p| &p.name);
    Ok(())
}

pub(super) fn local_policy(
    tx: &mut dyn ironiam_store::Transaction,
    account: &str,
    policy_arn: &str,
) -> Result<ManagedPolicy, ApiError> {
    if policy_arn.starts_with(AWS_POLICY_PREFIX) {
        return Err(ApiError::InvalidInput(format!(
            "Policy {policy_arn} is an AWS managed policy and cannot be changed."
        )));
    }
    Ok(tx.get_policy(account, policy_arn)?)
}

pub(super) fn delete(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let policy = local_policy(tx, &account, policy_arn)?;
        if policy.attachment_count > 0 || policy.permissions_boundary_usage_count > 0 {
            return Err(ApiError::DeleteConflict(
                "Cannot delete a policy attached to entities.".to_owned(),
            ));
        }
        if tx.list_policy_versions(&policy.id)?.len() > 1 {
            return Err(ApiError::DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.".to_owned(),
            ));
        }
        tx.delete_policy(&account, policy_arn)?;
        Ok(())
    })
}

fn write_version(
    w: &mut XmlWriter,
    version: &PolicyVersion,
    policy: &ManagedPolicy,
    document: bool,
) {
    if document {
        // IAM returns the document URL-encoded (RFC 3986).
        w.element("Document", &uri_encode(version.document.as_bytes(), false));
    }
    w.element("VersionId", &version.version_id())
        .element("IsDefaultVersion", bool_text(version.is_default(policy)))
        .element("CreateDate", &iso8601(version.create_date.as_secs()));
}

pub(super) fn get_version(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let version_id = required(input, "VersionId")?;
    let account = ctx.account().to_owned();
    let (policy, version) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let policy = tx.get_policy(&account, policy_arn)?;
        let number = parse_version_id(version_id)
            .ok_or_else(|| version_not_found(policy_arn, version_id))?;
        let version = tx
            .get_policy_version(&policy.id, number)
            .map_err(|_| version_not_found(policy_arn, version_id))?;
        Ok((policy, version))
    })?;
    w.start("PolicyVersion");
    write_version(w, &version, &policy, true);
    w.end();
    Ok(())
}

pub(super) fn create_version(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let document = required(input, "PolicyDocument")?;
    let set_default = input
        .get("SetAsDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    validate(document, PolicyKind::Managed)?;
    let account = ctx.account().to_owned();
    let now = Timestamp::from_secs(ctx.now);
    let (policy, version) = ctx.state.store.write(|tx| -> Result<_, ApiError> {
        let mut policy = local_policy(tx, &account, policy_arn)?;
        if tx.list_policy_versions(&policy.id)?.len() >= MAX_VERSIONS {
            return Err(ApiError::LimitExceeded(format!(
                "A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version."
            )));
        }
        let version = PolicyVersion {
            policy_id: policy.id.clone(),
            version: policy.latest_version + 1,
            document: document.to_owned(),
            create_date: now,
        };
        tx.insert_policy_version(&version)?;
        policy.latest_version = version.version;
        if set_default {
            policy.default_version = version.version;
        }
        policy.update_date = now;
        tx.update_policy(&policy)?;
        Ok((policy, version))
    })?;
    w.start("PolicyVersion");
    write_version(w, &version, &policy, false);
    w.end();
    Ok(())
}

pub(super) fn list_versions(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let account = ctx.account().to_owned();
    let (policy, versions) = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let policy = tx.get_policy(&account, policy_arn)?;
        let versions = tx.list_policy_versions(&policy.id)?;
        Ok((policy, versions))
    })?;
    w.members("Versions", &versions, |w, v| {
        write_version(w, v, &policy, false)
    });
    w.element("IsTruncated", bool_text(false));
    Ok(())
}

pub(super) fn set_default_version(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let version_id = required(input, "VersionId")?;
    let account = ctx.account().to_owned();
    let now = Timestamp::from_secs(ctx.now);
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut policy = local_policy(tx, &account, policy_arn)?;
        let number = parse_version_id(version_id)
            .ok_or_else(|| version_not_found(policy_arn, version_id))?;
        tx.get_policy_version(&policy.id, number)
            .map_err(|_| version_not_found(policy_arn, version_id))?;
        policy.default_version = number;
        policy.update_date = now;
        tx.update_policy(&policy)?;
        Ok(())
    })
}

pub(super) fn delete_version(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let policy_arn = required(input, "PolicyArn")?;
    let version_id = required(input, "VersionId")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let policy = local_policy(tx, &account, policy_arn)?;
        let number = parse_version_id(version_id)
            .ok_or_else(|| version_not_found(policy_arn, version_id))?;
        if number == policy.default_version {
            return Err(ApiError::DeleteConflict(
                "Cannot delete the default version of a policy.".to_owned(),
            ));
        }
        tx.delete_policy_version(&policy.id, number)
            .map_err(|_| version_not_found(policy_arn, version_id))?;
        Ok(())
    })
}

fn attach(ctx: &OpCtx<'_>, input: &Value, kind: PrincipalKind, on: bool) -> Result<(), ApiError> {
    let member = match kind {
        PrincipalKind::User => "UserName",
        PrincipalKind::Group => "GroupName",
        PrincipalKind::Role => "RoleName",
    };
    let name = required(input, member)?;
    let policy_arn = required(input, "PolicyArn")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        match kind {
            PrincipalKind::User => drop(tx.get_user(&account, name)?),
            PrincipalKind::Group => drop(tx.get_group(&account, name)?),
            PrincipalKind::Role => drop(tx.get_role(&account, name)?),
        }
        tx.get_policy(&account, policy_arn)?;
        if on {
            tx.attach_policy(&account, kind, name, policy_arn)?;
        } else if !tx.detach_policy(&account, kind, name, policy_arn)? {
            return Err(ApiError::NoSuchEntity(format!(
                "Policy {policy_arn} was not found."
            )));
        }
        Ok(())
    })
}

fn list_attached(
    ctx: &OpCtx<'_>,
    input: &Value,
    kind: PrincipalKind,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let member = match kind {
        PrincipalKind::User => "UserName",
        PrincipalKind::Group => "GroupName",
        PrincipalKind::Role => "RoleName",
    };
    let name = required(input, member)?;
    let options = list_options(input);
    let account = ctx.account().to_owned();
    let page = ctx
        .state
        .store
        .read(|tx| tx.list_attached_policies(&account, kind, name, &options))?;
    w.members("AttachedPolicies", &page.items, |w, p| {
        w.element("PolicyName", &p.policy_name)
            .element("PolicyArn", &p.policy_arn);
    });
    truncation(w, &page, |p| &p.policy_name);
    Ok(())
}

pub(super) fn attach_user(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    attach(c, i, PrincipalKind::User, true)
}
pub(super) fn detach_user(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    attach(c, i, PrincipalKind::User, false)
}
pub(super) fn attach_group(
    c: &mut OpCtx<'_>,
    i: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    attach(c, i, PrincipalKind::Group, true)
}
pub(super) fn detach_group(
    c: &mut OpCtx<'_>,
    i: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    attach(c, i, PrincipalKind::Group, false)
}
pub(super) fn list_attached_user(
    c: &mut OpCtx<'_>,
    i: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    list_attached(c, i, PrincipalKind::User, w)
}
pub(super) fn list_attached_group(
    c: &mut OpCtx<'_>,
    i: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    list_attached(c, i, PrincipalKind::Group, w)
}
pub(super) fn attach_role(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    attach(c, i, PrincipalKind::Role, true)
}
pub(super) fn detach_role(c: &mut OpCtx<'_>, i: &Value, _: &mut XmlWriter) -> Result<(), ApiError> {
    attach(c, i, PrincipalKind::Role, false)
}
pub(super) fn list_attached_role(
    c: &mut OpCtx<'_>,
    i: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    list_attached(c, i, PrincipalKind::Role, w)
}
