//! The SQLite backend: a file in the data directory, or memory for `--ephemeral`.
//!
//! # Durability and concurrency
//! The file is in WAL mode with `synchronous=FULL`, so a commit is on disk
//! before [`Store::transaction`] returns. One writer connection sits behind a
//! mutex and opens every write transaction with `BEGIN IMMEDIATE`, which takes
//! SQLite's write lock up front: writers are serialized, a transaction's reads
//! see every earlier commit, and read-modify-write sequences cannot lose
//! updates. Another process on the same file waits up to the busy timeout and
//! then fails with [`StoreError::Conflict`]. Reads use a small pool of
//! `query_only` connections that run beside the writer on WAL snapshots.
//!
//! The in-memory mode keeps a single `:memory:` connection that serves reads
//! and writes alike; [`Store::reset`] replaces it with a fresh, migrated one.

mod migration;
mod row;
mod transaction;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::error::{Entity, StoreError};
use crate::store::{Store, Work};
use transaction::SqliteTransaction;

/// The database file's name in the data directory.
pub const DATABASE_FILE: &str = "ironiam.sqlite3";

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_IDLE_READERS: usize = 4;
const ATTEMPTS: usize = 3;

/// A [`Store`] backed by SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The database file; `None` in memory.
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (creating if needed) `data_dir/ironiam.sqlite3` and migrates it.
    ///
    /// # Errors
    /// When the directory or database cannot be opened, or migration fails.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let mut writer = Connection::open(&path).map_err(backend)?;
        configure(&writer)?;
        // WAL mode is a property of the file: set once, kept across opens.
        let mode: String = writer
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(backend)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(
                format!("cannot enable WAL journal mode (got `{mode}`)").into(),
            ));
        }
        writer
            .execute_batch("PRAGMA synchronous = FULL;")
            .map_err(backend)?;
        migration::migrate(&mut writer)?;
        Ok(Self {
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            path: Some(path),
        })
    }

    /// Opens an existing `data_dir/ironiam.sqlite3` for reading only, beside a
    /// server that may be running on it (`ironiam report`). Nothing is created
    /// or migrated: the database must exist at this build's schema version.
    /// Every write fails with [`StoreError::ReadOnly`].
    ///
    /// # Errors
    /// When there is no database, or its schema is older or newer than this
    /// build's.
    pub fn open_read_only(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join(DATABASE_FILE);
        if !path.is_file() {
            return Err(StoreError::Io {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no ironiam database (start `ironiam serve` on this data directory first)",
                ),
            });
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        configure(&conn)?;
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(backend)?;
        let found = migration::current(&conn)?;
        let supported = migration::latest();
        if found > supported {
            return Err(StoreError::SchemaTooNew { found, supported });
        }
        if found < supported {
            return Err(StoreError::SchemaTooOld {
                found,
                required: supported,
            });
        }
        Ok(Self {
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            path: Some(path),
        })
    }

    /// A fresh, empty store in memory, for `--ephemeral`.
    ///
    /// # Errors
    /// When SQLite cannot allocate it.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Ok(Self {
            writer: Mutex::new(memory_connection()?),
            readers: Mutex::new(Vec::new()),
            path: None,
        })
    }

    /// The database file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open
        // (rusqlite rolls back on drop), so a poisoned lock is still usable.
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn take_reader(&self, path: &Path) -> Result<Connection, StoreError> {
        let pooled = self
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        if let Some(conn) = pooled {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(backend)?;
        configure(&conn)?;
        conn.execute_batch("PRAGMA query_only = ON;")
            .map_err(backend)?;
        Ok(conn)
    }

    fn return_reader(&self, conn: Connection) {
        let mut pool = self
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if pool.len() < MAX_IDLE_READERS {
            pool.push(conn);
        }
    }
}

impl Store for SqliteStore {
    fn transaction(&self, work: &mut Work<'_>) -> Result<(), StoreError> {
        let mut conn = self.writer();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match run(&mut conn, TransactionBehavior::Immediate, work) {
                Err(StoreError::Conflict) if attempt < ATTEMPTS => {}
                other => return other,
            }
        }
    }

    fn read_only(&self, work: &mut Work<'_>) -> Result<(), StoreError> {
        match &self.path {
            Some(path) => {
                let mut conn = self.take_reader(path)?;
                let result = run(&mut conn, TransactionBehavior::Deferred, work);
                self.return_reader(conn);
                result
            }
            None => {
                let mut conn = self.writer();
                conn.execute_batch("PRAGMA query_only = ON;")
                    .map_err(backend)?;
                let result = run(&mut conn, TransactionBehavior::Deferred, work);
                let restored = conn
                    .execute_batch("PRAGMA query_only = OFF;")
                    .map_err(backend);
                result.and(restored)
            }
        }
    }

    fn reset(&self) -> Result<(), StoreError> {
        if self.path.is_some() {
            return Err(StoreError::ResetUnsupported);
        }
        let fresh = memory_connection()?;
        *self.writer() = fresh;
        Ok(())
    }

    fn schema_version(&self) -> Result<u32, StoreError> {
        migration::current(&self.writer())
    }
}

/// Runs `work` in one transaction, committing on success.
fn run(
    conn: &mut Connection,
    behavior: TransactionBehavior,
    work: &mut Work<'_>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(behavior).map_err(backend)?;
    let mut handle = SqliteTransaction::new(&tx);
    work(&mut handle)?;
    // Dropping `tx` on the error path above rolls it back.
    tx.commit().map_err(backend)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")
        .map_err(backend)
}

fn memory_connection() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory().map_err(backend)?;
    configure(&conn)?;
    migration::migrate(&mut conn)?;
    Ok(conn)
}

/// How a SQLite error maps when nothing more specific applies.
pub(crate) fn backend(err: rusqlite::Error) -> StoreError {
    match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Conflict,
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
        _ => StoreError::Backend(Box::new(err)),
    }
}

/// The kinds of constraint failure the store maps to its own errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Constraint {
    Unique,
    ForeignKey,
}

pub(crate) fn constraint(err: &rusqlite::Error) -> Option<Constraint> {
    match err {
        rusqlite::Error::SqliteFailure(e, _) => match e.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Some(Constraint::Unique),
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Constraint::ForeignKey),
            _ => None,
        },
        _ => None,
    }
}

/// Maps an insert's or update's error: a uniqueness violation is
/// `AlreadyExists { entity, name }`; a missing parent is `NotFound { parent }`.
pub(crate) fn on_write(
    err: rusqlite::Error,
    entity: Entity,
    name: &str,
    parent: (Entity, &str),
) -> StoreError {
    match constraint(&err) {
        Some(Constraint::Unique) => StoreError::AlreadyExists {
            entity,
            name: name.to_owned(),
        },
        Some(Constraint::ForeignKey) => StoreError::NotFound {
            entity: parent.0,
            name: parent.1.to_owned(),
        },
        None => backend(err),
    }
}

/// Maps a delete's error: a restricting foreign key is `InUse`.
pub(crate) fn on_delete(err: rusqlite::Error, entity: Entity, name: &str) -> StoreError {
    match constraint(&err) {
        Some(Constraint::ForeignKey) => StoreError::InUse {
            entity,
            name: name.to_owned(),
        },
        _ => backend(err),
    }
}
