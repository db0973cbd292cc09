//! Master key handling, sealing, password hashing and identifiers.

use std::os::unix::fs::PermissionsExt;

use ironiam_store::id::{self, OsRandom};
use ironiam_store::secret::{
    EncryptedSecret, KEY_FILE, MasterKey, MfaSeed, PasswordHash, SecretAccessKey, SecretError,
};

use crate::fixture::CountingRandom;

#[test]
fn key_file_is_created_owner_only_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let first = MasterKey::load_or_create(dir.path(), &mut OsRandom).unwrap();
    let path = dir.path().join(KEY_FILE);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.trim().len(), 64);

    let second = MasterKey::load_or_create(dir.path(), &mut OsRandom).unwrap();
    let secret = SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned());
    let sealed = first
        .encrypt("AKIAEXAMPLE", &secret, &mut OsRandom)
        .unwrap();
    assert_eq!(second.decrypt("AKIAEXAMPLE", &sealed).unwrap(), secret);
}

#[test]
fn key_file_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    MasterKey::load_or_create(dir.path(), &mut OsRandom).unwrap();
    let path = dir.path().join(KEY_FILE);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = MasterKey::load_or_create(dir.path(), &mut OsRandom).unwrap_err();
    assert!(
        matches!(err, SecretError::KeyFilePermissions { mode: 0o644, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("chmod 600"), "{err}");
}

#[test]
fn malformed_key_is_refused() {
    let err = MasterKey::from_hex("abcd", "test").unwrap_err();
    assert!(matches!(err, SecretError::MalformedKey { .. }));
    let err = MasterKey::from_hex(&"zz".repeat(32), "test").unwrap_err();
    assert!(matches!(err, SecretError::MalformedKey { .. }));
    MasterKey::from_hex(&format!("  {}\n", "aB".repeat(32)), "test").unwrap();
    let err = MasterKey::from_env("IRONIAM_TEST_SURELY_UNSET_VARIABLE").unwrap_err();
    assert!(matches!(err, SecretError::EnvMissing(_)));
}

#[test]
fn wrong_key_or_swapped_row_fails_to_decrypt() {
    let right = MasterKey::generate(&mut OsRandom).unwrap();
    let wrong = MasterKey::generate(&mut OsRandom).unwrap();
    let secret = id::secret_access_key(&mut OsRandom).unwrap();
    let sealed = right.encrypt("AKIAONE", &secret, &mut OsRandom).unwrap();

    let err = wrong.decrypt("AKIAONE", &sealed).unwrap_err();
    assert!(matches!(&err, SecretError::Decrypt { key_id } if key_id == "AKIAONE"));
    assert!(err.to_string().contains("wrong master key"), "{err}");
    // Bound to its row: the same ciphertext under another key ID fails.
    assert!(matches!(
        right.decrypt("AKIATWO", &sealed),
        Err(SecretError::Decrypt { .. })
    ));
    // Tampering fails; garbage is reported as an unknown format.
    let mut bytes = sealed.as_bytes().to_vec();
    *bytes.last_mut().unwrap() ^= 1;
    assert!(
        right
            .decrypt("AKIAONE", &EncryptedSecret::from_bytes(bytes))
            .is_err()
    );
    assert!(matches!(
        right.decrypt("AKIAONE", &EncryptedSecret::from_bytes(vec![9, 9])),
        Err(SecretError::UnknownFormat { .. })
    ));
    // A fresh nonce each time.
    let again = right.encrypt("AKIAONE", &secret, &mut OsRandom).unwrap();
    assert_ne!(again, sealed);
}

#[test]
fn secrets_never_print() {
    let secret = SecretAccessKey::new("supersecretvalue".to_owned());
    let key = MasterKey::from_bytes([7; 32]);
    let hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned());
    for text in [
        format!("{secret:?}"),
        format!("{key:?}"),
        format!("{hash:?}"),
    ] {
        assert!(text.contains("[redacted]"), "{text}");
        assert!(
            !text.contains("supersecret") && !text.contains("argon2"),
            "{text}"
        );
    }
}

#[test]
fn passwords_hash_with_argon2id_and_verify() {
    let hash = PasswordHash::create("correct horse battery staple", &mut OsRandom).unwrap();
    assert!(
        hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        hash.as_phc()
    );
    assert!(hash.verify("correct horse battery staple").unwrap());
    assert!(!hash.verify("Correct horse battery staple").unwrap());
    let other = PasswordHash::create("correct horse battery staple", &mut OsRandom).unwrap();
    assert_ne!(hash, other, "salts differ");
    assert!(
        PasswordHash::from_phc("not a hash".to_owned())
            .verify("x")
            .is_err()
    );
}

