//! First start: the account, its root access key, the AWS managed policies,
//! and the credentials file.
//!
//! The root secret is printed once on first start (and written to the
//! credentials file, mode 0600); it is never logged otherwise.

use std::io::Write as _;
use std::path::Path;

use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{
    AccessKey, AccessKeyStatus, Account, KeyOwner, ManagedPolicy, PolicyVersion, Timestamp,
};
use ironiam_store::secret::{MasterKey, SecretAccessKey};
use ironiam_store::{Store, StoreError, StoreExt, Transaction};

use crate::time::parse_iso8601;

/// The file the root credentials are written to, in the data directory.
pub const CREDENTIALS_FILE: &str = "credentials";

/// The AWS managed policies ironiam ships, as `GetPolicy`+document JSON.
const AWS_MANAGED: &[&str] = &[
    include_str!("../../../data/aws-managed-policies/AdministratorAccess.json"),
    include_str!("../../../data/aws-managed-policies/AmazonEC2FullAccess.json"),
    include_str!("../../../data/aws-managed-policies/AmazonS3FullAccess.json"),
    include_str!("../../../data/aws-managed-policies/AmazonS3ReadOnlyAccess.json"),
    include_str!("../../../data/aws-managed-policies/IAMFullAccess.json"),
    include_str!("../../../data/aws-managed-policies/IAMReadOnlyAccess.json"),
    include_str!("../../../data/aws-managed-policies/IAMSelfManageServiceSpecificCredentials.json"),
    include_str!("../../../data/aws-managed-policies/IAMUserChangePassword.json"),
    include_str!("../../../data/aws-managed-policies/IAMUserSSHKeys.json"),
    include_str!("../../../data/aws-managed-policies/PowerUserAccess.json"),
];

/// The prefix of every AWS managed policy ARN.
pub const AWS_POLICY_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// Who the server is: its account and root key.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The account ID.
    pub account_id: String,
    /// The root access key ID.
    pub root_access_key_id: String,
    /// The root secret, only when it was created by this call.
    pub new_secret: Option<SecretAccessKey>,
}

/// What can go wrong at first start.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A shipped AWS managed policy file is malformed.
    #[error("bundled AWS managed policy is malformed: {0}")]
    ManagedPolicy(String),
    /// The credentials file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Creates the account, root key and AWS managed policies if the store is
/// empty; otherwise reads who the server is.
///
/// # Errors
/// On store failures or malformed bundled data.
pub fn ensure(
    store: &dyn Store,
    master_key: &MasterKey,
    account_id: Option<&str>,
    root_key: Option<(&str, &str)>,
    now: i64,
) -> Result<Identity, BootstrapError> {
    let existing = store.read(|tx| -> Result<_, StoreError> {
        let Some(account) = tx.list_accounts()?.into_iter().next() else {
            return Ok(None);
        };
        let key = tx.list_access_keys(&account.id, &KeyOwner::Root)?;
        Ok(Some((account.id, key.into_iter().next().map(|k| k.id))))
    })?;
    if let Some((account_id, Some(key_id))) = existing {
        return Ok(Identity {
            account_id,
            root_access_key_id: key_id,
            new_secret: None,
        });
    }
    let mut rng = OsRandom;
    let account_id = match account_id {
        Some(id) => id.to_owned(),
        None => id::account_id(&mut rng).map_err(StoreError::from)?,
    };
    let (key_id, secret) = match root_key {
        Some((id, secret)) => (id.to_owned(), SecretAccessKey::new(secret.to_owned())),
        None => (
            id::access_key_id(&mut rng).map_err(StoreError::from)?,
            id::secret_access_key(&mut rng).map_err(StoreError::from)?,
        ),
    };
    let sealed = master_key
        .encrypt(&key_id, &secret, &mut rng)
        .map_err(StoreError::from)?;
    let policies = aws_managed_policies(&account_id)?;
    store.write(|tx| -> Result<(), BootstrapError> {
        tx.insert_account(&Account {
            id: account_id.clone(),
            alias: None,
            password_policy: None,
            root_password: None,
            create_date: Timestamp::from_secs(now),
        })?;
        tx.insert_access_key(&AccessKey {
            id: key_id.clone(),
            account_id: account_id.clone(),
            owner: KeyOwner::Root,
            secret: sealed.clone(),
            status: AccessKeyStatus::Active,
            create_date: Timestamp::from_secs(now),
            last_used: None,
        })?;
        install_policies(tx, &policies)?;
        Ok(())
    })?;
    Ok(Identity {
        account_id,
        root_access_key_id: key_id,
        new_secret: Some(secret),
    })
}

