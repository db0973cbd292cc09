#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

#[test]
fn free_failures_then_doubling_waits_up_to_the_cap() {
    let throttle = Throttle::default();
    let who = [Subject::user("123456789012", "Alice")];
    let mut now = 1_000;
    for _ in 0..USER_FREE_FAILURES - 1 {
        assert_eq!(throttle.check(&who, now), Ok(()));
        throttle.failed(&who, now);
    }
    assert_eq!(throttle.check(&who, now), Ok(()));
    throttle.failed(&who, now);
    assert_eq!(throttle.check(&who, now), Err(5));
    now += 5;
    assert_eq!(throttle.check(&who, now), Ok(()));
    throttle.failed(&who, now);
    assert_eq!(throttle.check(&who, now), Err(10));
    for _ in 0..30 {
        throttle.failed(&who, now);
    }
    assert_eq!(throttle.check(&who, now), Err(MAX_DELAY_SECS));
}

#[test]
fn user_keys_fold_case_and_do_not_depend_on_existence() {
    let throttle = Throttle::default();
    for _ in 0..USER_FREE_FAILURES {
        throttle.failed(&[Subject::user("Acme", "NoSuchUser")], 0);
    }
    assert!(
        throttle
            .check(&[Subject::user("acme", "nosuchuser")], 0)
            .is_err()
    );
    assert!(throttle.check(&[Subject::user("acme", "other")], 0).is_ok());
}

#[test]
fn addresses_get_more_free_failures() {
    let throttle = Throttle::default();
    let address = [Subject::address("192.0.2.1")];
    for _ in 0..ADDRESS_FREE_FAILURES - 1 {
        throttle.failed(&address, 0);
    }
    assert!(throttle.check(&address, 0).is_ok());
    throttle.failed(&address, 0);
    assert!(throttle.check(&address, 0).is_err());
}

#[test]
fn success_clears_and_time_forgets() {
    let throttle = Throttle::default();
    let who = Subject::user("a", "b");
    for _ in 0..10 {
        throttle.failed(std::slice::from_ref(&who), 0);
    }
    assert!(throttle.check(std::slice::from_ref(&who), 0).is_err());
    throttle.succeeded(std::slice::from_ref(&who));
    assert!(throttle.check(std::slice::from_ref(&who), 0).is_ok());
    for _ in 0..10 {
        throttle.failed(std::slice::from_ref(&who), 0);
    }
    assert!(
        throttle
            .check(std::slice::from_ref(&who), FORGET_AFTER_SECS)
            .is_ok()
    );
    // A failure after the window starts the count again.
    throttle.failed(std::slice::from_ref(&who), FORGET_AFTER_SECS);
    assert!(
        throttle
            .check(std::slice::from_ref(&who), FORGET_AFTER_SECS)
            .is_ok()
    );
}

#[test]
fn parallel_reservations_admit_exactly_the_free_attempts() {
    let throttle = std::sync::Arc::new(Throttle::default());
    let admitted = std::sync::atomic::AtomicU32::new(0);
    std::thread::scope(|scope| {
        for _ in 0..60 {
            scope.spawn(|| {
                let who = [
                    Subject::user("acme", "alice"),
                    Subject::address("192.0.2.9"),
                ];
                if throttle.reserve(&who, 0).is_ok() {
                    admitted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(admitted.into_inner(), USER_FREE_FAILURES);
}

#[test]
fn a_refunded_or_successful_attempt_costs_the_address_nothing() {
    let throttle = Throttle::default();
    let address = Subject::address("192.0.2.1");
    for i in 0..ADDRESS_FREE_FAILURES * 2 {
        let who = [Subject::user("acme", &format!("u{i}")), address.clone()];
        assert_eq!(throttle.reserve(&who, 0), Ok(()));
        if i % 2 == 0 {
            throttle.succeeded(&who);
        } else {
            throttle.refund(&who);
        }
    }
    assert!(throttle.check(std::slice::from_ref(&address), 0).is_ok());
    // A refunded user attempt is not counted either.
    let who = [Subject::user("acme", "bob")];
    for _ in 0..USER_FREE_FAILURES * 2 {
        assert_eq!(throttle.reserve(&who, 0), Ok(()));
        throttle.refund(&who);
    }
}
