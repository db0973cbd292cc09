//! Settings for `ironiam serve`, from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The default listen address; 4626 spells "IAM" nowhere, it is just free.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4626";
/// The default data directory.
pub const DEFAULT_DATA_DIR: &str = "./ironiam-data";
/// The default request body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// `ironiam serve` arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "IRONIAM_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Directory for the database, master key, credentials and audit log.
    #[arg(long, env = "IRONIAM_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// The 12-digit account ID to create on first start (random otherwise).
    #[arg(long, env = "IRONIAM_ACCOUNT_ID")]
    pub account_id: Option<String>,
    /// The root access key ID to create on first start.
    #[arg(
        long,
        env = "IRONIAM_ROOT_ACCESS_KEY_ID",
        requires = "root_secret_access_key"
    )]
    pub root_access_key_id: Option<String>,
    /// The root secret access key to create on first start. Prefer the environment
    /// variable: a value on the command line shows in `ps` to every local user.
    #[arg(
        long,
        env = "IRONIAM_ROOT_SECRET_ACCESS_KEY",
        requires = "root_access_key_id",
        hide_env_values = true
    )]
    pub root_secret_access_key: Option<String>,
    /// Keep everything in memory and enable `POST /_ironiam/reset` (for a request
    /// signed by root, or carrying the header `X-Ironiam-Reset: 1`; never cross-site).
    #[arg(long)]
    pub ephemeral: bool,
    /// Where to write the audit log: a file, or `-` for stdout. Default:
    /// `<data-dir>/audit.jsonl`, or none with `--ephemeral`.
    #[arg(long, env = "IRONIAM_AUDIT_LOG")]
    pub audit_log: Option<PathBuf>,
    /// Largest accepted request body in bytes.
    #[arg(long, default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,
    /// A directory of extra AWS managed policies (`*.json`, in the shape of
    /// `data/aws-managed-policies/`), loaded next to the bundled ones.
    #[arg(long, env = "IRONIAM_MANAGED_POLICIES_DIR")]
    pub managed_policies_dir: Option<PathBuf>,
    /// The root user's console password (at least 8 characters), set at every start.
    /// Without it the root user cannot sign in to the console. Prefer the environment
    /// variable: a value on the command line shows in `ps` to every local user.
    #[arg(long, env = "IRONIAM_ROOT_PASSWORD", hide_env_values = true)]
    pub root_password: Option<String>,
    /// Seconds a request may take to send its headers (from its first byte; from the
    /// connection's opening for the first request).
    #[arg(long, env = "IRONIAM_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a request may take to send its body once its headers are in; a slower
    /// body gets 408 RequestTimeout and the connection is closed.
    #[arg(long, env = "IRONIAM_BODY_TIMEOUT", default_value_t = 30)]
    pub body_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, env = "IRONIAM_IDLE_TIMEOUT", default_value_t = 60)]
    pub idle_timeout: u64,
    /// Connections served at once; beyond it a new connection gets 503
    /// ServiceUnavailable with `Retry-After` and is closed. Kept below the open-files
    /// limit (`ulimit -n`).
    #[arg(long, env = "IRONIAM_MAX_CONNECTIONS", default_value_t = crate::http::conn::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Serve `GET /metrics` on this address only, and not on `--listen`. Default: on
    /// `--listen`, whose default is loopback; the counts carry no secret but do show
    /// which actions are called.
    #[arg(long, env = "IRONIAM_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Password hashes (Argon2id, 19 MiB each) computed at once; further sign-ins wait
    /// up to 2 s, then get 503 "try again". 0: the number of cores.
    #[arg(long, env = "IRONIAM_ARGON2_PERMITS", default_value_t = 0)]
    pub argon2_permits: usize,
}

/// Where audit records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditTarget {
    /// Discarded.
    None,
    /// Standard output.
    Stdout,
    /// Appended to a file.
    File(PathBuf),
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Data directory (unused for the database in ephemeral mode).
    pub data_dir: PathBuf,
    /// Account ID for the first start.
    pub account_id: Option<String>,
    /// Root credentials for the first start.
    pub root_key: Option<(String, String)>,
    /// In-memory store and reset endpoint.
    pub ephemeral: bool,
    /// Audit log target.
    pub audit: AuditTarget,
    /// Body limit in bytes.
    pub body_limit: usize,
    /// Extra AWS managed policies to load.
    pub managed_policies_dir: Option<PathBuf>,
    /// The root user's console password.
    pub root_password: Option<String>,
    /// Argon2 evaluations allowed at once (0: the number of cores).
    pub argon_permits: usize,
    /// How long a password check waits for a permit before a 503 "try again".
    pub argon_wait: std::time::Duration,
    /// Connection timeouts and cap.
    pub limits: crate::http::conn::Limits,
    /// Where `/metrics` is served instead of the main address.
    pub metrics_listen: Option<SocketAddr>,
}

