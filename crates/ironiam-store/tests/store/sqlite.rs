//! The SQLite backend's own guarantees: durability, migrations, reset,
//! and no plaintext secrets in the files.

use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{AccessKey, AccessKeyStatus, KeyOwner, MfaAssignment};
use ironiam_store::secret::{MasterKey, MfaSeed};
use ironiam_store::sqlite::DATABASE_FILE;
use ironiam_store::{ListOptions, SqliteStore, Store, StoreError, StoreExt};

use crate::fixture::*;

#[test]
fn writes_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        seed(&store);
        store.write(|tx| tx.insert_user(&user("durable"))).unwrap();
        create_policy(&store, "Kept");
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_user(ACCOUNT, "durable")).unwrap(),
        user("durable")
    );
    let policies = store
        .read(|tx| tx.list_policies(ACCOUNT, &ListOptions::all(), false))
        .unwrap();
    assert_eq!(policies.items[0].name, "Kept");
}

#[test]
fn migrations_apply_once_and_reopen_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM schema_migration", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 7, "migrations 1, 2, 3, 4, 6, 7 and 10");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute(
        "INSERT INTO schema_migration (version, name) VALUES (99, 'future')",
        [],
    )
    .unwrap();
    drop(conn);
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::SchemaTooNew {
                found: 99,
                supported: SCHEMA_VERSION
            }
        ),
        "{err:?}"
    );
}

#[test]
fn reset_empties_memory_store_and_is_refused_on_disk() {
    let store = SqliteStore::open_in_memory().unwrap();
    seed(&store);
    store.write(|tx| tx.insert_user(&user("temp"))).unwrap();
    store.reset().unwrap();
    assert!(store.read(|tx| tx.list_accounts()).unwrap().is_empty());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    seed(&store);
    store.write(|tx| tx.insert_user(&user("temp"))).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let disk = SqliteStore::open(dir.path()).unwrap();
    assert!(matches!(disk.reset(), Err(StoreError::ResetUnsupported)));
}

#[test]
fn secrets_are_not_stored_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let master = MasterKey::load_or_create(dir.path(), &mut OsRandom).unwrap();
    let secret = id::secret_access_key(&mut OsRandom).unwrap();
    let key_id = id::access_key_id(&mut OsRandom).unwrap();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        seed(&store);
        let key = AccessKey {
            id: key_id.clone(),
            account_id: ACCOUNT.to_owned(),
            owner: KeyOwner::Root,
            secret: master.encrypt(&key_id, &secret, &mut OsRandom).unwrap(),
            status: AccessKeyStatus::Active,
            create_date: NOW,
            last_used: None,
        };
        store.write(|tx| tx.insert_access_key(&key)).unwrap();
        // Look before the WAL is checkpointed into the main file, and after.
        assert_no_plaintext(dir.path(), secret.expose());
        let stored = store.read(|tx| tx.get_access_key(&key_id)).unwrap();
        assert_eq!(master.decrypt(&key_id, &stored.secret).unwrap(), secret);
    }
    assert_no_plaintext(dir.path(), secret.expose());
    let store = SqliteStore::open(dir.path()).unwrap();
    let stored = store.read(|tx| tx.get_access_key(&key_id)).unwrap();
    assert_eq!(master.decrypt(&key_id, &stored.secret).unwrap(), secret);
}

fn assert_no_plaintext(dir: &std::path::Path, secret: &str) {
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        checked += bytes.len();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "secret found in {}",
            path.display()
        );
    }
    assert!(checked > 0);
}

#[test]
fn migration_2_keeps_existing_login_profiles() {
    let dir = tempfile::tempdir().unwrap();
    {
        // A database as version 1 left it, with a login profile.
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO schema_migration VALUES (1, 'initial');
             INSERT INTO account (id, create_date) VALUES ('123456789012', 0);
             INSERT INTO iam_user (id, account_id, name, name_key, path, arn, create_date, tags)
                 VALUES ('AIDAOLD', '123456789012', 'old', 'old', '/',
                         'arn:aws:iam::123456789012:user/old', 0, '[]');
             INSERT INTO login_profile VALUES ('AIDAOLD', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 1, 5);",
        )
        .unwrap();
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let profile = store.read(|tx| tx.get_login_profile("AIDAOLD")).unwrap();
    assert!(profile.password_reset_required);
    assert!(profile.password_history.is_empty());
    assert_eq!(profile.password_changed, None);
}

#[test]
fn reset_clears_mfa_devices_and_credential_reports() {
    let store = SqliteStore::open_in_memory().unwrap();
    seed(&store);
    store
        .write(|tx| {
            tx.insert_virtual_mfa_device(&mfa_device("phone"))?;
            tx.put_credential_report(&credential_report("user,arn"))
        })
        .unwrap();
    store.reset().unwrap();
    seed(&store);
    let devices = store
        .read(|tx| tx.list_virtual_mfa_devices(ACCOUNT, &ListOptions::all(), None))
        .unwrap();
    assert!(devices.items.is_empty());
    assert!(is_not_found(
        &store
            .read(|tx| tx.get_credential_report(ACCOUNT))
            .unwrap_err()
    ));
}

