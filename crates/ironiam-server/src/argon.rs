//! A bound on concurrent Argon2 work.
//!
//! Each Argon2id evaluation holds its memory cost (19 MiB at OWASP's parameters) for
//! tens of milliseconds of CPU. Unbounded, 200 parallel sign-ins for an unknown user
//! took 2.7 GB of RSS, which the allocator kept. Every hash and verification in the
//! server (console sign-in, CreateLoginProfile, UpdateLoginProfile, ChangePassword)
//! runs inside [`ArgonGate::run`]: at most `permits` at once (about the core count,
//! since more would only queue on the CPU), a short wait for a permit, then a clear
//! "try again" (503 ServiceUnavailable) rather than an ever-growing queue.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use ironiam_store::secret::PasswordMemory;

/// How long a request waits for a permit before it is told to try again.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

/// No permit came free in time (or the evaluation could not run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password hashing is busy")]
pub struct Busy;

type Job = Box<dyn FnOnce() + Send>;

/// A counting semaphore in front of a pool of `permits` worker threads.
///
/// The evaluations run on the gate's own threads, not on the request's: the
/// allocator keeps a freed 19 MiB block in the arena of the thread that used it, so
/// Argon2 spread over hundreds of blocking-pool threads kept hundreds of MiB after a
/// burst (measured: 704 MiB peak and after, with the semaphore alone); on `permits`
/// threads it keeps at most `permits` blocks.
#[derive(Debug)]
pub struct ArgonGate {
    free: Mutex<usize>,
    freed: Condvar,
    wait: Duration,
    permits: usize,
    /// Started on first use: most states (tests, read-only tools) never hash.
    workers: OnceLock<Mutex<Sender<Job>>>,
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
        let permits = permits.max(1);
        Self {
            free: Mutex::new(permits),
            freed: Condvar::new(),
            wait,
            permits,
            workers: OnceLock::new(),
        }
    }

    fn workers(&self) -> &Mutex<Sender<Job>> {
        self.workers.get_or_init(|| {
            let (jobs, queue) = channel::<Job>();
            let queue = Arc::new(Mutex::new(queue));
            for n in 0..self.permits {
                let queue = Arc::clone(&queue);
                let spawned = std::thread::Builder::new()
                    .name(format!("argon2-{n}"))
                    .spawn(move || work(&queue));
                if let Err(err) = spawned {
                    tracing::error!(%err, "cannot start an Argon2 worker");
                }
            }
            Mutex::new(jobs)
        })
    }

    /// Runs `work` on one of the gate's threads, holding a permit, and waits for it.
    ///
    /// # Errors
    /// [`Busy`] when no permit came free within the wait (`work` did not run), or
    /// when no worker could run it.
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
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
        let _permit = Permit(self);
        let (done, result) = channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        let sent = self
            .workers()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(job);
        if sent.is_err() {
            return Err(Busy);
        }
        // Admission keeps at most `permits` jobs out, so a worker is free for this
        // one; an evaluation that panicked drops `done` and ends the wait.
        result.recv().map_err(|_| Busy)
    }
}

thread_local! {
    /// Argon2's 19 MiB, kept by each thread that hashes (the gate's workers).
    static MEMORY: std::cell::RefCell<Option<PasswordMemory>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's Argon2 memory, made on first use and kept: hashing in
/// memory that is allocated and freed each time left every freed block in the heap
/// (see [`PasswordMemory`]). Meant for work run by [`ArgonGate::run`].
pub fn with_memory<T>(f: impl FnOnce(&mut PasswordMemory) -> T) -> T {
    MEMORY.with(|cell| {
        let mut slot = cell.borrow_mut();
        f(slot.get_or_insert_with(PasswordMemory::new))
    })
}

/// A worker: runs jobs until the gate is dropped.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => {
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    tracing::error!("an Argon2 evaluation panicked");
                }
            }
            Err(_) => return,
        }
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
    fn evaluations_run_on_the_gates_own_threads() {
        let gate = ArgonGate::new(2, Duration::from_secs(1));
        let names: Vec<String> = (0..6)
            .map(|_| {
                gate.run(|| std::thread::current().name().unwrap_or_default().to_owned())
                    .unwrap()
            })
            .collect();
        assert!(
            names.iter().all(|n| n == "argon2-0" || n == "argon2-1"),
            "{names:?}"
        );
    }

    #[test]
    fn at_most_permits_run_at_once_and_the_rest_are_told_to_try_again() {
        let gate = Arc::new(ArgonGate::new(2, Duration::from_millis(50)));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
                std::thread::spawn(move || {
                    gate.run(move || {
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
