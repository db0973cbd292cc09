//! Records and backends shared by the tests.

use std::sync::Arc;

use ironiam_store::id::RandomSource;
use ironiam_store::record::{
    Account, CredentialReport, Group, ManagedPolicy, MfaVerification, PolicyVersion, PrincipalKind,
    Role, Timestamp, User, VirtualMfaDevice, arn,
};
use ironiam_store::secret::{EncryptedSecret, SecretError};
use ironiam_store::{SqliteStore, Store, StoreError, StoreExt};
use tempfile::TempDir;

pub const ACCOUNT: &str = "123456789012";
pub const NOW: Timestamp = Timestamp::from_secs(1_700_000_000);

/// A backend under test; the directory lives as long as the store.
pub struct Backend {
    pub store: Arc<dyn Store>,
    pub _dir: Option<TempDir>,
}

pub fn file_backend() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    seed(&store);
    Backend {
        store: Arc::new(store),
        _dir: Some(dir),
    }
}

pub fn memory_backend() -> Backend {
    let store = SqliteStore::open_in_memory().unwrap();
    seed(&store);
    Backend {
        store: Arc::new(store),
        _dir: None,
    }
}

pub fn seed(store: &dyn Store) {
    store
        .write(|tx| tx.insert_account(&account(ACCOUNT)))
        .unwrap();
}

pub fn account(id: &str) -> Account {
    Account {
        id: id.to_owned(),
        alias: None,
        password_policy: None,
        root_password: None,
        create_date: NOW,
    }
}

/// IDs made from the name, so tests can predict them.
fn id(prefix: &str, name: &str) -> String {
    format!("{prefix}{}", name.to_uppercase())
}

pub fn user(name: &str) -> User {
    User {
        id: id("AIDA", name),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        arn: arn(ACCOUNT, "user", "/", name),
        create_date: NOW,
        permissions_boundary: None,
        tags: Vec::new(),
        password_last_used: None,
    }
}

pub fn group(name: &str) -> Group {
    Group {
        id: id("AGPA", name),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        arn: arn(ACCOUNT, "group", "/", name),
        create_date: NOW,
    }
}

pub fn role(name: &str) -> Role {
    Role {
        id: id("AROA", name),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        arn: arn(ACCOUNT, "role", "/", name),
        create_date: NOW,
        assume_role_policy_document: r#"{"Version":"2012-10-17","Statement":[]}"#.to_owned(),
        description: Some("test role".to_owned()),
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Vec::new(),
        role_last_used: None,
    }
}

pub fn policy(name: &str) -> ManagedPolicy {
    ManagedPolicy {
        id: id("ANPA", name),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        arn: arn(ACCOUNT, "policy", "/", name),
        description: None,
        default_version: 1,
        latest_version: 1,
        attachment_count: 0,
        permissions_boundary_usage_count: 0,
        is_attachable: true,
        create_date: NOW,
        update_date: NOW,
        tags: Vec::new(),
    }
}

pub fn version(policy: &ManagedPolicy, number: u32) -> PolicyVersion {
    PolicyVersion {
        policy_id: policy.id.clone(),
        version: number,
        document: format!(r#"{{"Version":"2012-10-17","Statement":[],"Sid":"v{number}"}}"#),
        create_date: NOW,
    }
}

/// Creates a managed policy with its first version.
pub fn create_policy(store: &dyn Store, name: &str) -> ManagedPolicy {
    let p = policy(name);
    store
        .write(|tx| {
            tx.insert_policy(&p)?;
            tx.insert_policy_version(&version(&p, 1))
        })
        .unwrap();
    p
}

pub fn kind_name(kind: PrincipalKind) -> &'static str {
    kind.arn_resource()
}

/// A deterministic random source: a counter.
#[derive(Debug, Default)]
pub struct CountingRandom(pub u8);

impl RandomSource for CountingRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), SecretError> {
        for byte in buf {
            *byte = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

pub fn is_already_exists(err: &StoreError) -> bool {
    matches!(err, StoreError::AlreadyExists { .. })
}

/// The schema version a freshly migrated store reports: the highest migration
/// number (they need not be consecutive: branches add theirs independently).
pub const SCHEMA_VERSION: u32 = 10;

pub fn is_not_found(err: &StoreError) -> bool {
    matches!(err, StoreError::NotFound { .. })
}

/// An unassigned virtual MFA device at path `/`. The seed bytes are opaque to
/// the store, so a fixed blob stands in for a sealed seed.
pub fn mfa_device(name: &str) -> VirtualMfaDevice {
    VirtualMfaDevice {
        serial_number: arn(ACCOUNT, "mfa", "/", name),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        seed: EncryptedSecret::from_bytes(vec![1, 2, 3, 4]),
        tags: Vec::new(),
        create_date: NOW,
        assignment: None,
        verification: MfaVerification::default(),
        // Round-trips through every backend (the CRUD test compares whole records).
        creator: Some("AIDACREATOREXAMPLE".to_owned()),
    }
}

pub fn credential_report(content: &str) -> CredentialReport {
    CredentialReport {
        account_id: ACCOUNT.to_owned(),
        generated_time: NOW,
        content: content.to_owned(),
    }
}
