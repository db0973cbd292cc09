//! What every request shares.

use std::sync::Arc;

use ironiam_store::id::OsRandom;
use ironiam_store::secret::{self, MasterKey};
use ironiam_store::{SqliteStore, Store};

use crate::audit::AuditLog;
use crate::authz::{CallerCache, PolicyCache};
use crate::bootstrap::{self, BootstrapError, Identity, PolicyFile};
use crate::clock::Clock;
use crate::config::Config;
use crate::console::ConsoleState;
use crate::metrics::Metrics;

/// The shared state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

/// The shared state's contents.
#[derive(Debug)]
pub struct Inner {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The key that seals secret access keys.
    pub master_key: MasterKey,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The account this server serves.
    pub account_id: String,
    /// Ephemeral mode: reset is enabled.
    pub ephemeral: bool,
    /// Largest accepted body.
    pub body_limit: usize,
    /// The root credentials a reset recreates (ephemeral mode only).
    reset_root: Option<(String, String)>,
    /// User-supplied AWS managed policies, reinstalled by a reset.
    extra_policies: Vec<PolicyFile>,
    /// Request metrics.
    pub metrics: Metrics,
    /// The audit log.
    pub audit: AuditLog,
    /// Compiled policies.
    pub cache: PolicyCache,
    /// Callers' keys, principals and policies, per write generation.
    pub callers: CallerCache,
    /// The web console's sessions and sign-in throttling.
    pub console: ConsoleState,
    /// The bound on concurrent Argon2 evaluations.
    pub argon: crate::argon::ArgonGate,
}

impl Inner {
    /// The user-supplied AWS managed policies (`--managed-policies-dir`), which every
    /// new account gets with the bundled ones.
    pub fn extra_policies(&self) -> &[PolicyFile] {
        &self.extra_policies
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Opening the store or first-start setup failed.
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] ironiam_store::StoreError),
    /// The master key failed.
    #[error(transparent)]
    Secret(#[from] secret::SecretError),
    /// The audit log cannot be opened.
    #[error("cannot open audit log: {0}")]
    Audit(std::io::Error),
    /// The console's root password could not be installed.
    #[error("cannot set the root console password: {0}")]
    Console(crate::http::error::ApiError),
}

impl AppState {
    /// Opens the store for `config`, runs first-start setup and builds the
    /// state. Returns the identity, whose `new_secret` is set on first start.
    ///
    /// # Errors
    /// When the store, master key or audit log cannot be set up.
    pub fn open(config: &Config, clock: Arc<dyn Clock>) -> Result<(Self, Identity), StartError> {
        let extra_policies = match &config.managed_policies_dir {
            Some(dir) => bootstrap::load_policy_dir(dir)?,
            None => Vec::new(),
        };
        let mut rng = OsRandom;
        let (store, master_key): (Arc<dyn Store>, MasterKey) = if config.ephemeral {
            let key = match MasterKey::from_env(secret::KEY_ENV) {
                Ok(key) => key,
                Err(_) => MasterKey::generate(&mut rng)?,
            };
            (Arc::new(SqliteStore::open_in_memory()?), key)
        } else {
            // Owner-only data directory; say so when an existing one was looser.
            match ironiam_store::sqlite::private::secure_data_dir(&config.data_dir) {
                Ok(tightened) => {
                    for path in tightened {
                        tracing::warn!(path = %path.display(), "was readable by other users; made owner-only (0700 directory, 0600 files)");
                    }
                }
                Err(source) => {
                    return Err(ironiam_store::StoreError::Io {
                        path: config.data_dir.clone(),
                        source,
                    }
                    .into());
                }
            }
            let store = SqliteStore::open(&config.data_dir)?;
            let key = match MasterKey::from_env(secret::KEY_ENV) {
                Ok(key) => key,
                Err(secret::SecretError::EnvMissing(_)) => {
                    MasterKey::load_or_create(&config.data_dir, &mut rng)?
                }
                Err(err) => return Err(err.into()),
            };
            (Arc::new(store), key)
        };
        let root = config
            .root_key
            .as_ref()
            .map(|(id, secret)| (id.as_str(), secret.as_str()));
        let identity = bootstrap::ensure(
            store.as_ref(),
            &master_key,
            config.account_id.as_deref(),
            root,
            &extra_policies,
            clock.now().as_secs(),
        )?;
        let reset_root = if config.ephemeral {
            match (&config.root_key, &identity.new_secret) {
                (Some(pair), _) => Some(pair.clone()),
                (None, Some(secret)) => Some((
                    identity.root_access_key_id.clone(),
                    secret.expose().to_owned(),
                )),
                (None, None) => None,
            }
        } else {
            None
        };
        let audit = AuditLog::open(&config.audit).map_err(StartError::Audit)?;
        let console =
            ConsoleState::new(config.root_password.as_deref()).map_err(StartError::Console)?;
        console
            .install_root_password(store.as_ref(), &identity.account_id)
            .map_err(StartError::Console)?;
        let state = Self(Arc::new(Inner {
            store,
            master_key,
            clock,
            account_id: identity.account_id.clone(),
            ephemeral: config.ephemeral,
            body_limit: config.body_limit,
            reset_root,
            extra_policies,
            metrics: Metrics::default(),
            audit,
            cache: PolicyCache::default(),
            callers: CallerCache::default(),
            console,
            argon: if config.argon_permits == 0 {
                crate::argon::ArgonGate::default()
            } else {
                crate::argon::ArgonGate::new(config.argon_permits, config.argon_wait)
            },
        }));
        Ok((state, identity))
    }

    /// Returns an ephemeral server to its first-start state: same account,
    /// same root key, nothing else.
    ///
    /// # Errors
    /// When the store is persistent or setup fails.
    pub fn reset(&self) -> Result<(), StartError> {
        self.store.reset()?;
        self.cache.clear();
        self.callers.bump();
        let root = self
            .reset_root
            .as_ref()
            .map(|(id, secret)| (id.as_str(), secret.as_str()));
        bootstrap::ensure(
            self.store.as_ref(),
            &self.master_key,
            Some(&self.account_id),
            root,
            &self.extra_policies,
            self.clock.now().as_secs(),
        )?;
        self.console.reset();
        self.console
            .install_root_password(self.store.as_ref(), &self.account_id)
            .map_err(StartError::Console)?;
        Ok(())
    }
}
