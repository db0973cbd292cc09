//! A count of the matcher's elementary steps, kept in test builds only: tests bound the
//! work of adversarial inputs in operations, which a noisy machine cannot make flaky.

#[cfg(test)]
thread_local! {
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records `steps` elementary steps (a byte or word examined).
#[inline(always)]
#[cfg_attr(not(test), allow(unused_variables))]
pub(crate) fn add(steps: usize) {
    #[cfg(test)]
    WORK.with(|work| work.set(work.get().saturating_add(steps as u64)));
}

/// The steps recorded on this thread since the last call.
#[cfg(test)]
pub(crate) fn take() -> u64 {
    WORK.with(|work| work.replace(0))
}
