//! The failure paths of group commit, driven with raw SQL on the connection:
//! a transaction SQLite rolls back under a batch, a `COMMIT` that fails, and
//! a member that panics. The store-level behaviour is tested in
//! `tests/store/group_commit.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::*;

/// A WAL database with `synchronous=FULL`, like the file store's, with a
/// table of names and one whose foreign key is checked only at `COMMIT`.
fn open(dir: &std::path::Path) -> Connection {
    let conn = Connection::open(dir.join("test.sqlite3")).unwrap();
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .unwrap();
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         CREATE TABLE IF NOT EXISTS name (name TEXT PRIMARY KEY);
         CREATE TABLE IF NOT EXISTS child (
             parent TEXT REFERENCES name (name) DEFERRABLE INITIALLY DEFERRED
         );",
    )
    .unwrap();
    conn
}

fn insert(conn: &Connection, name: &str) -> Result<(), StoreError> {
    conn.execute("INSERT INTO name VALUES (?1)", [name])
        .map(drop)
        .map_err(backend)
}

/// The committed names, read on a connection of its own.
fn committed(dir: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(dir.join("test.sqlite3")).unwrap();
    let mut stmt = conn.prepare("SELECT name FROM name ORDER BY name").unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Blocks the running work until another caller waits for the connection,
/// so that the two land in the same batch.
fn until_queued(group: &GroupCommit) {
    while group.queued.load(Ordering::SeqCst) == 0 {
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_batch_rolled_back_under_its_members_runs_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let group = GroupCommit::new(open(dir.path()));
    let (a_runs, b_runs) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let (started, first_started) = mpsc::channel();
    thread::scope(|s| {
        let a = s.spawn(|| {
            group.grouped(&mut |conn| {
                let run = a_runs.fetch_add(1, Ordering::SeqCst);
                insert(conn, "a")?;
                if run == 0 {
                    started.send(()).unwrap();
                    until_queued(&group);
                }
                Ok(())
            })
        });
        first_started.recv().unwrap();
        let b = s.spawn(|| {
            group.grouped(&mut |conn| {
                if b_runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    // What SQLite does by itself on some I/O errors: the
                    // whole transaction, with a's writes, is gone.
                    conn.execute_batch("ROLLBACK").map_err(backend)?;
                    return Ok(());
                }
                insert(conn, "b")
            })
        });
        assert!(a.join().unwrap().is_ok());
        assert!(b.join().unwrap().is_ok());
    });
    assert_eq!(a_runs.load(Ordering::SeqCst), 2);
    assert_eq!(b_runs.load(Ordering::SeqCst), 2);
    assert_eq!(committed(dir.path()), ["a", "b"]);
}

#[test]
fn a_failed_commit_fails_every_member_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let group = GroupCommit::new(open(dir.path()));
    let (started, first_started) = mpsc::channel();
    thread::scope(|s| {
        let a = s.spawn(|| {
            group.grouped(&mut |conn| {
                insert(conn, "a")?;
                started.send(()).unwrap();
                until_queued(&group);
                Ok(())
            })
        });
        first_started.recv().unwrap();
        let b = s.spawn(|| {
            group.grouped(&mut |conn| {
                // Passes here; the deferred foreign key fails the COMMIT.
                conn.execute("INSERT INTO child VALUES ('missing')", [])
                    .map(drop)
                    .map_err(backend)
            })
        });
        for result in [a.join().unwrap(), b.join().unwrap()] {
            let err = result.unwrap_err();
            assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
            assert!(err.to_string().contains("commit failed"), "{err}");
        }
    });
    assert!(committed(dir.path()).is_empty());
    assert_eq!(group.stats().commits, 0);
    // The connection is left without a transaction: the next write commits.
    group.grouped(&mut |conn| insert(conn, "after")).unwrap();
    assert_eq!(committed(dir.path()), ["after"]);
}

#[test]
fn a_panicking_member_commits_its_batch_mates_and_panics_on() {
    let dir = tempfile::tempdir().unwrap();
    let group = GroupCommit::new(open(dir.path()));
    let (started, first_started) = mpsc::channel();
    thread::scope(|s| {
        let a = s.spawn(|| {
            group.grouped(&mut |conn| {
                insert(conn, "a")?;
                started.send(()).unwrap();
                until_queued(&group);
                Ok(())
            })
        });
        first_started.recv().unwrap();
        let b = s.spawn(|| {
            group.grouped(&mut |conn| {
                insert(conn, "b")?;
                panic!("work panicked");
            })
        });
        assert!(a.join().unwrap().is_ok());
        assert!(b.join().is_err(), "the panic reaches b's caller");
    });
    assert_eq!(committed(dir.path()), ["a"]);
    let stats = group.stats();
    assert_eq!((stats.commits, stats.transactions), (1, 1));
    assert!(!group.writer.is_poisoned());
}

#[test]
fn a_batch_whose_members_all_failed_is_rolled_back_without_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let group = GroupCommit::new(open(dir.path()));
    let err = group
        .grouped(&mut |conn| {
            insert(conn, "a")?;
            Err(StoreError::Aborted)
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Aborted), "{err:?}");
    assert!(committed(dir.path()).is_empty());
    assert_eq!(group.stats().commits, 0);
    assert!(group.lock().conn.is_autocommit());
}

#[test]
fn a_refusal_decided_on_writes_that_did_not_commit_is_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let group = GroupCommit::new(open(dir.path()));
    let b_runs = AtomicUsize::new(0);
    let (started, has_started) = mpsc::channel();
    let b_started = started.clone();
    thread::scope(|s| {
        let a = s.spawn(|| {
            group.grouped(&mut |conn| {
                insert(conn, "a")?;
                started.send(()).unwrap();
                until_queued(&group);
                Ok(())
            })
        });
        has_started.recv().unwrap();
        let b = s.spawn(|| {
            group.grouped(&mut |conn| {
                // Refused the first time only because of a's pending "a".
                let inserted = insert(conn, "b-took-a").and_then(|()| insert(conn, "a"));
                if b_runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    b_started.send(()).unwrap();
                    until_queued(&group);
                }
                inserted
            })
        });
        has_started.recv().unwrap();
        let c = s.spawn(|| {
            group.grouped(&mut |conn| {
                conn.execute("INSERT INTO child VALUES ('missing')", [])
                    .map(drop)
                    .map_err(backend)
            })
        });
        assert!(a.join().unwrap().is_err());
        assert!(c.join().unwrap().is_err());
        // b's refusal rested on a write that never became durable: b ran
        // again on what was committed, and its second run succeeded.
        b.join().unwrap().unwrap();
    });
    assert_eq!(b_runs.load(Ordering::SeqCst), 2);
    assert_eq!(committed(dir.path()), ["a", "b-took-a"]);
}
