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
    /// A user-supplied managed policy file (`--managed-policies-dir`) is
    /// unreadable or malformed.
    #[error("managed policy file `{path}`: {message}")]
    PolicyFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The credentials file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// A user-supplied AWS managed policy: the file it came from and its text.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// The file, for error messages.
    pub path: std::path::PathBuf,
    /// Its contents, in the shape of `data/aws-managed-policies/*.json`.
    pub text: String,
}

/// Reads and checks every `*.json` file in `dir` (sorted by name): each must
/// be a managed policy record in the bundled files' shape whose `Arn` is an
/// AWS managed policy ARN and whose `Document` is a valid managed policy.
///
/// # Errors
/// Naming the first file that cannot be read or is malformed.
pub fn load_policy_dir(dir: &Path) -> Result<Vec<PolicyFile>, BootstrapError> {
    let io = |path: &Path, err: std::io::Error| BootstrapError::PolicyFile {
        path: path.to_path_buf(),
        message: err.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.extension().is_some_and(|ext| ext == "json") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        let file = PolicyFile { path, text };
        parse_policy(&file.text, "000000000000", &mut OsRandom)
            .map_err(|err| file_error(&file, err))?;
        files.push(file);
    }
    Ok(files)
}

/// Creates the account, root key and AWS managed policies if the store is
/// empty; otherwise reads who the server is. `extra` are user-supplied AWS
/// managed policies: installed with the bundled ones on first start (one
/// with a bundled policy's ARN replaces it), and on later starts added to
/// the account when no policy has their ARN yet.
///
/// # Errors
/// On store failures or malformed bundled data.
pub fn ensure(
    store: &dyn Store,
    master_key: &MasterKey,
    account_id: Option<&str>,
    root_key: Option<(&str, &str)>,
    extra: &[PolicyFile],
    now: i64,
) -> Result<Identity, BootstrapError> {
    let existing = store.read(|tx| -> Result<_, StoreError> {
        let Some(account_id) = server_account(tx)? else {
            return Ok(None);
        };
        let key = tx.list_access_keys(&account_id, &KeyOwner::Root)?;
        Ok(Some((account_id, key.into_iter().next().map(|k| k.id))))
    })?;
    if let Some((account_id, Some(key_id))) = existing {
        if !extra.is_empty() {
            // Every account (the organization's members too) gets the new policies.
            let accounts = store.read(|tx| tx.list_accounts())?;
            for account in accounts {
                let policies = user_policies(&account.id, extra)?;
                store.write(|tx| -> Result<(), StoreError> {
                    for (policy, version) in &policies {
                        match tx.get_policy(&account.id, &policy.arn) {
                            Ok(_) => {}
                            Err(StoreError::NotFound { .. }) => {
                                tx.insert_policy(policy)?;
                                tx.insert_policy_version(version)?;
                            }
                            Err(err) => return Err(err),
                        }
                    }
                    Ok(())
                })?;
            }
        }
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
    let policies = aws_managed_policies(&account_id, extra)?;
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

/// The account the server was first started for: with an organization, its
/// management account (member accounts are created later and never own one, and
/// only a standalone account can create an organization); otherwise the only account.
fn server_account(tx: &mut dyn Transaction) -> Result<Option<String>, StoreError> {
    if let Some(organization) = tx.list_organizations()?.into_iter().next() {
        return Ok(Some(organization.management_account_id));
    }
    Ok(tx.list_accounts()?.into_iter().next().map(|a| a.id))
}

/// Installs the bundled AWS managed policies and the user-supplied ones (`extra`)
/// in a new account, as first start does for the server's own account.
///
/// # Errors
/// On store failures or malformed bundled data.
pub fn install_aws_managed_policies(
    tx: &mut dyn Transaction,
    account_id: &str,
    extra: &[PolicyFile],
) -> Result<(), BootstrapError> {
    let policies = aws_managed_policies(account_id, extra)?;
    install_policies(tx, &policies)?;
    Ok(())
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

/// The bundled AWS managed policies and the user-supplied ones as store
/// records in `account_id`; a user-supplied policy replaces a bundled one
/// with the same ARN.
///
/// AWS managed policies are global in AWS; ironiam keeps one copy per
/// account so attachments can refer to them. Their ARNs stay
/// `arn:aws:iam::aws:policy/...`.
fn aws_managed_policies(
    account_id: &str,
    extra: &[PolicyFile],
) -> Result<Vec<(ManagedPolicy, PolicyVersion)>, BootstrapError> {
    let mut rng = OsRandom;
    let mut out = Vec::new();
    for text in AWS_MANAGED {
        out.push(parse_policy(text, account_id, &mut rng)?);
    }
    for (policy, version) in user_policies(account_id, extra)? {
        out.retain(|(bundled, _)| bundled.arn != policy.arn);
        out.push((policy, version));
    }
    Ok(out)
}

/// The user-supplied policies as store records in `account_id`.
fn user_policies(
    account_id: &str,
    extra: &[PolicyFile],
) -> Result<Vec<(ManagedPolicy, PolicyVersion)>, BootstrapError> {
    let mut rng = OsRandom;
    extra
        .iter()
        .map(|file| {
            parse_policy(&file.text, account_id, &mut rng).map_err(|err| file_error(file, err))
        })
        .collect()
}

/// `err`, about `file`.
fn file_error(file: &PolicyFile, err: BootstrapError) -> BootstrapError {
    BootstrapError::PolicyFile {
        path: file.path.clone(),
        message: match err {
            BootstrapError::ManagedPolicy(message) => message,
            other => other.to_string(),
        },
    }
}

/// One managed policy file as store records in `account_id`.
fn parse_policy(
    text: &str,
    account_id: &str,
    rng: &mut OsRandom,
) -> Result<(ManagedPolicy, PolicyVersion), BootstrapError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| BootstrapError::ManagedPolicy(e.to_string()))?;
    let field = |name: &str| {
        value
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| BootstrapError::ManagedPolicy(format!("missing `{name}`")))
    };
    let name = field("PolicyName")?;
    let path = field("Path")?;
    let arn = field("Arn")?;
    let expected = format!("arn:aws:iam::aws:policy{path}{name}");
    if !path.starts_with('/') || !path.ends_with('/') || arn != expected {
        return Err(BootstrapError::ManagedPolicy(format!(
            "`Arn` must be `{expected}` (`{AWS_POLICY_PREFIX}`, `Path` without its leading `/`, `PolicyName`), got `{arn}`"
        )));
    }
    let id = id::unique_id(id::POLICY_PREFIX, rng).map_err(StoreError::from)?;
    let version_text = field("DefaultVersionId")?;
    let version = ironiam_store::record::parse_version_id(&version_text).ok_or_else(|| {
        BootstrapError::ManagedPolicy(format!("bad `DefaultVersionId` `{version_text}`"))
    })?;
    let create = parse_iso8601(&field("CreateDate")?).unwrap_or(0);
    let update = parse_iso8601(&field("UpdateDate")?).unwrap_or(create);
    let document = value
        .get("Document")
        .filter(|d| d.is_object())
        .map(|d| serde_json::to_string_pretty(d).unwrap_or_default())
        .ok_or_else(|| BootstrapError::ManagedPolicy("missing `Document` object".to_owned()))?;
    ironiam_policy::Policy::new(&arn, &document, ironiam_policy::PolicyKind::Managed)
        .map_err(|err| BootstrapError::ManagedPolicy(format!("invalid `Document`: {err}")))?;
    let policy = ManagedPolicy {
        id: id.clone(),
        account_id: account_id.to_owned(),
        name,
        path,
        arn,
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
    Ok((policy, version))
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
