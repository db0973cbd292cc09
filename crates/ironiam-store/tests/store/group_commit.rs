//! Group commit in the file store: concurrent writers share commits, and each
//! still gets the contract of `Store::transaction` (serializable, durable on
//! `Ok`, its own result, rolled back alone when it fails), while read-only
//! transactions see only committed data.
//!
//! The batch tests make a batch on purpose: each member's work holds the
//! write connection until the next caller is queued for it
//! ([`WriteStats::queued_writers`]), so the member leaves the transaction open
//! for that caller instead of committing.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ironiam_store::sqlite::WriteStats;
use ironiam_store::{ListOptions, SqliteStore, Store, StoreError, StoreExt};
use tempfile::TempDir;

use crate::fixture::*;

/// A file store with the fixture's account, and its directory.
fn file_store() -> (SqliteStore, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    seed(&store);
    (store, dir)
}

/// Waits, inside a member's work, until another caller waits for the
/// connection: that caller then joins the batch this work is in.
fn until_queued(store: &SqliteStore) {
    while store.write_stats().queued_writers == 0 {
        thread::sleep(Duration::from_millis(1));
    }
}

fn user_names(store: &dyn Store) -> Vec<String> {
    let mut names: Vec<String> = store
        .read(|tx| tx.list_users(ACCOUNT, &ListOptions::all()))
        .unwrap()
        .items
        .into_iter()
        .map(|u| u.name)
        .collect();
    names.sort();
    names
}

#[derive(Debug, PartialEq)]
enum TestError {
    Store(String),
    Refused(usize),
}

impl From<StoreError> for TestError {
    fn from(err: StoreError) -> Self {
        Self::Store(err.to_string())
    }
}

const THREADS: usize = 32;
const WRITES_PER_THREAD: usize = 20;

