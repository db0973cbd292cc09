//! The SQLite backend: a file in the data directory, or memory for `--ephemeral`.
//!
//! # Durability and concurrency
//! The file is in WAL mode with `synchronous=FULL`, so a commit is on disk
//! before [`Store::transaction`] returns. One writer connection sits behind a
//! mutex, and write transactions take turns on it inside `BEGIN IMMEDIATE`,
//! which takes SQLite's write lock up front: writers are serialized, a
//! transaction's reads see every write before it, and read-modify-write
//! sequences cannot lose updates. Another process on the same file waits up
//! to the busy timeout and then fails with [`StoreError::Conflict`]. Reads use
//! a small pool of `query_only` connections that run beside the writer on WAL
//! snapshots, so they see committed data only.
//!
//! The in-memory mode keeps a single `:memory:` connection that serves reads
//! and writes alike; [`Store::reset`] replaces it with a fresh, migrated one.
//! Its commits cost no fsync, so it runs each write transaction on its own.
//!
//! # Group commit
//! *Why.* With `synchronous=FULL` every commit waits for an fsync of the
//! WAL, and one commit per write transaction caps the file store at one
//! write per fsync. Every `GetSessionToken` with MFA writes (it records the
//! step it accepted, for replay protection): with a commit each, the file
//! store managed 1,000 to 4,000 a second on the benchmark machine, depending
//! on the host's fsync latency, against over 20,000 in memory (BENCHMARKS.md).
//! The fsync, not the work, is the cost; so concurrent write transactions
//! share one SQLite transaction and one commit.
//!
//! *How.* A caller takes the writer's lock. If no transaction is open it runs
//! `BEGIN IMMEDIATE`, opening a *batch*; otherwise it joins the open one. It
//! runs its work inside its own `SAVEPOINT`: on `Ok` it releases it, keeping
//! its writes in the batch; on an error (or a panic) it rolls back to it and
//! releases it, undoing its own writes and nobody else's. Then, if no other
//! caller is waiting for the lock (a counter beside the mutex), or the batch
//! has reached 64 members, it commits the batch for everyone in it and tells
//! them the outcome; otherwise it leaves the batch open for the next caller
//! and waits. So batches form by themselves while a commit is on disk: the
//! callers that arrive during one fsync share the next. A lone writer commits
//! at once, as before.
//!
//! *What it guarantees* (the contract of [`Store::transaction`]):
//! - **Durable on `Ok`.** A caller whose work kept its writes does not return
//!   until the commit holding them has succeeded; each commit is still one
//!   fsync of `synchronous=FULL`. If the commit fails, every member of the
//!   batch gets the error, and nothing of the batch was written.
//! - **Serializable.** Members run one at a time, in lock order, each seeing
//!   the writes of those before it, committed or in its batch; the batch
//!   commits atomically, so the order is a serial one. A member whose work
//!   failed after seeing writes of its batch waits for the commit too: if the
//!   batch does not commit, its failure rested on writes that never happened,
//!   and its work runs again.
//! - **Failures are private.** A member's error undoes only its savepoint.
//!   If the transaction itself is lost under the batch (SQLite rolls it back
//!   on some I/O errors, or a savepoint cannot be released), the batch is
//!   abandoned and its members run their work again in a new one; the work
//!   closure may run more than once, as the contract says. Retries are
//!   bounded as before: [`StoreError::Conflict`] when they run out.
//! - **Readers see committed data only.** Read-only transactions use their
//!   own connections, and SQLite never shows another connection's
//!   uncommitted writes. In memory, where reads share the writer, no batch is
//!   ever left open.
//!
//! The price is latency for a batch's first members, which wait for the
//! others' work (at most 63 of them) before the fsync. One rule follows for
//! the schema: constraints must be checked per statement, never `DEFERRABLE
//! INITIALLY DEFERRED`, or one member's violation would fail the shared
//! `COMMIT` for the whole batch. [`SqliteStore::write_stats`] counts commits
//! and the transactions they carried.

mod group_commit;
mod migration;
pub mod private;
mod row;
mod transaction;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::error::{Entity, StoreError};
use crate::store::{Store, Work};
use group_commit::GroupCommit;
pub use group_commit::WriteStats;
use transaction::SqliteTransaction;

/// The database file's name in the data directory.
pub const DATABASE_FILE: &str = "ironiam.sqlite3";

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_IDLE_READERS: usize = 4;
const ATTEMPTS: usize = 3;

/// A [`Store`] backed by SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    writer: GroupCommit,
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
        // Owner-only: the directory 0700, the database 0600 before SQLite opens it
        // (its `-wal` and `-shm` take the database's mode). See `private`.
        private::secure_data_dir(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        private::precreate_private(&path).map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
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
            writer: GroupCommit::new(writer),
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
            writer: GroupCommit::new(conn),
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
            writer: GroupCommit::new(memory_connection()?),
            readers: Mutex::new(Vec::new()),
            path: None,
        })
    }

    /// The database file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// How many write transactions have been committed, and in how many
    /// commits (see the module documentation on group commit).
    pub fn write_stats(&self) -> WriteStats {
        self.writer.stats()
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
        let mut on_connection = |conn: &Connection| work(&mut SqliteTransaction::new(conn));
        match self.path {
            Some(_) => self.writer.grouped(&mut on_connection),
            None => self.writer.solo(&mut on_connection),
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
                // The in-memory store never leaves a transaction open between
                // callers (`GroupCommit::solo`), so this sees committed data.
                let conn = &mut self.writer.lock().conn;
                conn.execute_batch("PRAGMA query_only = ON;")
                    .map_err(backend)?;
                let result = run(conn, TransactionBehavior::Deferred, work);
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
        self.writer.lock().conn = fresh;
        Ok(())
    }

    fn schema_version(&self) -> Result<u32, StoreError> {
        // In the file store a batch may be open on the writer; it never
        // touches `schema_migration`, so reading inside it is harmless.
        migration::current(&self.writer.lock().conn)
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
