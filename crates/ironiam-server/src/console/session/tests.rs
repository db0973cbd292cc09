#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

#[test]
fn ids_and_tokens_are_256_bit_and_distinct() {
    let a = random_token().unwrap();
    let b = random_token().unwrap();
    assert_eq!(a.len(), 64);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

#[test]
fn the_table_keys_by_hash_and_never_holds_the_id() {
    let sessions = Sessions::default();
    let id = sessions
        .insert(Session::anonymous(100).unwrap(), 100)
        .unwrap();
    assert!(!sessions.lock().contains_key(&id));
    assert!(matches!(sessions.get(&id, 101), Lookup::Live(_)));
    assert!(matches!(sessions.get("nope", 101), Lookup::Missing));
    sessions.remove(&id);
    assert!(matches!(sessions.get(&id, 101), Lookup::Missing));
}

#[test]
fn idle_timeout_counts_from_the_last_request() {
    let sessions = Sessions::default();
    let id = sessions.insert(Session::anonymous(0).unwrap(), 0).unwrap();
    assert!(matches!(
        sessions.get(&id, IDLE_TIMEOUT_SECS - 1),
        Lookup::Live(_)
    ));
    // Touched at IDLE-1, so alive until 2*IDLE-2.
    assert!(matches!(
        sessions.get(&id, 2 * IDLE_TIMEOUT_SECS - 2),
        Lookup::Live(_)
    ));
    assert!(matches!(
        sessions.get(&id, 3 * IDLE_TIMEOUT_SECS),
        Lookup::Expired
    ));
    assert!(matches!(
        sessions.get(&id, 3 * IDLE_TIMEOUT_SECS),
        Lookup::Missing
    ));
}

#[test]
fn absolute_timeout_counts_from_sign_in_however_active() {
    let sessions = Sessions::default();
    let mut session = Session::anonymous(0).unwrap();
    session.signer = Some(Signer {
        account_id: "123456789012".to_owned(),
        user: None,
        signed_in_at: 10,
    });
    session.stage = Stage::Active;
    let id = sessions.insert(session, 10).unwrap();
    let mut now = 10;
    while now + 600 < 10 + ABSOLUTE_TIMEOUT_SECS {
        now += 600;
        assert!(matches!(sessions.get(&id, now), Lookup::Live(_)), "{now}");
    }
    assert!(matches!(
        sessions.get(&id, 10 + ABSOLUTE_TIMEOUT_SECS),
        Lookup::Expired
    ));
}

#[test]
fn removing_a_user_ends_only_that_users_sessions() {
    let sessions = Sessions::default();
    let signed = |user: &str| {
        let mut s = Session::anonymous(0).unwrap();
        s.signer = Some(Signer {
            account_id: "123456789012".to_owned(),
            user: Some((user.to_owned(), user.to_owned())),
            signed_in_at: 0,
        });
        s
    };
    let a = sessions.insert(signed("AIDAA"), 0).unwrap();
    let b = sessions.insert(signed("AIDAB"), 0).unwrap();
    sessions.remove_user("AIDAA");
    assert!(matches!(sessions.get(&a, 1), Lookup::Missing));
    assert!(matches!(sessions.get(&b, 1), Lookup::Live(_)));
}

#[test]
fn token_comparison() {
    assert!(same_token("abc", "abc"));
    assert!(!same_token("abc", "abd"));
    assert!(!same_token("abc", "ab"));
    assert!(!same_token("", "a"));
}

#[test]
fn pending_device_debug_hides_the_seed() {
    let device = PendingDevice {
        serial: "arn:aws:iam::123456789012:mfa/alice".to_owned(),
        seed: "JBSWY3DPEHPK3PXP".to_owned(),
        qr_png_base64: "iVBORw0KGgo=".to_owned(),
    };
    let text = format!("{device:?}");
    assert!(!text.contains("JBSWY3DPEHPK3PXP"));
    assert!(!text.contains("iVBOR"));
}
