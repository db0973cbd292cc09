//! Codes here come from RFC 4226 Appendix D, not from this crate: with the
//! seed below, the code for TOTP step `s` is `HOTP[s]`.

use super::*;

const SEED: &[u8] = b"12345678901234567890";
const HOTP: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

/// A time inside step `step`.
fn at(step: u64) -> u64 {
    step * 30 + 7
}

fn code(step: usize) -> &'static str {
    HOTP.get(step).copied().unwrap_or("000000")
}

fn policy() -> Policy {
    Policy::default()
}

#[test]
fn sign_in_accepts_current_and_adjacent_steps() {
    for step in 4..=6 {
        let out = policy().verify(SEED, &MfaState::default(), code(step), at(5));
        assert_eq!(out.result, Ok(Accepted { step: step as u64 }));
        assert_eq!(out.state.last_step, Some(step as u64));
    }
}

#[test]
fn sign_in_refuses_steps_outside_the_window() {
    for step in [0, 1, 2, 3, 7, 8, 9] {
        let out = policy().verify(SEED, &MfaState::default(), code(step), at(5));
        assert_eq!(out.result, Err(VerifyError::Invalid), "step {step}");
        assert_eq!(out.state.failures, 1);
    }
}

#[test]
fn sign_in_honours_recorded_drift() {
    let state = MfaState {
        drift: 3,
        ..MfaState::default()
    };
    let out = policy().verify(SEED, &state, code(8), at(5));
    assert_eq!(out.result, Ok(Accepted { step: 8 }));
    assert_eq!(out.state.drift, 3);
    let out = policy().verify(SEED, &state, code(5), at(5));
    assert_eq!(out.result, Err(VerifyError::Invalid));
}

#[test]
fn accepted_steps_are_never_accepted_again() {
    let first = policy().verify(SEED, &MfaState::default(), code(5), at(5));
    assert!(first.result.is_ok());
    let again = policy().verify(SEED, &first.state, code(5), at(5) + 10);
    assert_eq!(again.result, Err(VerifyError::Replayed));
    // An older code that is still in the window is a replay too.
    let older = policy().verify(SEED, &first.state, code(4), at(5));
    assert_eq!(older.result, Err(VerifyError::Replayed));
    // The next step is fresh.
    let next = policy().verify(SEED, &again.state, code(6), at(6));
    assert_eq!(next.result, Ok(Accepted { step: 6 }));
    assert_eq!(next.state.failures, 0);
}

#[test]
fn malformed_codes_count_as_failures() {
    for bad in ["", "12345", "1234567", "12345a", " 755224"] {
        let out = policy().verify(SEED, &MfaState::default(), bad, at(0));
        assert_eq!(out.result, Err(VerifyError::Malformed), "{bad:?}");
        assert_eq!(out.state.failures, 1);
    }
}

#[test]
fn failures_lock_with_doubling_backoff() {
    let p = policy();
    let mut state = MfaState::default();
    let now = at(5);
    for failure in 1..=4 {
        state = p.verify(SEED, &state, "000000", now).state;
        assert_eq!(state.failures, failure);
        assert_eq!(state.locked_until, None);
    }
    state = p.verify(SEED, &state, "000000", now).state;
    assert_eq!(state.locked_until, Some(now + 30));

    // While locked even the right code is refused, and nothing is counted.
    let locked = p.verify(SEED, &state, code(5), now + 29);
    assert_eq!(locked.result, Err(VerifyError::Locked { until: now + 30 }));
    assert_eq!(locked.state, state);

    // After the lock, each further failure doubles it, up to 15 minutes.
    let mut t = now + 30;
    for expected in [60, 120, 240, 480, 900, 900] {
        state = p.verify(SEED, &state, "000000", t).state;
        assert_eq!(state.locked_until, Some(t + expected));
        t += expected;
    }
}

#[test]
fn success_after_lock_expiry_resets_failures() {
    let p = policy();
    let state = MfaState {
        failures: 5,
        locked_until: Some(at(5)),
        ..MfaState::default()
    };
    let out = p.verify(SEED, &state, code(5), at(5));
    assert_eq!(out.result, Ok(Accepted { step: 5 }));
    assert_eq!(out.state.failures, 0);
    assert_eq!(out.state.locked_until, None);
}

#[test]
fn enable_takes_consecutive_codes_and_records_drift() {
    // The server is at step 5; the device shows step 8 (3 ahead).
    let out = policy().synchronize(SEED, &MfaState::default(), code(7), code(8), at(5));
    assert_eq!(out.result, Ok(Synchronized { step: 8, drift: 3 }));
    assert_eq!(
        out.state,
        MfaState {
            drift: 3,
            last_step: Some(8),
            failures: 0,
            locked_until: None
        }
    );
    // A device behind the server.
    let out = policy().synchronize(SEED, &MfaState::default(), code(1), code(2), at(5));
    assert_eq!(out.result, Ok(Synchronized { step: 2, drift: -3 }));
}

#[test]
fn enable_refuses_codes_that_are_not_consecutive() {
    for (first, second) in [(7, 7), (8, 7), (6, 8), (2, 9)] {
        let out =
            policy().synchronize(SEED, &MfaState::default(), code(first), code(second), at(5));
        assert_eq!(
            out.result,
            Err(VerifyError::Invalid),
            "{first} then {second}"
        );
        assert_eq!(out.state.failures, 1);
    }
}

#[test]
fn sync_window_is_a_parameter() {
    let narrow = Policy {
        sync_window: 2,
        ..Policy::default()
    };
    let out = narrow.synchronize(SEED, &MfaState::default(), code(7), code(8), at(5));
    assert_eq!(out.result, Err(VerifyError::Invalid));
    let out = narrow.synchronize(SEED, &MfaState::default(), code(6), code(7), at(5));
    assert_eq!(out.result, Ok(Synchronized { step: 7, drift: 2 }));
}

#[test]
fn resync_refuses_replayed_pairs_and_replaces_drift() {
    let state = MfaState {
        drift: 4,
        last_step: Some(6),
        ..MfaState::default()
    };
    let replay = policy().synchronize(SEED, &state, code(5), code(6), at(5));
    assert_eq!(replay.result, Err(VerifyError::Replayed));
    // The first code of the pair at the last accepted step is a replay too.
    let half = policy().synchronize(SEED, &state, code(6), code(7), at(5));
    assert_eq!(half.result, Err(VerifyError::Replayed));
    let fresh = policy().synchronize(SEED, &state, code(7), code(8), at(7));
    assert_eq!(fresh.result, Ok(Synchronized { step: 8, drift: 1 }));
    assert_eq!(fresh.state.drift, 1);
}

#[test]
fn synchronize_respects_lockout() {
    let state = MfaState {
        failures: 5,
        locked_until: Some(at(9)),
        ..MfaState::default()
    };
    let out = policy().synchronize(SEED, &state, code(4), code(5), at(5));
    assert_eq!(out.result, Err(VerifyError::Locked { until: at(9) }));
}

#[test]
fn messages_never_contain_codes() {
    let messages = [
        VerifyError::Locked { until: 42 }.to_string(),
        VerifyError::Malformed.to_string(),
        VerifyError::Invalid.to_string(),
        VerifyError::Replayed.to_string(),
    ];
    assert_eq!(messages[0], "the MFA device is locked until 42");
    for message in messages {
        assert!(!message.bytes().any(|b| b.is_ascii_digit()) || message.ends_with("42"));
    }
}
