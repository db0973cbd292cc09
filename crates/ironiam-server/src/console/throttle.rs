//! Throttling of failed sign-ins, per user name and per source address, with
//! exponential backoff.
//!
//! Keys are what the client *submitted* (account and user name as typed, folded), never
//! whether they exist, so a throttled answer reveals nothing about which users exist.
//! After a few free failures each further failure doubles the wait, up to a cap; a
//! success clears the user's count; counts are forgotten an hour after the last failure.
//! Each attempt is reserved (counted) before its password is checked, atomically with
//! the check ([`Throttle::reserve`]), so parallel attempts cannot outrun the count.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures a user name gets before waits begin.
pub(crate) const USER_FREE_FAILURES: u32 = 5;
/// Failures a source address gets before waits begin (higher: many users can share one
/// address behind NAT).
pub(crate) const ADDRESS_FREE_FAILURES: u32 = 20;
/// The first wait, doubled per further failure.
const BASE_DELAY_SECS: i64 = 5;
/// The longest wait.
pub(crate) const MAX_DELAY_SECS: i64 = 15 * 60;
/// Counts older than this are forgotten.
const FORGET_AFTER_SECS: i64 = 60 * 60;
/// The most keys kept; past it, forgotten ones are purged, then the oldest.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: i64,
}

/// One throttled identity: a key and how many failures it gets for free.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    key: String,
    free: u32,
}

impl Subject {
    /// The user name `name` in the account the client named (as typed, folded).
    pub(crate) fn user(account: &str, name: &str) -> Self {
        Self {
            key: format!(
                "user\u{0}{}\u{0}{}",
                account.to_lowercase(),
                name.to_lowercase()
            ),
            free: USER_FREE_FAILURES,
        }
    }

    /// A source address.
    pub(crate) fn address(address: &str) -> Self {
        Self {
            key: format!("addr\u{0}{address}"),
            free: ADDRESS_FREE_FAILURES,
        }
    }
}

/// The wait after `count` failures with `free` free ones.
fn delay(count: u32, free: u32) -> i64 {
    if count < free {
        return 0;
    }
    let doublings = (count - free).min(20);
    (BASE_DELAY_SECS << doublings).min(MAX_DELAY_SECS)
}

/// The throttle table.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    map: Mutex<HashMap<String, Failures>>,
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Err(seconds)` to wait when any subject is throttled at `now`.
    #[cfg(test)]
    pub(crate) fn check(&self, subjects: &[Subject], now: i64) -> Result<(), i64> {
        wait(&self.lock(), subjects, now)
    }

    /// Records a failure for every subject.
    #[cfg(test)]
    pub(crate) fn failed(&self, subjects: &[Subject], now: i64) {
        fail(&mut self.lock(), subjects, now);
    }

    /// Checks and reserves one attempt for every subject under one lock: the attempt
    /// is counted as a failure before the password is checked, so N parallel attempts
    /// cannot all pass a check made before any of them failed (60 parallel wrong
    /// passwords once got 42 Argon2 evaluations where 5 were promised).
    /// `Err(seconds)` to wait when any subject is throttled at `now`; nothing is
    /// reserved then.
    pub(crate) fn reserve(&self, subjects: &[Subject], now: i64) -> Result<(), i64> {
        let mut map = self.lock();
        wait(&map, subjects, now)?;
        fail(&mut map, subjects, now);
        Ok(())
    }

    /// The reserved attempt succeeded: the first subject's (the user's) failures are
    /// cleared and the others' reserved attempt is given back.
    pub(crate) fn succeeded(&self, subjects: &[Subject]) {
        let mut map = self.lock();
        if let Some((user, others)) = subjects.split_first() {
            map.remove(&user.key);
            refund(&mut map, others);
        }
    }

    /// The reserved attempt was not made (no Argon2 permit came free): every subject's
    /// reservation is given back.
    pub(crate) fn refund(&self, subjects: &[Subject]) {
        refund(&mut self.lock(), subjects);
    }

    /// Forgets everything (ephemeral reset).
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}

/// The wait any subject owes at `now`.
fn wait(map: &HashMap<String, Failures>, subjects: &[Subject], now: i64) -> Result<(), i64> {
    let mut wait = 0;
    for subject in subjects {
        if let Some(f) = map.get(&subject.key)
            && now - f.last < FORGET_AFTER_SECS
        {
            let until = f.last + delay(f.count, subject.free);
            wait = wait.max(until - now);
        }
    }
    if wait > 0 { Err(wait) } else { Ok(()) }
}

/// Counts a failure for every subject, bounding the table first.
fn fail(map: &mut HashMap<String, Failures>, subjects: &[Subject], now: i64) {
    if map.len() >= MAX_KEYS {
        map.retain(|_, f| now - f.last < FORGET_AFTER_SECS);
        if map.len() >= MAX_KEYS {
            let mut keys: Vec<(String, i64)> =
                map.iter().map(|(k, f)| (k.clone(), f.last)).collect();
            keys.sort_by_key(|(_, last)| *last);
            for (key, _) in keys.into_iter().take(MAX_KEYS / 10) {
                map.remove(&key);
            }
        }
    }
    for subject in subjects {
        let entry = map.entry(subject.key.clone()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now - entry.last >= FORGET_AFTER_SECS {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }
}

/// Takes back one counted failure from every subject.
fn refund(map: &mut HashMap<String, Failures>, subjects: &[Subject]) {
    for subject in subjects {
        if let Some(entry) = map.get_mut(&subject.key) {
            entry.count = entry.count.saturating_sub(1);
            if entry.count == 0 {
                map.remove(&subject.key);
            }
        }
    }
}

#[cfg(test)]
mod tests;
