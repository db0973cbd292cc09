//! A bound on concurrent Argon2 work.
//!
//! Each Argon2id evaluation holds its memory cost (19 MiB at OWASP's parameters) for
//! tens of milliseconds of CPU. Unbounded, 200 parallel sign-ins for an unknown user
//! took 2.7 GB of RSS, which the allocator kept. Every hash and verification in the
//! server (console sign-in, CreateLoginProfile, UpdateLoginProfile, ChangePassword)
//! runs inside [`ArgonGate::run`]: at most `permits` at once (about the core count,
//! since more would only queue on the CPU), a short wait for a permit, then a clear
//! "try again" (503 ServiceUnavailable) rather than an ever-growing queue.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a request waits for a permit before it is told to try again.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

/// No permit came free in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password hashing is busy")]
pub struct Busy;

/// A counting semaphore for blocking threads (every handler runs on one).
#[derive(Debug)]
pub struct ArgonGate {
    free: Mutex<usize>,
    freed: Condvar,
    wait: Duration,
}

impl Default for ArgonGate {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(cores, DEFAULT_WAIT)
    }
}

impl ArgonGate {
    /// A gate admitting `permits` evaluations at once (at least one), each caller
    /// waiting at most `wait` for its turn.
    pub fn new(permits: usize, wait: Duration) -> Self {
        Self {
            free: Mutex::new(permits.max(1)),
            freed: Condvar::new(),
            wait,
        }
    }

    /// Runs `work` holding a permit.
    ///
    /// # Errors
    /// [`Busy`] when no permit came free within the wait; `work` did not run.
    pub fn run<T>(&self, work: impl FnOnce() -> T) -> Result<T, Busy> {
        let deadline = Instant::now() + self.wait;
        {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            while *free == 0 {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Busy);
                }
                free = self
                    .freed
                    .wait_timeout(free, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            *free -= 1;
        }
        // Released on unwind too, so a panicking evaluation cannot leak a permit.
        let _permit = Permit(self);
        Ok(work())
    }
}

struct Permit<'a>(&'a ArgonGate);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn at_most_permits_run_at_once_and_the_rest_are_told_to_try_again() {
        let gate = Arc::new(ArgonGate::new(2, Duration::from_millis(50)));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
                std::thread::spawn(move || {
                    gate.run(|| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(200));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
        assert_eq!(results.iter().filter(|r| r.is_err()).count(), 6);
        // The permits came back.
        assert!(gate.run(|| ()).is_ok());
    }
}
