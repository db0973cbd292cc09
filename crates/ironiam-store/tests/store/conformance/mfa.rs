//! Virtual MFA devices and the credential report, on every backend.

use std::sync::Arc;

use ironiam_store::record::{
    KeyOwner, MfaAssignment, MfaDeviceCounts, MfaVerification, PrincipalKind, Tag, Timestamp, arn,
};
use ironiam_store::{Entity, ListOptions, Store, StoreError, StoreExt};

use crate::fixture::*;

fn assigned_to(owner: KeyOwner, at: i64) -> Option<MfaAssignment> {
    Some(MfaAssignment {
        owner,
        enable_date: Timestamp::from_secs(at),
    })
}

pub(super) fn virtual_mfa_device_crud(store: &Arc<dyn Store>) {
    let phone = mfa_device("Phone");
    store
        .write(|tx| tx.insert_virtual_mfa_device(&phone))
        .unwrap();
    // Serial numbers are looked up, and collide, case-insensitively.
    let upper = phone
        .serial_number
        .to_uppercase()
        .replace("ARN:AWS:IAM", "arn:aws:iam");
    assert_eq!(
        store
            .read(|tx| tx.get_virtual_mfa_device(ACCOUNT, &upper))
            .unwrap(),
        phone
    );
    let err = store
        .write(|tx| tx.insert_virtual_mfa_device(&mfa_device("PHONE")))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::AlreadyExists {
                entity: Entity::MfaDevice,
                ..
            }
        ),
        "{err:?}"
    );
    // The same name under another path is another device.
    let mut elsewhere = mfa_device("Phone");
    elsewhere.path = "/team/".to_owned();
    elsewhere.serial_number = arn(ACCOUNT, "mfa", "/team/", "Phone");
    store
        .write(|tx| tx.insert_virtual_mfa_device(&elsewhere))
        .unwrap();

    // Tags, assignment and verify state are replaced; the rest is kept.
    store.write(|tx| tx.insert_user(&user("alice"))).unwrap();
    let mut changed = phone.clone();
    changed.tags = vec![Tag {
        key: "owner".to_owned(),
        value: "alice".to_owned(),
    }];
    changed.assignment = assigned_to(KeyOwner::User(user("alice").id), 1_700_000_100);
    changed.verification = MfaVerification {
        drift: -2,
        last_step: Some(56_666_670),
        failures: 3,
        locked_until: Some(Timestamp::from_secs(1_700_000_400)),
    };
    store
        .write(|tx| tx.update_virtual_mfa_device(&changed))
        .unwrap();
    assert_eq!(
        store
            .read(|tx| tx.get_virtual_mfa_device(ACCOUNT, &phone.serial_number))
            .unwrap(),
        changed
    );

    // Another account does not see it.
    store
        .write(|tx| tx.insert_account(&account("210987654321")))
        .unwrap();
    assert!(is_not_found(
        &store
            .read(|tx| tx.get_virtual_mfa_device("210987654321", &phone.serial_number))
            .unwrap_err()
    ));

    // Assignment to a user who does not exist is refused.
    let mut orphan = mfa_device("orphan");
    orphan.assignment = assigned_to(KeyOwner::User("AIDANOBODY".to_owned()), 0);
    let err = store
        .write(|tx| tx.insert_virtual_mfa_device(&orphan))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotFound {
                entity: Entity::User,
                ..
            }
        ),
        "{err:?}"
    );

    // Delete, then it is gone.
    store
        .write(|tx| tx.delete_virtual_mfa_device(ACCOUNT, &elsewhere.serial_number))
        .unwrap();
    let err = store
        .write(|tx| tx.delete_virtual_mfa_device(ACCOUNT, &elsewhere.serial_number))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotFound {
                entity: Entity::MfaDevice,
                ..
            }
        ),
        "{err:?}"
    );
    let err = store
        .write(|tx| tx.update_virtual_mfa_device(&elsewhere))
        .unwrap_err();
    assert!(is_not_found(&err));
}