#[test]
fn mfa_seeds_are_not_stored_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let master = MasterKey::load_or_create(dir.path(), &mut OsRandom).unwrap();
    // A seed written as printable text, so the scan below would find it.
    let seed_bytes = b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DP".to_vec();
    let mut device = mfa_device("phone");
    device.seed = master
        .seal_mfa_seed(
            &device.serial_number,
            &MfaSeed::new(seed_bytes.clone()),
            &mut OsRandom,
        )
        .unwrap();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        seed(&store);
        store
            .write(|tx| tx.insert_virtual_mfa_device(&device))
            .unwrap();
        assert_no_plaintext(dir.path(), std::str::from_utf8(&seed_bytes).unwrap());
    }
    assert_no_plaintext(dir.path(), std::str::from_utf8(&seed_bytes).unwrap());
    let store = SqliteStore::open(dir.path()).unwrap();
    let stored = store
        .read(|tx| tx.get_virtual_mfa_device(ACCOUNT, &device.serial_number))
        .unwrap();
    let opened = master
        .open_mfa_seed(&stored.serial_number, &stored.seed)
        .unwrap();
    assert_eq!(opened.expose(), seed_bytes.as_slice());
}

#[test]
fn migration_3_adds_mfa_tables_to_a_version_2_database() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../../migrations/0002_password_history.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO schema_migration VALUES (1, 'initial'), (2, 'password_history');
             INSERT INTO account (id, create_date) VALUES ('123456789012', 0);
             INSERT INTO iam_user (id, account_id, name, name_key, path, arn, create_date, tags)
                 VALUES ('AIDAALICE', '123456789012', 'alice', 'alice', '/',
                         'arn:aws:iam::123456789012:user/alice', 0, '[]');",
        )
        .unwrap();
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let mut device = mfa_device("alice");
    device.assignment = Some(MfaAssignment {
        owner: KeyOwner::User("AIDAALICE".to_owned()),
        enable_date: NOW,
    });
    store
        .write(|tx| tx.insert_virtual_mfa_device(&device))
        .unwrap();
    let usage = store
        .read(|tx| tx.usage(ACCOUNT, ironiam_store::record::PrincipalKind::User, "alice"))
        .unwrap();
    assert_eq!(usage.mfa_devices, 1);
}

#[test]
fn read_only_open_reads_beside_a_writer_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let writer = SqliteStore::open(dir.path()).unwrap();
    seed(&writer);
    writer.write(|tx| tx.insert_user(&user("alice"))).unwrap();
    let reader = SqliteStore::open_read_only(dir.path()).unwrap();
    assert_eq!(reader.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        reader
            .read(|tx| tx.get_user(ACCOUNT, "alice"))
            .unwrap()
            .name,
        "alice"
    );
    // A write made after the read-only open is seen by its next read.
    writer.write(|tx| tx.insert_user(&user("bob"))).unwrap();
    assert_eq!(
        reader
            .read(|tx| tx.list_users(ACCOUNT, &ListOptions::all()))
            .unwrap()
            .items
            .len(),
        2
    );
    let err = reader
        .write(|tx| tx.insert_user(&user("carol")))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    let err = reader
        .read(|tx| tx.insert_user(&user("carol")))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    assert!(writer.read(|tx| tx.get_user(ACCOUNT, "carol")).is_err());
}

#[test]
fn read_only_open_needs_an_existing_database_at_this_schema() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open_read_only(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("ironiam serve"), "{err}");
    // Nothing was created.
    assert!(!dir.path().join(DATABASE_FILE).exists());

    drop(SqliteStore::open(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute(
        "DELETE FROM schema_migration WHERE version = ?1",
        [SCHEMA_VERSION],
    )
    .unwrap();
    drop(conn);
    let err = SqliteStore::open_read_only(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::SchemaTooOld {
                found: 7,
                required: SCHEMA_VERSION
            }
        ),
        "{err:?}"
    );
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_every_database_file_are_owner_only() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let store = SqliteStore::open(&dir).unwrap();
    seed(&store);
    store.write(|tx| tx.insert_user(&user("private"))).unwrap();
    assert_eq!(mode(&dir), 0o700);
    let db = dir.join(DATABASE_FILE);
    for path in [
        db.clone(),
        dir.join(format!("{DATABASE_FILE}-wal")),
        dir.join(format!("{DATABASE_FILE}-shm")),
    ] {
        assert!(path.exists(), "{}", path.display());
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    drop(store);

    // Variant: a directory and files left world-readable (an older ironiam, a copy,
    // a restored backup) are tightened on open and reported.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(dir.join("audit.jsonl"), b"{}\n").unwrap();
    std::fs::set_permissions(
        dir.join("audit.jsonl"),
        std::fs::Permissions::from_mode(0o664),
    )
    .unwrap();
    let tightened = ironiam_store::sqlite::private::secure_data_dir(&dir).unwrap();
    assert!(
        tightened.contains(&dir) && tightened.contains(&db),
        "{tightened:?}"
    );
    assert!(tightened.contains(&dir.join("audit.jsonl")));
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir.join("audit.jsonl")), 0o600);
    let store = SqliteStore::open(&dir).unwrap();
    assert!(store.read(|tx| tx.get_user(ACCOUNT, "private")).is_ok());
}
