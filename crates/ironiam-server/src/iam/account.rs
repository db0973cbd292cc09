//! The account alias (CreateAccountAlias, ListAccountAliases,
//! DeleteAccountAlias) and GetAccountSummary.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html>
//! An account has at most one alias. CreateAccountAlias with a free name
//! replaces the current alias rather than failing, as AWS does (observed on a
//! live account, floci-io/floci#2103); a name already held, by this account
//! or another, is `EntityAlreadyExists`. The model's pattern and length
//! (3–63 lowercase letters, digits and single hyphens) are checked by the
//! protocol layer before the handler runs.

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::KeyOwner;
use ironiam_store::{ListOptions, StoreError, StoreExt};

use super::OpCtx;
use super::output::{bool_text, required};
use crate::bootstrap::AWS_POLICY_PREFIX;
use crate::http::error::ApiError;

/// AWS's wording (awslabs/aws-deployment-framework#465).
fn taken(alias: &str) -> ApiError {
    ApiError::EntityAlreadyExists(format!("The account alias {alias} already exists."))
}

pub(super) fn create_alias(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let alias = required(input, "AccountAlias")?;
    // "It cannot be a 12-digit number" (IAM name requirements), so that it
    // can never be mistaken for an account ID in a sign-in URL.
    if alias.len() == 12 && alias.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Validation(
            "The account alias cannot be a 12-digit number.".to_owned(),
        ));
    }
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut record = tx.get_account(&account)?;
        if record.alias.as_deref() == Some(alias) {
            return Err(taken(alias));
        }
        record.alias = Some(alias.to_owned());
        match tx.update_account(&record) {
            Err(StoreError::AlreadyExists { .. }) => Err(taken(alias)),
            other => Ok(other?),
        }
    })
}

pub(super) fn list_aliases(
    ctx: &mut OpCtx<'_>,
    _: &Value,
    w: &mut XmlWriter,
) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let record = ctx.state.store.read(|tx| tx.get_account(&account))?;
    w.string_members("AccountAliases", record.alias.as_deref());
    w.element("IsTruncated", bool_text(false));
    Ok(())
}

pub(super) fn delete_alias(
    ctx: &mut OpCtx<'_>,
    input: &Value,
    _: &mut XmlWriter,
) -> Result<(), ApiError> {
    let alias = required(input, "AccountAlias")?;
    let account = ctx.account().to_owned();
    ctx.state.store.write(|tx| -> Result<(), ApiError> {
        let mut record = tx.get_account(&account)?;
        if record.alias.as_deref() != Some(alias) {
            return Err(ApiError::NoSuchEntity(format!(
                "The account alias {alias} cannot be found."
            )));
        }
        record.alias = None;
        tx.update_account(&record)?;
        Ok(())
    })
}

/// IAM's default quotas, as GetAccountSummary reports them (IAM and AWS STS
/// quotas: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
const QUOTAS: &[(&str, usize)] = &[
    ("UsersQuota", 5000),
    ("GroupsQuota", 300),
    ("RolesQuota", 1000),
    ("PoliciesQuota", 1500),
    ("InstanceProfilesQuota", 1000),
    ("ServerCertificatesQuota", 20),
    ("AccessKeysPerUserQuota", 2),
    ("SigningCertificatesPerUserQuota", 2),
    ("GroupsPerUserQuota", 10),
    ("AttachedPoliciesPerUserQuota", 10),
    ("AttachedPoliciesPerGroupQuota", 10),
    ("AttachedPoliciesPerRoleQuota", 10),
    ("VersionsPerPolicyQuota", 5),
    ("PolicyVersionsInUseQuota", 10000),
    ("UserPolicySizeQuota", 2048),
    ("GroupPolicySizeQuota", 5120),
    ("RolePolicySizeQuota", 10240),
    ("PolicySizeQuota", 6144),
    ("AssumeRolePolicySizeQuota", 2048),
    ("GlobalEndpointTokenVersion", 1),
];

/// GetAccountSummary: usage counts and quotas. ironiam has no MFA devices,
/// signing certificates, instance profiles, identity providers or server
/// certificates yet, so those counts are honestly 0.
pub(super) fn summary(ctx: &mut OpCtx<'_>, _: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
    let account = ctx.account().to_owned();
    let all = ListOptions::all();
    let usage = ctx.state.store.read(|tx| -> Result<_, ApiError> {
        let record = tx.get_account(&account)?;
        let users = tx.list_users(&account, &all)?.items.len();
        let groups = tx.list_groups(&account, &all)?.items.len();
        let roles = tx.list_roles(&account, &all)?.items.len();
        let policies = tx.list_policies(&account, &all, false)?.items;
        let local = policies
            .iter()
            .filter(|p| !p.arn.starts_with(AWS_POLICY_PREFIX))
            .count();
        // Every attachment keeps one version (the default) in use.
        let in_use: usize = policies
            .iter()
            .map(|p| usize::try_from(p.attachment_count).unwrap_or(0))
            .sum();
        let root_keys = !tx.list_access_keys(&account, &KeyOwner::Root)?.is_empty();
        Ok([
            ("Users", users),
            ("Groups", groups),
            ("Roles", roles),
            ("Policies", local),
            ("PolicyVersionsInUse", in_use),
            ("AccountAccessKeysPresent", usize::from(root_keys)),
            (
                "AccountPasswordPresent",
                usize::from(record.root_password.is_some()),
            ),
            ("AccountMFAEnabled", 0),
            ("MFADevices", 0),
            ("MFADevicesInUse", 0),
            ("AccountSigningCertificatesPresent", 0),
            ("InstanceProfiles", 0),
            ("Providers", 0),
            ("ServerCertificates", 0),
        ])
    })?;
    // A Query-protocol map: `<entry><key>..</key><value>..</value></entry>`.
    w.start("SummaryMap");
    for (key, value) in usage.iter().chain(QUOTAS) {
        w.start("entry")
            .element("key", key)
            .element("value", &value.to_string())
            .end();
    }
    w.end();
    Ok(())
}
