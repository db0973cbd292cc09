//! GetAccountSummary: the account's usage counts and IAM's quotas, one entry
//! per key of botocore's `summaryKeyType`.
//!
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html>

use ironiam_protocol::model::Value;
use ironiam_protocol::xml::XmlWriter;
use ironiam_store::record::KeyOwner;
use ironiam_store::{ListOptions, StoreExt};

use super::OpCtx;
use crate::bootstrap::AWS_POLICY_PREFIX;
use crate::http::error::ApiError;

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

/// GetAccountSummary. `MFADevices` counts every virtual MFA device, assigned
/// or not; `MFADevicesInUse` those assigned to a user or the root user;
/// `AccountMFAEnabled` is 1 when the root user has a device (AWS's example
/// response shows 6 devices, 3 in use). ironiam has no signing certificates,
/// instance profiles, identity providers or server certificates, so those
/// counts are honestly 0.
pub(super) fn get(ctx: &mut OpCtx<'_>, _: &Value, w: &mut XmlWriter) -> Result<(), ApiError> {
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
        let mfa = tx.mfa_device_counts(&account)?;
        let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
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
            ("AccountMFAEnabled", usize::from(mfa.root > 0)),
            ("MFADevices", count(mfa.total)),
            ("MFADevicesInUse", count(mfa.assigned)),
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