/// Every thread inserts its own users and increments one shared counter (the
/// account alias) by read-modify-write, returning the value it read and the
/// user it wrote. Returns each thread's results.
fn hammer(store: &Arc<dyn Store>) -> Vec<Vec<(u64, String)>> {
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = Arc::clone(store);
            thread::spawn(move || {
                (0..WRITES_PER_THREAD)
                    .map(|n| {
                        let name = format!("t{t:02}-{n:02}");
                        store
                            .write(|tx| -> Result<(u64, String), StoreError> {
                                let mut account = tx.get_account(ACCOUNT)?;
                                let seen: u64 = account
                                    .alias
                                    .as_deref()
                                    .map_or(0, |alias| alias.parse().unwrap());
                                account.alias = Some((seen + 1).to_string());
                                tx.update_account(&account)?;
                                tx.insert_user(&user(&name))?;
                                Ok((seen, name.clone()))
                            })
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Each thread got back the user it wrote; the counter values read are
/// exactly 0..N, once each, so no update was lost or seen twice.
fn check_hammer_results(results: &[Vec<(u64, String)>]) {
    let mut seen = Vec::new();
    for (t, writes) in results.iter().enumerate() {
        for (n, (value, name)) in writes.iter().enumerate() {
            assert_eq!(name, &format!("t{t:02}-{n:02}"));
            seen.push(*value);
        }
    }
    seen.sort_unstable();
    let total = (THREADS * WRITES_PER_THREAD) as u64;
    assert_eq!(seen, (0..total).collect::<Vec<_>>());
}

fn check_hammer_state(store: &dyn Store) {
    let total = THREADS * WRITES_PER_THREAD;
    let alias = store.read(|tx| tx.get_account(ACCOUNT)).unwrap().alias;
    assert_eq!(alias, Some(total.to_string()));
    let names = user_names(store);
    assert_eq!(names.len(), total);
    for t in 0..THREADS {
        for n in 0..WRITES_PER_THREAD {
            assert!(names.contains(&format!("t{t:02}-{n:02}")));
        }
    }
}

#[test]
fn concurrent_writers_are_all_durable_serialized_and_answered_in_their_own_thread() {
    let dir = tempfile::tempdir().unwrap();
    let opened = SqliteStore::open(dir.path()).unwrap();
    seed(&opened);
    let store: Arc<dyn Store> = Arc::new(opened);
    let results = hammer(&store);
    check_hammer_results(&results);
    check_hammer_state(store.as_ref());
    drop(store);
    // Durable: another open of the file sees every write.
    let reopened = SqliteStore::open(dir.path()).unwrap();
    check_hammer_state(&reopened);
}

#[test]
fn concurrent_writers_in_memory_keep_the_same_contract() {
    let backend = memory_backend();
    let results = hammer(&backend.store);
    check_hammer_results(&results);
    check_hammer_state(backend.store.as_ref());
}

#[test]
fn batch_members_see_each_others_writes_and_readers_see_none_until_the_commit() {
    let (store, dir) = file_store();
    let before = store.write_stats();
    let (a_started, a_has_started) = mpsc::channel();
    let (b_running, b_is_running) = mpsc::channel();
    let (go, may_go) = mpsc::channel::<()>();
    thread::scope(|s| {
        let a = s.spawn(|| {
            store.write(|tx| -> Result<(), StoreError> {
                tx.insert_user(&user("a"))?;
                a_started.send(()).unwrap();
                until_queued(&store);
                Ok(())
            })
        });
        a_has_started.recv().unwrap();
        let store = &store;
        let b = s.spawn(move || {
            store.write(|tx| -> Result<(), StoreError> {
                // a's write is not committed, and b reads it: b comes after a.
                assert_eq!(tx.get_user(ACCOUNT, "a")?, user("a"));
                tx.insert_user(&user("b"))?;
                b_running.send(()).unwrap();
                may_go.recv().unwrap();
                Ok(())
            })
        });
        b_is_running.recv().unwrap();
        // a's work is done and b's is under way, in one open transaction.
        let visible = user_names(store);
        let a_returned = a.is_finished();
        // Let b go before asserting, so that a failure does not hang the test.
        go.send(()).unwrap();
        assert_eq!(visible, Vec::<String>::new(), "uncommitted writes seen");
        assert!(!a_returned, "a returned before its write committed");
        a.join().unwrap().unwrap();
        b.join().unwrap().unwrap();
    });
    assert_eq!(user_names(&store), ["a", "b"]);
    let after = store.write_stats();
    assert_eq!(after.commits - before.commits, 1, "one commit for both");
    assert_eq!(after.transactions - before.transactions, 2);
    drop(store);
    assert_eq!(
        user_names(&SqliteStore::open(dir.path()).unwrap()),
        ["a", "b"]
    );
}

/// What a batch member does after writing its user `m<i>`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Plan {
    /// Returns `Ok(i)`.
    Keep,
    /// Returns its own error, `Refused(i)`.
    Refuse,
    /// Inserts `m0` again, which the first member wrote and has not
    /// committed: the database refuses it with `AlreadyExists`.
    Collide,
}

/// Runs one batch, member `i` following `plan[i]`; returns the results in
/// order, with the store's stats before and after.
fn batch(
    store: &SqliteStore,
    plan: &[Plan],
) -> (Vec<Result<usize, TestError>>, WriteStats, WriteStats) {
    let before = store.write_stats();
    let results = thread::scope(|s| {
        let mut members = Vec::new();
        for (i, step) in plan.iter().copied().enumerate() {
            let (started, has_started) = mpsc::channel();
            let last = i + 1 == plan.len();
            members.push(s.spawn(move || {
                store.write(|tx| -> Result<usize, TestError> {
                    // Earlier members' writes are visible exactly when kept.
                    for (j, earlier) in plan.iter().take(i).enumerate() {
                        let found = tx.get_user(ACCOUNT, &format!("m{j}"));
                        assert_eq!(found.is_ok(), *earlier == Plan::Keep, "m{i} on m{j}");
                    }
                    tx.insert_user(&user(&format!("m{i}")))?;
                    let outcome = match step {
                        Plan::Keep => Ok(i),
                        Plan::Refuse => Err(TestError::Refused(i)),
                        Plan::Collide => {
                            tx.insert_user(&user("m0")).map(|()| i).map_err(Into::into)
                        }
                    };
                    started.send(()).unwrap();
                    if !last {
                        until_queued(store);
                    }
                    outcome
                })
            }));
            has_started.recv().unwrap();
        }
        members
            .into_iter()
            .map(|m| m.join().unwrap())
            .collect::<Vec<_>>()
    });
    (results, before, store.write_stats())
}

fn check_batch(plan: &[Plan]) {
    let (store, dir) = file_store();
    let (results, before, after) = batch(&store, plan);
    let mut kept = Vec::new();
    for (i, (step, result)) in plan.iter().zip(&results).enumerate() {
        match step {
            Plan::Keep => {
                assert_eq!(result, &Ok(i));
                kept.push(format!("m{i}"));
            }
            Plan::Refuse => assert_eq!(result, &Err(TestError::Refused(i))),
            Plan::Collide => assert_eq!(
                result,
                &Err(TestError::Store("user `m0` already exists".to_owned()))
            ),
        }
    }
    let commits = u64::from(!kept.is_empty());
    assert_eq!(after.commits - before.commits, commits, "{plan:?}");
    assert_eq!(
        after.transactions - before.transactions,
        kept.len() as u64,
        "{plan:?}"
    );
    assert_eq!(user_names(&store), kept);
    drop(store);
    assert_eq!(user_names(&SqliteStore::open(dir.path()).unwrap()), kept);
}

#[test]
fn a_failing_member_is_rolled_back_alone_and_its_batch_mates_commit() {
    use Plan::*;
    check_batch(&[Keep, Refuse, Keep]);
    check_batch(&[Refuse, Keep, Keep]);
    // The last member commits for the batch even though its own work failed.
    check_batch(&[Keep, Keep, Refuse]);
    check_batch(&[Keep, Collide, Keep, Refuse, Keep]);
    check_batch(&[Refuse, Refuse]);
}
