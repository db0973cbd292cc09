//! Abandoning work whose client has gone.
//!
//! A request's pipeline runs on a blocking thread (`spawn_blocking`), which keeps
//! running after hyper drops the request's future because the client disconnected
//! or its connection was cut. The async handler holds a [`Guard`]; dropped before
//! the work finishes, it raises the request's flag. The blocking work runs inside
//! [`scope`], which makes the flag visible to [`requested`] on that thread, so long
//! loops (the simulator's action × resource pairs) can stop early without every
//! function between the handler and the loop passing a token along.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

thread_local! {
    static CURRENT: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// A request's cancellation flag, raised when its [`Guard`] is dropped unfinished.
#[derive(Debug, Clone, Default)]
pub struct Token(Arc<AtomicBool>);

impl Token {
    /// A fresh flag and the guard that raises it.
    pub fn new() -> (Self, Guard) {
        let token = Self::default();
        let guard = Guard(Some(token.clone()));
        (token, guard)
    }

    /// Whether the request was abandoned.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Raises its token's flag when dropped before [`Guard::finish`].
#[derive(Debug)]
pub struct Guard(Option<Token>);

impl Guard {
    /// The work finished: dropping the guard no longer cancels.
    pub fn finish(mut self) {
        self.0 = None;
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.0.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs `work` with `token` as this thread's current request.
pub fn scope<T>(token: &Token, work: impl FnOnce() -> T) -> T {
    let previous = CURRENT.with(|c| c.replace(Some(Arc::clone(&token.0))));
    let out = work();
    CURRENT.with(|c| *c.borrow_mut() = previous);
    out
}

/// Whether the current request (if any) was abandoned by its client.
pub fn requested() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_guard_cancels_the_scoped_work_and_a_finished_one_does_not() {
        let (token, guard) = Token::new();
        assert!(!scope(&token, requested));
        drop(guard);
        assert!(scope(&token, requested));
        assert!(!requested(), "outside the scope nothing is cancelled");
        let (token, guard) = Token::new();
        guard.finish();
        assert!(!scope(&token, requested));
    }
}