fn install_policies(
    tx: &mut dyn Transaction,
    policies: &[(ManagedPolicy, PolicyVersion)],
) -> Result<(), StoreError> {
    for (policy, version) in policies {
        tx.insert_policy(policy)?;
        tx.insert_policy_version(version)?;
    }
    Ok(())
}

/// The bundled AWS managed policies as store records in `account_id`.
///
/// AWS managed policies are global in AWS; ironiam keeps one copy per
/// account so attachments can refer to them. Their ARNs stay
/// `arn:aws:iam::aws:policy/...`.
fn aws_managed_policies(
    account_id: &str,
) -> Result<Vec<(ManagedPolicy, PolicyVersion)>, BootstrapError> {
    let mut rng = OsRandom;
    let mut out = Vec::new();
    for text in AWS_MANAGED {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BootstrapError::ManagedPolicy(e.to_string()))?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| BootstrapError::ManagedPolicy(format!("missing `{name}`")))
        };
        let id = id::unique_id(id::POLICY_PREFIX, &mut rng).map_err(StoreError::from)?;
        let version =
            ironiam_store::record::parse_version_id(&field("DefaultVersionId")?).unwrap_or(1);
        let create = parse_iso8601(&field("CreateDate")?).unwrap_or(0);
        let update = parse_iso8601(&field("UpdateDate")?).unwrap_or(create);
        let document = value
            .get("Document")
            .map(|d| serde_json::to_string_pretty(d).unwrap_or_default())
            .ok_or_else(|| BootstrapError::ManagedPolicy("missing `Document`".to_owned()))?;
        let policy = ManagedPolicy {
            id: id.clone(),
            account_id: account_id.to_owned(),
            name: field("PolicyName")?,
            path: field("Path")?,
            arn: field("Arn")?,
            description: field("Description").ok(),
            default_version: version,
            latest_version: version,
            attachment_count: 0,
            permissions_boundary_usage_count: 0,
            is_attachable: true,
            create_date: Timestamp::from_secs(create),
            update_date: Timestamp::from_secs(update),
            tags: Vec::new(),
        };
        let version = PolicyVersion {
            policy_id: id,
            version,
            document,
            create_date: Timestamp::from_secs(update),
        };
        out.push((policy, version));
    }
    Ok(out)
}

/// The lines to paste into a shell to use the server.
pub fn export_lines(endpoint: &str, key_id: &str, secret: &str) -> String {
    format!(
        "export AWS_ENDPOINT_URL={endpoint}\nexport AWS_ACCESS_KEY_ID={key_id}\nexport AWS_SECRET_ACCESS_KEY={secret}\nexport AWS_DEFAULT_REGION=us-east-1\n"
    )
}

/// Writes `data_dir/credentials` (mode 0600) as an AWS shared-credentials
/// profile named `ironiam`.
///
/// # Errors
/// On I/O failure.
pub fn write_credentials(
    data_dir: &Path,
    endpoint: &str,
    key_id: &str,
    secret: &str,
) -> Result<std::path::PathBuf, BootstrapError> {
    let path = data_dir.join(CREDENTIALS_FILE);
    let io = |source| BootstrapError::Io {
        path: path.clone(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(io)?;
    write!(
        file,
        "# ironiam root credentials. Use with AWS_SHARED_CREDENTIALS_FILE={} AWS_PROFILE=ironiam\n[ironiam]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = us-east-1\nendpoint_url = {endpoint}\n",
        path.display()
    )
    .map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(path)
}
