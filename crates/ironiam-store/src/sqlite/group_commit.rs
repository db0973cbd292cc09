//! Group commit: concurrent write transactions share one SQLite transaction,
//! and so one fsync. The design and its guarantees are in the [`super`]
//! module's documentation; this file is the mechanism.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::{ATTEMPTS, backend};
use crate::error::StoreError;

/// A write transaction's work, on the connection it runs on.
pub(super) type ConnWork<'a> = dyn FnMut(&Connection) -> Result<(), StoreError> + 'a;

/// A batch commits once this many callers have run in it, even with more
/// queued, so that a steady stream of writers cannot hold back the commit its
/// first members wait for: a member waits for at most this many others' work
/// and one fsync. (No time bound: it would read the clock, and a member's
/// wait is bounded by this count already.)
const MAX_MEMBERS: usize = 64;

/// How often the writes have been committed, for tests and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Successful `COMMIT`s, each one fsync of the write-ahead log.
    pub commits: u64,
    /// Write transactions made durable by those commits. Divided by
    /// `commits`, the average number of callers that shared a commit.
    pub transactions: u64,
    /// Callers waiting for the write connection right now.
    pub queued_writers: usize,
}

/// The write connection, with the transactions that take turns on it.
#[derive(Debug)]
pub(super) struct GroupCommit {
    writer: Mutex<Writer>,
    /// Callers blocked on `writer`'s lock: while any are, the holder leaves
    /// the batch open for them instead of committing.
    queued: AtomicUsize,
    commits: AtomicU64,
    transactions: AtomicU64,
}

/// The connection and the batch open on it, if any.
#[derive(Debug)]
pub(super) struct Writer {
    pub(super) conn: Connection,
    batch: Option<Batch>,
}

/// One open SQLite transaction shared by several callers.
#[derive(Debug)]
struct Batch {
    settlement: Arc<Settlement>,
    /// Callers that have run their work in it.
    members: usize,
    /// Of those, the ones whose writes it holds (their work returned `Ok`).
    kept: usize,
}

/// Where a batch's members learn how it ended.
#[derive(Debug, Default)]
struct Settlement {
    outcome: Mutex<Option<Outcome>>,
    settled: Condvar,
}

#[derive(Debug, Clone)]
enum Outcome {
    /// Every kept write is durable.
    Committed,
    /// `COMMIT` failed and the transaction was rolled back: nothing was written.
    Failed(Arc<rusqlite::Error>),
    /// The transaction was rolled back before its commit (SQLite does so by
    /// itself on some I/O errors, or a member's savepoint could not be
    /// released). Nothing was written; the work is safe to run again.
    Lost,
}

/// What one caller's work did inside its savepoint.
enum Ran {
    /// Returned `Ok`: its writes stay in the batch.
    Kept,
    /// Returned an error: its writes were rolled back.
    Refused(StoreError),
    /// Panicked: its writes were rolled back and the panic goes on after the
    /// batch is taken care of.
    Panicked(Box<dyn Any + Send>),
}

/// The error `COMMIT` failed with, shared by every member of the batch.
#[derive(Debug, thiserror::Error)]
#[error("commit failed: {0}")]
struct CommitFailed(#[source] Arc<rusqlite::Error>);

impl GroupCommit {
    pub(super) fn new(conn: Connection) -> Self {
        Self {
            writer: Mutex::new(Writer { conn, batch: None }),
            queued: AtomicUsize::new(0),
            commits: AtomicU64::new(0),
            transactions: AtomicU64::new(0),
        }
    }

    /// The connection, for work that is not a write transaction (schema
    /// version, reset, the in-memory store's reads). In the file store it
    /// may hold an open batch; such work must not write or end it.
    pub(super) fn lock(&self) -> MutexGuard<'_, Writer> {
        // A poisoned lock's state is intact: grouped work runs under
        // catch_unwind, a panic in solo work unwinds through rusqlite's
        // transaction (which rolls back), and the code here does not panic.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn stats(&self) -> WriteStats {
        WriteStats {
            commits: self.commits.load(Ordering::Relaxed),
            transactions: self.transactions.load(Ordering::Relaxed),
            queued_writers: self.queued.load(Ordering::SeqCst),
        }
    }

    /// One write transaction with its own `BEGIN IMMEDIATE ... COMMIT`, for
    /// the in-memory store, where a commit costs no fsync and its reads share
    /// the write connection (so no batch may be left open between callers).
    pub(super) fn solo(&self, work: &mut ConnWork<'_>) -> Result<(), StoreError> {
        let mut writer = self.lock();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match solo_attempt(&mut writer.conn, work) {
                Err(StoreError::Conflict) if attempt < ATTEMPTS => {}
                Ok(()) => {
                    self.commits.fetch_add(1, Ordering::Relaxed);
                    self.transactions.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
                other => return other,
            }
        }
    }

    /// One write transaction as a member of a batch; returns when the batch
    /// holding its writes has committed (or failed).
    pub(super) fn grouped(&self, work: &mut ConnWork<'_>) -> Result<(), StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(work) {
                Err(StoreError::Conflict) if attempt < ATTEMPTS => {}
                other => return other,
            }
        }
    }

    fn attempt(&self, work: &mut ConnWork<'_>) -> Result<(), StoreError> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut writer = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);

        let settlement = writer.join()?;
        // Whether this work sees writes of others that are not committed yet:
        // then even a refusal depends on them, and must wait for the commit.
        let saw_pending = writer.batch.as_ref().is_some_and(|batch| batch.kept > 0);
        let ran = writer.run(work);
        let stays = writer.batch.is_some();
        let must_wait = match &ran {
            Some(Ran::Kept) => true,
            Some(Ran::Refused(_)) => saw_pending,
            Some(Ran::Panicked(_)) | None => false,
        };
        if stays {
            let commit_now = writer.batch.as_ref().is_some_and(|batch| {
                // Queued callers will join and the last of them commits;
                // past the bound, commit now and let them open the next.
                self.queued.load(Ordering::SeqCst) == 0 || batch.members >= MAX_MEMBERS
            });
            if commit_now && let Some(kept) = writer.settle() {
                self.commits.fetch_add(1, Ordering::Relaxed);
                self.transactions.fetch_add(kept, Ordering::Relaxed);
            }
        }
        drop(writer);

        let outcome = must_wait.then(|| settlement.wait());
        match (ran, outcome) {
            (Some(Ran::Kept), Some(outcome)) => outcome.into_result(),
            (Some(Ran::Refused(err)), None | Some(Outcome::Committed)) => Err(err),
            // The refusal was decided on writes that never became durable.
            (Some(Ran::Refused(_)), Some(_)) => Err(StoreError::Conflict),
            (Some(Ran::Panicked(payload)), _) => resume_unwind(payload),
            // The batch broke under this work before its writes were kept.
            (Some(Ran::Kept), None) | (None, _) => Err(StoreError::Conflict),
        }
    }
}

