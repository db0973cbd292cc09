//! The verification policy of a virtual MFA device.
//!
//! - Sign-in and session checks accept the device's current step, shifted by
//!   its recorded drift, and one step either side (RFC 6238 section 5.2).
//! - Enabling and resynchronizing take two consecutive codes, searched in a
//!   wider window, and measure the drift to record. AWS asks for the same
//!   pair in `EnableMFADevice` and `ResyncMFADevice`.
//! - A step, once accepted, is never accepted again for the same device
//!   (RFC 6238 section 5.2: "the verifier MUST NOT accept the second attempt
//!   of the OTP after the successful validation has been issued").
//! - Consecutive failures lock the device with exponential backoff.
//!
//! Every function takes the stored [`MfaState`] and `now`, and returns an
//! [`Outcome`] whose `state` the caller must store, success or not.

use std::fmt;

use crate::totp::TotpParams;

/// The widest search window, in steps either side, whatever the policy says:
/// it bounds the HMACs one request can cost.
pub const MAX_WINDOW: u64 = 100;

/// Tunables of the verification policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Code parameters of the device.
    pub totp: TotpParams,
    /// Steps either side of the expected one accepted at sign-in.
    pub sign_in_window: u64,
    /// Steps either side of the server's step searched by enable and resync.
    pub sync_window: u64,
    /// Consecutive failures that lock the device.
    pub lockout_threshold: u32,
    /// Seconds of the first lock; each further failure doubles it.
    pub lockout_base: u64,
    /// The longest lock, in seconds.
    pub lockout_max: u64,
}

impl Default for Policy {
    /// AWS codes, ±1 step at sign-in, ±10 steps to sync, and locks from
    /// 30 s doubling to 15 min after 5 consecutive failures.
    fn default() -> Self {
        Self {
            totp: TotpParams::default(),
            sign_in_window: 1,
            sync_window: 10,
            lockout_threshold: 5,
            lockout_base: 30,
            lockout_max: 15 * 60,
        }
    }
}

/// What the server stores about a device besides its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MfaState {
    /// Steps the device runs ahead (positive) or behind (negative) the server.
    pub drift: i64,
    /// The last step accepted; codes at or before it are replays.
    pub last_step: Option<u64>,
    /// Consecutive failed attempts since the last success.
    pub failures: u32,
    /// UNIX seconds until which every attempt is refused.
    pub locked_until: Option<u64>,
}

impl MfaState {
    /// Whether attempts are refused at `now`.
    pub fn is_locked(&self, now: u64) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}

/// Why a code was refused. Messages never contain the code or the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Too many failures: nothing is checked until `until` (UNIX seconds).
    #[error("the MFA device is locked until {until}")]
    Locked {
        /// UNIX seconds when attempts are checked again.
        until: u64,
    },
    /// Not a code at all: wrong length or a non-digit.
    #[error("the authentication code is malformed")]
    Malformed,
    /// The code matches no step in the window (for a pair: no two consecutive steps).
    #[error("the authentication code is invalid")]
    Invalid,
    /// The code is valid only for a step that was already accepted.
    #[error("the authentication code was already used")]
    Replayed,
}

/// A verification's result and the state to store in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the new state must be stored, whether the code was accepted or not"]
pub struct Outcome<T> {
    /// The accepted step(s), or why the code was refused.
    pub result: Result<T, VerifyError>,
    /// The device's state after this attempt.
    pub state: MfaState,
}

/// A code accepted at sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// The step the code was generated for.
    pub step: u64,
}

/// A pair of codes accepted by enable or resync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synchronized {
    /// The step of the second code, the device's current step.
    pub step: u64,
    /// Steps the device runs ahead of the server (negative: behind).
    pub drift: i64,
}

impl fmt::Display for Synchronized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} with drift {}", self.step, self.drift)
    }
}

impl Policy {
    /// Checks one code at sign-in or for a session: the expected step
    /// (server step plus drift) ± `sign_in_window`.
    pub fn verify(
        &self,
        secret: &[u8],
        state: &MfaState,
        code: &str,
        now: u64,
    ) -> Outcome<Accepted> {
        if let Some(refused) = self.refuse_early(state, now, &[code]) {
            return refused;
        }
        let center = shift(self.totp.step_of(now), state.drift);
        let (mut fresh, mut replayed) = (None, false);
        for step in window(center, self.sign_in_window) {
            // Every step is compared, so timing does not reveal which matched.
            if self.totp.matches(secret, step, code) {
                if is_fresh(state, step) {
                    fresh = fresh.or(Some(step));
                } else {
                    replayed = true;
                }
            }
        }
        match fresh {
            Some(step) => Outcome {
                result: Ok(Accepted { step }),
                state: MfaState {
                    drift: state.drift,
                    last_step: Some(step),
                    failures: 0,
                    locked_until: None,
                },
            },
            None => self.fail(
                state,
                now,
                if replayed {
                    VerifyError::Replayed
                } else {
                    VerifyError::Invalid
                },
            ),
        }
    }