pub(super) fn mfa_devices_list_by_assignment(store: &Arc<dyn Store>) {
    store
        .write(|tx| {
            tx.insert_user(&user("alice"))?;
            tx.insert_user(&user("bob"))
        })
        .unwrap();
    let alice = KeyOwner::User(user("alice").id);
    let mut devices = Vec::new();
    for (name, owner, at) in [
        ("d-alice-2", Some(alice.clone()), 20),
        ("a-root", Some(KeyOwner::Root), 5),
        ("c-free", None, 0),
        ("b-alice-1", Some(alice.clone()), 10),
        ("e-free", None, 0),
    ] {
        let mut device = mfa_device(name);
        device.assignment = owner.and_then(|owner| assigned_to(owner, at));
        devices.push(device);
    }
    store
        .write(|tx| {
            for device in &devices {
                tx.insert_virtual_mfa_device(device)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let names = |assigned: Option<bool>, options: ListOptions<'_>| -> (Vec<String>, bool) {
        let page = store
            .read(|tx| tx.list_virtual_mfa_devices(ACCOUNT, &options, assigned))
            .unwrap();
        (
            page.items.into_iter().map(|d| d.name).collect(),
            page.is_truncated,
        )
    };
    assert_eq!(
        names(None, ListOptions::all()).0,
        ["a-root", "b-alice-1", "c-free", "d-alice-2", "e-free"]
    );
    assert_eq!(
        names(Some(true), ListOptions::all()).0,
        ["a-root", "b-alice-1", "d-alice-2"]
    );
    assert_eq!(
        names(Some(false), ListOptions::all()).0,
        ["c-free", "e-free"]
    );
    // Pages resume after the last serial number, compared case-insensitively.
    assert_eq!(
        names(None, ListOptions::first(2)),
        (vec!["a-root".to_owned(), "b-alice-1".to_owned()], true)
    );
    let marker = arn(ACCOUNT, "mfa", "/", "B-ALICE-1");
    assert_eq!(
        names(None, ListOptions::first(2).after(&marker)),
        (vec!["c-free".to_owned(), "d-alice-2".to_owned()], true)
    );

    // An owner's devices, oldest enabled first.
    let of = |owner: &KeyOwner| -> Vec<String> {
        store
            .read(|tx| tx.list_assigned_mfa_devices(ACCOUNT, owner))
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect()
    };
    assert_eq!(of(&alice), ["b-alice-1", "d-alice-2"]);
    assert_eq!(of(&KeyOwner::Root), ["a-root"]);
    assert!(of(&KeyOwner::User(user("bob").id)).is_empty());
    assert_eq!(
        store.read(|tx| tx.mfa_device_counts(ACCOUNT)).unwrap(),
        MfaDeviceCounts {
            total: 5,
            assigned: 3,
            root: 1
        }
    );
}

pub(super) fn assigned_mfa_device_blocks_user_deletion(store: &Arc<dyn Store>) {
    store.write(|tx| tx.insert_user(&user("carol"))).unwrap();
    let mut device = mfa_device("carol");
    device.assignment = assigned_to(KeyOwner::User(user("carol").id), 100);
    store
        .write(|tx| tx.insert_virtual_mfa_device(&device))
        .unwrap();
    let usage = store
        .read(|tx| tx.usage(ACCOUNT, PrincipalKind::User, "carol"))
        .unwrap();
    assert_eq!(usage.mfa_devices, 1);
    assert!(!usage.is_unused());
    // The database's own backstop, under the caller's DeleteConflict check.
    let err = store
        .write(|tx| tx.delete_user(ACCOUNT, "carol"))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::InUse {
                entity: Entity::User,
                ..
            }
        ),
        "{err:?}"
    );
    // Unassigned, the device no longer holds the user.
    device.assignment = None;
    store
        .write(|tx| tx.update_virtual_mfa_device(&device))
        .unwrap();
    let usage = store
        .read(|tx| tx.usage(ACCOUNT, PrincipalKind::User, "carol"))
        .unwrap();
    assert!(usage.is_unused());
    store.write(|tx| tx.delete_user(ACCOUNT, "carol")).unwrap();
    assert_eq!(
        store.read(|tx| tx.mfa_device_counts(ACCOUNT)).unwrap(),
        MfaDeviceCounts {
            total: 1,
            assigned: 0,
            root: 0
        }
    );
}

pub(super) fn credential_report_is_one_snapshot_per_account(store: &Arc<dyn Store>) {
    let err = store
        .read(|tx| tx.get_credential_report(ACCOUNT))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotFound {
                entity: Entity::CredentialReport,
                ..
            }
        ),
        "{err:?}"
    );
    let first = credential_report("user,arn\nalice,arn:aws:iam::123456789012:user/alice");
    store.write(|tx| tx.put_credential_report(&first)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_credential_report(ACCOUNT)).unwrap(),
        first
    );
    let mut second = credential_report("user,arn");
    second.generated_time = Timestamp::from_secs(NOW.as_secs() + 4 * 3600);
    store.write(|tx| tx.put_credential_report(&second)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_credential_report(ACCOUNT)).unwrap(),
        second
    );
    let mut stray = credential_report("user,arn");
    stray.account_id = "999999999999".to_owned();
    let err = store
        .write(|tx| tx.put_credential_report(&stray))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotFound {
                entity: Entity::Account,
                ..
            }
        ),
        "{err:?}"
    );
}