fn solo_attempt(conn: &mut Connection, work: &mut ConnWork<'_>) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    work(&tx)?;
    // Dropping `tx` on the error path above rolls it back.
    tx.commit().map_err(backend)
}

impl Writer {
    /// Opens a batch unless one is open, and counts the caller in it.
    fn join(&mut self) -> Result<Arc<Settlement>, StoreError> {
        let batch = match &mut self.batch {
            Some(batch) => batch,
            None => {
                if !self.conn.is_autocommit() {
                    // A transaction left over from a failed ROLLBACK.
                    self.conn.execute_batch("ROLLBACK").map_err(backend)?;
                }
                self.conn
                    .execute_batch("BEGIN IMMEDIATE")
                    .map_err(backend)?;
                self.batch.insert(Batch {
                    settlement: Arc::default(),
                    members: 0,
                    kept: 0,
                })
            }
        };
        batch.members += 1;
        Ok(Arc::clone(&batch.settlement))
    }

    /// Runs `work` inside its own savepoint of the open batch; `None` when
    /// the batch broke (it is then settled as lost and closed).
    fn run(&mut self, work: &mut ConnWork<'_>) -> Option<Ran> {
        if self.conn.execute_batch("SAVEPOINT member").is_err() {
            self.abandon();
            return None;
        }
        let conn = &self.conn;
        // Unwind safety: after a panic the work is never called again, and
        // the savepoint's rollback below restores the connection's state.
        let ran = match catch_unwind(AssertUnwindSafe(|| work(conn))) {
            Ok(Ok(())) => Ran::Kept,
            Ok(Err(err)) => Ran::Refused(err),
            Err(payload) => Ran::Panicked(payload),
        };
        let end = match ran {
            Ran::Kept => "RELEASE member",
            Ran::Refused(_) | Ran::Panicked(_) => "ROLLBACK TO member; RELEASE member",
        };
        // SQLite may have rolled the whole transaction back under the work
        // (on SQLITE_FULL or an I/O error): then the batch's earlier writes
        // are gone too, whatever the work returned.
        if self.conn.execute_batch(end).is_err() || self.conn.is_autocommit() {
            self.abandon();
            return match ran {
                Ran::Kept => None,
                refused_or_panicked => Some(refused_or_panicked),
            };
        }
        if let (Ran::Kept, Some(batch)) = (&ran, &mut self.batch) {
            batch.kept += 1;
        }
        Some(ran)
    }

    /// Ends the open batch: commits it if it holds any writes (rolls back an
    /// empty one, which costs no fsync) and tells its members. Returns the
    /// number of transactions made durable, when the commit succeeded.
    fn settle(&mut self) -> Option<u64> {
        let batch = self.batch.take()?;
        if batch.kept == 0 {
            // No member waits for an empty batch; a failed ROLLBACK here is
            // healed by the next `join`.
            let _ = self.conn.execute_batch("ROLLBACK");
            batch.settlement.publish(Outcome::Committed);
            return None;
        }
        let outcome = match self.conn.execute_batch("COMMIT") {
            Ok(()) => Outcome::Committed,
            Err(err) => {
                if !self.conn.is_autocommit() {
                    // Healed by the next `join` if this fails as well.
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                Outcome::Failed(Arc::new(err))
            }
        };
        let committed = matches!(outcome, Outcome::Committed);
        batch.settlement.publish(outcome);
        committed.then(|| u64::try_from(batch.kept).unwrap_or(u64::MAX))
    }

    /// Rolls back and closes a batch that can no longer commit what its
    /// members wrote; they run their work again in a new one.
    fn abandon(&mut self) {
        if let Some(batch) = self.batch.take() {
            if !self.conn.is_autocommit() {
                // Healed by the next `join` if this fails.
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            batch.settlement.publish(Outcome::Lost);
        }
    }
}

impl Settlement {
    fn publish(&self, outcome: Outcome) {
        *self.outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        self.settled.notify_all();
    }

    fn wait(&self) -> Outcome {
        let mut slot = self.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(outcome) = &*slot {
                return outcome.clone();
            }
            slot = self
                .settled
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Outcome {
    fn into_result(self) -> Result<(), StoreError> {
        match self {
            Self::Committed => Ok(()),
            Self::Lost => Err(StoreError::Conflict),
            Self::Failed(err) => Err(match err.sqlite_error_code() {
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Conflict,
                _ => StoreError::Backend(Box::new(CommitFailed(err))),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