    /// Checks two consecutive codes, for `EnableMFADevice` (pass
    /// `MfaState::default()`) or `ResyncMFADevice`: `code2` must be for the
    /// step after `code1`'s, both within `sync_window` of the server's step.
    /// On success the state records the measured drift.
    pub fn synchronize(
        &self,
        secret: &[u8],
        state: &MfaState,
        code1: &str,
        code2: &str,
        now: u64,
    ) -> Outcome<Synchronized> {
        if let Some(refused) = self.refuse_early(state, now, &[code1, code2]) {
            return refused;
        }
        // Drift is measured afresh against the server clock: the recorded
        // one is what a resync is there to correct.
        let server_step = self.totp.step_of(now);
        let (mut fresh, mut replayed) = (None, false);
        let mut previous_matched = false;
        let mut previous_step = None;
        for step in window(server_step, self.sync_window) {
            let first = self.totp.matches(secret, step, code1);
            let second = self.totp.matches(secret, step, code2);
            if second && previous_matched {
                if let Some(first_step) = previous_step.filter(|&s| is_fresh(state, s)) {
                    fresh = fresh.or(Some((first_step, step)));
                } else {
                    replayed = true;
                }
            }
            previous_matched = first;
            previous_step = Some(step);
        }
        match fresh {
            Some((_, step)) => {
                let drift = i64::try_from(i128::from(step) - i128::from(server_step)).unwrap_or(0);
                Outcome {
                    result: Ok(Synchronized { step, drift }),
                    state: MfaState {
                        drift,
                        last_step: Some(step),
                        failures: 0,
                        locked_until: None,
                    },
                }
            }
            None => self.fail(
                state,
                now,
                if replayed {
                    VerifyError::Replayed
                } else {
                    VerifyError::Invalid
                },
            ),
        }
    }

    /// Refuses without looking at the seed: locked, or a malformed code.
    fn refuse_early<T>(&self, state: &MfaState, now: u64, codes: &[&str]) -> Option<Outcome<T>> {
        if let Some(until) = state.locked_until.filter(|_| state.is_locked(now)) {
            // Attempts while locked are not counted: the lock already holds,
            // and counting would let anyone extend it forever.
            return Some(Outcome {
                result: Err(VerifyError::Locked { until }),
                state: *state,
            });
        }
        if codes.iter().any(|code| !self.totp.is_well_formed(code)) {
            return Some(self.fail(state, now, VerifyError::Malformed));
        }
        None
    }

    /// Counts a failure, locking the device once the threshold is reached:
    /// `lockout_base` seconds, doubled per failure past the threshold, at
    /// most `lockout_max`.
    fn fail<T>(&self, state: &MfaState, now: u64, error: VerifyError) -> Outcome<T> {
        let failures = state.failures.saturating_add(1);
        let locked_until = if failures >= self.lockout_threshold {
            let doublings = failures - self.lockout_threshold;
            let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
            let seconds = self
                .lockout_base
                .saturating_mul(factor)
                .min(self.lockout_max);
            Some(now.saturating_add(seconds))
        } else {
            None
        };
        Outcome {
            result: Err(error),
            state: MfaState {
                failures,
                locked_until,
                ..*state
            },
        }
    }
}

fn is_fresh(state: &MfaState, step: u64) -> bool {
    state.last_step.is_none_or(|last| step > last)
}

/// `step` moved by `drift` steps, clamped to the `u64` range.
fn shift(step: u64, drift: i64) -> u64 {
    if drift >= 0 {
        step.saturating_add(drift.unsigned_abs())
    } else {
        step.saturating_sub(drift.unsigned_abs())
    }
}

/// The steps `center - radius ..= center + radius`, clamped to the `u64`
/// range and to [`MAX_WINDOW`].
fn window(center: u64, radius: u64) -> std::ops::RangeInclusive<u64> {
    let radius = radius.min(MAX_WINDOW);
    center.saturating_sub(radius)..=center.saturating_add(radius)
}

#[cfg(test)]
mod tests;