#[test]
fn identifiers_have_iam_shapes_and_follow_the_rng() {
    let base32 = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    };
    let user = id::unique_id(id::USER_PREFIX, &mut OsRandom).unwrap();
    assert!(
        user.starts_with("AIDA") && user.len() == 21 && base32(&user),
        "{user}"
    );
    let key = id::access_key_id(&mut OsRandom).unwrap();
    assert!(
        key.starts_with("AKIA") && key.len() == 20 && base32(&key),
        "{key}"
    );
    let secret = id::secret_access_key(&mut OsRandom).unwrap();
    assert_eq!(secret.expose().len(), 40);
    let account = id::account_id(&mut OsRandom).unwrap();
    assert!(
        account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()),
        "{account}"
    );

    // Deterministic under an injected source.
    let a = id::unique_id(id::ROLE_PREFIX, &mut CountingRandom(0)).unwrap();
    let b = id::unique_id(id::ROLE_PREFIX, &mut CountingRandom(0)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, "AROAABCDEFGHIJKLMNOPQ");
}

#[test]
fn mfa_seeds_are_bound_to_their_device_and_never_print() {
    let key = MasterKey::generate(&mut OsRandom).unwrap();
    let other = MasterKey::generate(&mut OsRandom).unwrap();
    let seed = MfaSeed::generate(40, &mut OsRandom).unwrap();
    assert_eq!(seed.expose().len(), 40);
    let serial = "arn:aws:iam::123456789012:mfa/phone";
    let sealed = key.seal_mfa_seed(serial, &seed, &mut OsRandom).unwrap();
    assert_eq!(key.open_mfa_seed(serial, &sealed).unwrap(), seed);
    // Another device, another key, or the access-key binding: all refused.
    let err = key
        .open_mfa_seed("arn:aws:iam::123456789012:mfa/tablet", &sealed)
        .unwrap_err();
    assert!(
        matches!(&err, SecretError::SeedDecrypt { serial_number } if serial_number.ends_with("tablet")),
        "{err:?}"
    );
    assert!(matches!(
        other.open_mfa_seed(serial, &sealed),
        Err(SecretError::SeedDecrypt { .. })
    ));
    assert!(key.decrypt(serial, &sealed).is_err());
    assert!(matches!(
        key.open_mfa_seed(serial, &EncryptedSecret::from_bytes(vec![1])),
        Err(SecretError::SeedFormat { .. })
    ));
    let secret = id::secret_access_key(&mut OsRandom).unwrap();
    let access = key.encrypt(serial, &secret, &mut OsRandom).unwrap();
    assert!(key.open_mfa_seed(serial, &access).is_err());
    let printed = format!("{seed:?} {err}");
    assert!(printed.contains("[redacted]"), "{printed}");
    let hex: String = seed.expose().iter().map(|b| format!("{b:02x}")).collect();
    assert!(!printed.contains(&hex), "{printed}");
}

#[test]
fn hashing_in_reused_memory_agrees_with_the_allocating_hash() {
    use ironiam_store::secret::{PasswordHash, PasswordMemory};
    let mut memory = PasswordMemory::new();
    let mut rng = ironiam_store::id::OsRandom;
    let reused = PasswordHash::create_in("Correct-Horse-9", &mut rng, &mut memory).unwrap();
    let allocating = PasswordHash::create("Correct-Horse-9", &mut rng).unwrap();
    for hash in [&reused, &allocating] {
        assert!(hash.verify("Correct-Horse-9").unwrap());
        assert!(hash.verify_in("Correct-Horse-9", &mut memory).unwrap());
        assert!(!hash.verify_in("correct-horse-9", &mut memory).unwrap());
        assert!(!hash.verify("wrong").unwrap());
    }
    assert!(
        reused
            .as_phc()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        reused.as_phc()
    );
    // A stored hash with other parameters still verifies (the memory grows).
    let other = PasswordHash::from_phc(
        "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$M3PKu5Zvj3Wv5lAhxaqzRw9Kp9Nx3SxsJwFs1Dz/Ld8".to_owned(),
    );
    let _ = other.verify_in("x", &mut memory);
    assert!(
        PasswordHash::from_phc("$argon2id$nonsense".to_owned())
            .verify_in("x", &mut memory)
            .is_err()
    );
}
