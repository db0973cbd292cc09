//! Invariants of the verification policy, over arbitrary seeds, steps,
//! states and times. Codes come from `TotpParams`, whose correctness the
//! vector tests establish against pyotp, oathtool and the RFCs.

use ironiam_mfa::base32;
use ironiam_mfa::{MfaState, Policy, TotpParams, VerifyError};
use proptest::prelude::*;

const PERIOD: u64 = 30;
/// Steps up to the year 10000 or so; far beyond any real clock.
const MAX_STEP: u64 = 1 << 34;

fn seed() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 10..=64)
}

fn state() -> impl Strategy<Value = MfaState> {
    (
        -20i64..=20,
        proptest::option::of(0..MAX_STEP),
        0u32..=12,
        proptest::option::of(0..MAX_STEP * PERIOD),
    )
        .prop_map(|(drift, last_step, failures, locked_until)| MfaState {
            drift,
            last_step,
            failures,
            locked_until,
        })
}

/// Whether any step in `lo..=hi` shows `code` (collisions are possible).
fn shown_in(params: &TotpParams, seed: &[u8], code: &str, lo: u64, hi: u64) -> bool {
    (lo..=hi).any(|s| params.code_string_at(seed, s) == code)
}

proptest! {
    #[test]
    fn sign_in_window_is_exactly_one_step(
        seed in seed(),
        step in 3..MAX_STEP,
        offset in -3i64..=3,
        second in 0..PERIOD,
    ) {
        let policy = Policy::default();
        let code = policy.totp.code_string_at(&seed, step);
        let server_step = step.saturating_add_signed(offset);
        let now = server_step * PERIOD + second;
        let out = policy.verify(&seed, &MfaState::default(), &code, now);
        if offset.abs() <= 1 {
            prop_assert!(out.result.is_ok());
        } else {
            let collides = shown_in(&policy.totp, &seed, &code, server_step - 1, server_step + 1);
            prop_assert_eq!(out.result.is_ok(), collides);
        }
    }

    #[test]
    fn accepted_steps_are_always_after_the_last_one(
        seed in seed(),
        state in state(),
        now in 0..MAX_STEP * PERIOD,
        back in 0u64..=3,
    ) {
        let policy = Policy::default();
        let state = MfaState { locked_until: None, ..state };
        // A code for a step at or before the last accepted one, or a fresh
        // one: either way anything accepted must be newer than `last_step`.
        let target = match state.last_step {
            Some(last) => last.saturating_sub(back),
            None => policy.totp.step_of(now),
        };
        let code = policy.totp.code_string_at(&seed, target);
        let out = policy.verify(&seed, &state, &code, now);
        if let (Ok(accepted), Some(last)) = (out.result, state.last_step) {
            prop_assert!(accepted.step > last);
            prop_assert_eq!(out.state.last_step, Some(accepted.step));
        }
        let pair = policy.synchronize(
            &seed,
            &state,
            &code,
            &policy.totp.code_string_at(&seed, target.saturating_add(1)),
            now,
        );
        if let (Ok(synced), Some(last)) = (pair.result, state.last_step) {
            prop_assert!(synced.step > last + 1);
        }
    }

    #[test]
    fn an_accepted_code_is_refused_the_second_time(
        seed in seed(),
        step in 1..MAX_STEP,
        later in 0..(3 * PERIOD),
    ) {
        let policy = Policy::default();
        let code = policy.totp.code_string_at(&seed, step);
        let now = step * PERIOD;
        let first = policy.verify(&seed, &MfaState::default(), &code, now);
        prop_assert!(first.result.is_ok());
        let second = policy.verify(&seed, &first.state, &code, now + later);
        prop_assert!(second.result.is_err());
        if later < PERIOD {
            prop_assert_eq!(second.result.err(), Some(VerifyError::Replayed));
        }
    }

    #[test]
    fn nothing_gets_through_while_locked(
        seed in seed(),
        state in state(),
        now in 0..MAX_STEP * PERIOD,
        wait in 1u64..=900,
    ) {
        let policy = Policy::default();
        let locked = MfaState { locked_until: Some(now + wait), ..state };
        let step = policy.totp.step_of(now);
        for candidate in step.saturating_sub(1)..=step + 1 {
            let code = policy.totp.code_string_at(&seed, candidate);
            let out = policy.verify(&seed, &locked, &code, now);
            prop_assert_eq!(out.result, Err(VerifyError::Locked { until: now + wait }));
            prop_assert_eq!(out.state, locked);
            let next = policy.totp.code_string_at(&seed, candidate + 1);
            let pair = policy.synchronize(&seed, &locked, &code, &next, now);
            prop_assert_eq!(pair.result, Err(VerifyError::Locked { until: now + wait }));
            prop_assert_eq!(pair.state, locked);
        }
    }

    #[test]
    fn failures_reaching_the_threshold_always_lock(
        seed in seed(),
        state in state(),
        now in 0..MAX_STEP * PERIOD,
    ) {
        let policy = Policy::default();
        let state = MfaState { locked_until: None, ..state };
        let out = policy.verify(&seed, &state, "not a code", now);
        prop_assert_eq!(out.result, Err(VerifyError::Malformed));
        prop_assert_eq!(out.state.failures, state.failures + 1);
        let locked = out.state.failures >= policy.lockout_threshold;
        prop_assert_eq!(out.state.is_locked(now), locked);
        if let Some(until) = out.state.locked_until {
            prop_assert!(until - now >= policy.lockout_base && until - now <= policy.lockout_max);
        }
    }

    #[test]
    fn synchronize_finds_any_drift_in_the_window(
        seed in seed(),
        step in 20..MAX_STEP,
        drift in -9i64..=10,
        second in 0..PERIOD,
    ) {
        let policy = Policy::default();
        let device = step.saturating_add_signed(drift);
        let code1 = policy.totp.code_string_at(&seed, device - 1);
        let code2 = policy.totp.code_string_at(&seed, device);
        let out = policy.synchronize(&seed, &MfaState::default(), &code1, &code2, step * PERIOD + second);
        let synced = out.result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        // A collision could match an earlier pair; almost always it is this one.
        prop_assert!(synced.step <= device);
        if synced.step == device {
            prop_assert_eq!(synced.drift, drift);
            prop_assert_eq!(out.state.drift, drift);
        }
        // The recorded drift makes the device's next code acceptable at sign-in.
        let next = policy.totp.code_string_at(&seed, device + 1);
        let signed_in = policy.verify(&seed, &out.state, &next, (step + 1) * PERIOD);
        if synced.step == device {
            prop_assert!(signed_in.result.is_ok());
        }
    }

    #[test]
    fn base32_round_trips(data in proptest::collection::vec(any::<u8>(), 0..100)) {
        let text = base32::encode(&data);
        prop_assert!(!text.contains('='));
        prop_assert_eq!(base32::decode(&text), Ok(data.clone()));
        prop_assert_eq!(base32::decode(&text.to_lowercase()), Ok(data.clone()));
        let padded = format!("{text}{}", "=".repeat((8 - text.len() % 8) % 8));
        prop_assert_eq!(base32::decode(&padded), Ok(data));
    }
}