/// The flags whose values are secrets, with the environment variable to use instead.
pub const SECRET_FLAGS: &[(&str, &str)] = &[
    ("--root-password", "IRONIAM_ROOT_PASSWORD"),
    ("--root-secret-access-key", "IRONIAM_ROOT_SECRET_ACCESS_KEY"),
];

/// The secret flags given on this command line (`args` without the program name),
/// each with its environment variable: a process's arguments are readable by every
/// local user (`ps`, `/proc/PID/cmdline`).
pub fn secrets_on_command_line<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
) -> Vec<(&'static str, &'static str)> {
    SECRET_FLAGS
        .iter()
        .filter(|(flag, _)| {
            args.iter().any(|arg| {
                let arg = arg.as_ref().to_string_lossy();
                arg == *flag || arg.starts_with(&format!("{flag}="))
            })
        })
        .copied()
        .collect()
}

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The account ID is not 12 digits.
    #[error("account id `{0}` must be 12 digits")]
    AccountId(String),
    /// The access key ID does not look like one.
    #[error("root access key id must be 16 to 128 uppercase letters or digits")]
    AccessKeyId,
    /// The secret is empty.
    #[error("root secret access key must not be empty")]
    Secret,
    /// The root console password is too short.
    #[error("root password must be at least 8 characters")]
    RootPassword,
}

impl Config {
    /// Checks and resolves the arguments.
    ///
    /// # Errors
    /// For a malformed account ID or root key.
    pub fn from_args(args: ServeArgs) -> Result<Self, ConfigError> {
        if let Some(id) = &args.account_id
            && (id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ConfigError::AccountId(id.clone()));
        }
        let root_key = match (args.root_access_key_id, args.root_secret_access_key) {
            (Some(id), Some(secret)) => {
                if !(16..=128).contains(&id.len())
                    || !id
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                {
                    return Err(ConfigError::AccessKeyId);
                }
                if secret.is_empty() {
                    return Err(ConfigError::Secret);
                }
                Some((id, secret))
            }
            _ => None,
        };
        if args
            .root_password
            .as_ref()
            .is_some_and(|p| p.chars().count() < 8)
        {
            return Err(ConfigError::RootPassword);
        }
        let audit = match args.audit_log {
            Some(path) if path.as_os_str() == "-" => AuditTarget::Stdout,
            Some(path) => AuditTarget::File(path),
            None if args.ephemeral => AuditTarget::None,
            None => AuditTarget::File(args.data_dir.join("audit.jsonl")),
        };
        Ok(Self {
            listen: args.listen,
            data_dir: args.data_dir,
            account_id: args.account_id,
            root_key,
            ephemeral: args.ephemeral,
            audit,
            body_limit: args.body_limit,
            managed_policies_dir: args.managed_policies_dir,
            root_password: args.root_password,
            argon_permits: args.argon2_permits,
            argon_wait: crate::argon::DEFAULT_WAIT,
            limits: crate::http::conn::Limits {
                header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
                body_timeout: std::time::Duration::from_secs(args.body_timeout.max(1)),
                idle_timeout: std::time::Duration::from_secs(args.idle_timeout.max(1)),
                max_connections: args.max_connections.max(1),
            },
            metrics_listen: args.metrics_listen,
        })
    }

    /// An ephemeral configuration for tests: fixed account and root key.
    pub fn ephemeral_for_tests(account_id: &str, key_id: &str, secret: &str) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: PathBuf::from("."),
            account_id: Some(account_id.to_owned()),
            root_key: Some((key_id.to_owned(), secret.to_owned())),
            ephemeral: true,
            audit: AuditTarget::None,
            body_limit: DEFAULT_BODY_LIMIT,
            managed_policies_dir: None,
            root_password: None,
            argon_permits: 0,
            argon_wait: crate::argon::DEFAULT_WAIT,
            limits: crate::http::conn::Limits::default(),
            metrics_listen: None,
        }
    }
}
