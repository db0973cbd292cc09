//! The conformance suite: written against `dyn Store`, run on every backend.

use std::sync::{Arc, Barrier};
use std::thread;

use ironiam_store::record::{
    AccessKey, AccessKeyStatus, InlinePolicy, KeyOwner, LoginProfile, PrincipalKind, Tag,
};
use ironiam_store::secret::{EncryptedSecret, PasswordHash};
use ironiam_store::{Entity, ListOptions, Store, StoreError, StoreExt, Usage};

use crate::fixture::*;

mod compliance;
use compliance::{
    config_rule_crud, config_rules_are_per_account_and_region,
    evaluation_results_replace_upsert_and_go_with_their_rule,
};
mod mfa;
use mfa::{
    assigned_mfa_device_blocks_user_deletion, credential_report_is_one_snapshot_per_account,
    mfa_devices_list_by_assignment, virtual_mfa_device_crud,
};

/// Runs each suite function against each backend as its own test.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod file {
            $(#[test] fn $name() { let b = crate::fixture::file_backend(); super::$name(&b.store); })*
        }
        mod memory {
            $(#[test] fn $name() { let b = crate::fixture::memory_backend(); super::$name(&b.store); })*
        }
    };
}

conformance!(
    user_crud,
    names_are_unique_case_insensitively,
    pagination_orders_by_name_and_resumes_after_marker,
    group_membership,
    role_crud,
    policy_versions_and_attachments,
    inline_policies,
    access_keys_and_login_profiles,
    failed_transaction_writes_nothing,
    read_only_transaction_refuses_writes,
    concurrent_creates_of_one_name_admit_exactly_one,
    concurrent_read_modify_write_loses_no_update,
    concurrent_attachments_are_all_counted,
    accounts,
    console_settings,
    virtual_mfa_device_crud,
    mfa_devices_list_by_assignment,
    assigned_mfa_device_blocks_user_deletion,
    credential_report_is_one_snapshot_per_account,
    config_rule_crud,
    config_rules_are_per_account_and_region,
    evaluation_results_replace_upsert_and_go_with_their_rule,
);

fn user_crud(store: &Arc<dyn Store>) {
    store.write(|tx| tx.insert_user(&user("Alice"))).unwrap();
    let got = store.read(|tx| tx.get_user(ACCOUNT, "alice")).unwrap();
    assert_eq!(got, user("Alice"));
    assert_eq!(
        store.read(|tx| tx.get_user_by_id(&got.id)).unwrap().name,
        "Alice"
    );

    // Rename and retag.
    let mut renamed = got.clone();
    renamed.name = "Alicia".to_owned();
    renamed.arn = ironiam_store::record::arn(ACCOUNT, "user", "/", "Alicia");
    renamed.tags = vec![Tag {
        key: "team".to_owned(),
        value: "blue".to_owned(),
    }];
    renamed.password_last_used = Some(NOW);
    store.write(|tx| tx.update_user(&renamed)).unwrap();
    assert!(is_not_found(
        &store.read(|tx| tx.get_user(ACCOUNT, "Alice")).unwrap_err()
    ));
    assert_eq!(
        store.read(|tx| tx.get_user(ACCOUNT, "ALICIA")).unwrap(),
        renamed
    );

    store.write(|tx| tx.delete_user(ACCOUNT, "alicia")).unwrap();
    let err = store
        .write(|tx| tx.delete_user(ACCOUNT, "alicia"))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound { entity: Entity::User, name } if name == "alicia"),
        "{err:?}"
    );
    let err = store.write(|tx| tx.update_user(&renamed)).unwrap_err();
    assert!(is_not_found(&err));
}

fn names_are_unique_case_insensitively(store: &Arc<dyn Store>) {
    store.write(|tx| tx.insert_user(&user("Bob"))).unwrap();
    let mut twin = user("BOB");
    twin.id = "AIDAOTHERID000000000".to_owned();
    let err = store.write(|tx| tx.insert_user(&twin)).unwrap_err();
    assert!(
        matches!(&err, StoreError::AlreadyExists { entity: Entity::User, name } if name == "BOB"),
        "{err:?}"
    );

    // Per entity type: a group, role and policy may share the user's name.
    store.write(|tx| tx.insert_group(&group("bob"))).unwrap();
    store.write(|tx| tx.insert_role(&role("bob"))).unwrap();
    create_policy(store.as_ref(), "bob");
    let mut g = group("BoB");
    g.id = "AGPAOTHER".to_owned();
    assert!(is_already_exists(
        &store.write(|tx| tx.insert_group(&g)).unwrap_err()
    ));
    let mut r = role("BOB");
    r.id = "AROAOTHER".to_owned();
    assert!(is_already_exists(
        &store.write(|tx| tx.insert_role(&r)).unwrap_err()
    ));
    let mut p = crate::fixture::policy("Bob");
    p.id = "ANPAOTHER".to_owned();
    assert!(is_already_exists(
        &store.write(|tx| tx.insert_policy(&p)).unwrap_err()
    ));

    // Renaming onto a taken name collides too.
    store.write(|tx| tx.insert_user(&user("carol"))).unwrap();
    let mut carol = user("carol");
    carol.name = "bOb".to_owned();
    assert!(is_already_exists(
        &store.write(|tx| tx.update_user(&carol)).unwrap_err()
    ));

    // Another account has its own namespace.
    store
        .write(|tx| tx.insert_account(&account("210987654321")))
        .unwrap();
    let mut elsewhere = user("bob");
    elsewhere.id = "AIDAELSEWHERE".to_owned();
    elsewhere.account_id = "210987654321".to_owned();
    store.write(|tx| tx.insert_user(&elsewhere)).unwrap();
}

fn pagination_orders_by_name_and_resumes_after_marker(store: &Arc<dyn Store>) {
    let names = ["delta", "Alpha", "charlie", "echo", "Bravo"];
    store
        .write(|tx| {
            for name in names {
                let mut u = user(name);
                if name == "charlie" || name == "delta" {
                    u.path = "/eng/".to_owned();
                }
                tx.insert_user(&u)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = store
            .read(|tx| {
                let mut options = ListOptions::first(2);
                options.after = marker.as_deref();
                tx.list_users(ACCOUNT, &options)
            })
            .unwrap();
        pages += 1;
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|u| u.name.clone()));
        if !page.is_truncated {
            break;
        }
        marker = page.items.last().map(|u| u.name.clone());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["Alpha", "Bravo", "charlie", "delta", "echo"]);

    // The marker compares case-insensitively.
    let page = store
        .read(|tx| tx.list_users(ACCOUNT, &ListOptions::all().after("BRAVO")))
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(!page.is_truncated);

    // Exactly `limit` left: not truncated.
    let page = store
        .read(|tx| tx.list_users(ACCOUNT, &ListOptions::first(5)))
        .unwrap();
    assert_eq!((page.items.len(), page.is_truncated), (5, false));

    let page = store
        .read(|tx| tx.list_users(ACCOUNT, &ListOptions::all().path_prefix("/eng")))
        .unwrap();
    let names: Vec<_> = page.items.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["charlie", "delta"]);
}

fn group_membership(store: &Arc<dyn Store>) {
    store
        .write(|tx| {
            tx.insert_group(&group("admins"))?;
            tx.insert_group(&group("devs"))?;
            tx.insert_user(&user("ann"))?;
            tx.insert_user(&user("ben"))
        })
        .unwrap();
    assert!(
        store
            .write(|tx| tx.add_user_to_group(ACCOUNT, "Admins", "ANN"))
            .unwrap()
    );
    assert!(
        !store
            .write(|tx| tx.add_user_to_group(ACCOUNT, "admins", "ann"))
            .unwrap()
    );
    assert!(
        store
            .write(|tx| tx.add_user_to_group(ACCOUNT, "devs", "ann"))
            .unwrap()
    );
    assert!(
        store
            .write(|tx| tx.add_user_to_group(ACCOUNT, "admins", "ben"))
            .unwrap()
    );
    let err = store
        .write(|tx| tx.add_user_to_group(ACCOUNT, "admins", "nobody"))
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::NotFound {
            entity: Entity::User,
            ..
        }
    ));

    let groups = store
        .read(|tx| tx.list_groups_for_user(ACCOUNT, "ann", &ListOptions::all()))
        .unwrap();
    let names: Vec<_> = groups.items.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["admins", "devs"]);
    let members = store
        .read(|tx| tx.list_group_members(ACCOUNT, "admins", &ListOptions::first(1)))
        .unwrap();
    assert_eq!(members.items[0].name, "ann");
    assert!(members.is_truncated);

    let usage = store
        .read(|tx| tx.usage(ACCOUNT, PrincipalKind::User, "ann"))
        .unwrap();
    assert_eq!(usage.group_memberships, 2);
    let usage = store
        .read(|tx| tx.usage(ACCOUNT, PrincipalKind::Group, "admins"))
        .unwrap();
    assert_eq!(usage.group_memberships, 2);

    // Deleting a member is refused by the database's backstop.
    let err = store
        .write(|tx| tx.delete_user(ACCOUNT, "ben"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::InUse {
                entity: Entity::User,
                ..
            }
        ),
        "{err:?}"
    );

    assert!(
        store
            .write(|tx| tx.remove_user_from_group(ACCOUNT, "admins", "ben"))
            .unwrap()
    );
    assert!(
        !store
            .write(|tx| tx.remove_user_from_group(ACCOUNT, "admins", "ben"))
            .unwrap()
    );
    store.write(|tx| tx.delete_user(ACCOUNT, "ben")).unwrap();

    let mut renamed = store.read(|tx| tx.get_group(ACCOUNT, "devs")).unwrap();
    renamed.name = "developers".to_owned();
    store.write(|tx| tx.update_group(&renamed)).unwrap();
    let all = store
        .read(|tx| tx.list_groups(ACCOUNT, &ListOptions::all()))
        .unwrap();
    let names: Vec<_> = all.items.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["admins", "developers"]);
    store
        .write(|tx| tx.remove_user_from_group(ACCOUNT, "developers", "ann"))
        .unwrap();
    store
        .write(|tx| tx.delete_group(ACCOUNT, "developers"))
        .unwrap();
}

fn role_crud(store: &Arc<dyn Store>) {
    store.write(|tx| tx.insert_role(&role("Deployer"))).unwrap();
    let mut got = store.read(|tx| tx.get_role(ACCOUNT, "deployer")).unwrap();
    assert_eq!(got, role("Deployer"));
    got.description = None;
    got.max_session_duration = 43200;
    got.permissions_boundary = Some("arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned());
    got.role_last_used = Some(ironiam_store::record::RoleLastUsed {
        last_used_date: NOW,
        region: "eu-west-1".to_owned(),
    });
    store.write(|tx| tx.update_role(&got)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_role(ACCOUNT, "DEPLOYER")).unwrap(),
        got
    );
    let roles = store
        .read(|tx| tx.list_roles(ACCOUNT, &ListOptions::all()))
        .unwrap();
    assert_eq!(roles.items.len(), 1);
    assert_eq!(
        store
            .read(|tx| tx.usage(ACCOUNT, PrincipalKind::Role, "deployer"))
            .unwrap(),
        Usage::default()
    );
    store
        .write(|tx| tx.delete_role(ACCOUNT, "deployer"))
        .unwrap();
    assert!(is_not_found(
        &store
            .read(|tx| tx.get_role(ACCOUNT, "deployer"))
            .unwrap_err()
    ));
}

fn policy_versions_and_attachments(store: &Arc<dyn Store>) {
    let p = create_policy(store.as_ref(), "ReadStuff");
    store
        .write(|tx| {
            tx.insert_user(&user("u1"))?;
            tx.insert_group(&group("g1"))?;
            tx.insert_role(&role("r1"))
        })
        .unwrap();

    // Versions: add v2, make it default, list newest first.
    store
        .write(|tx| {
            let mut current = tx.get_policy(ACCOUNT, &p.arn)?;
            current.latest_version += 1;
            tx.insert_policy_version(&version(&current, current.latest_version))?;
            current.default_version = current.latest_version;
            current.update_date = ironiam_store::record::Timestamp::from_secs(NOW.as_secs() + 60);
            tx.update_policy(&current)
        })
        .unwrap();
    let got = store.read(|tx| tx.get_policy(ACCOUNT, &p.arn)).unwrap();
    assert_eq!(got.default_version_id(), "v2");
    let versions = store.read(|tx| tx.list_policy_versions(&p.id)).unwrap();
    let ids: Vec<_> = versions.iter().map(|v| v.version_id()).collect();
    assert_eq!(ids, ["v2", "v1"]);
    assert!(versions[0].is_default(&got) && !versions[1].is_default(&got));
    let err = store
        .write(|tx| tx.insert_policy_version(&version(&p, 2)))
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::AlreadyExists {
            entity: Entity::PolicyVersion,
            ..
        }
    ));
    store
        .write(|tx| tx.delete_policy_version(&p.id, 1))
        .unwrap();
    assert!(is_not_found(
        &store
            .read(|tx| tx.get_policy_version(&p.id, 1))
            .unwrap_err()
    ));

    // Attachments, counted by the store.
    for kind in [
        PrincipalKind::User,
        PrincipalKind::Group,
        PrincipalKind::Role,
    ] {
        let name = format!("{}1", &kind_name(kind)[..1]);
        assert!(
            store
                .write(|tx| tx.attach_policy(ACCOUNT, kind, &name, &p.arn))
                .unwrap()
        );
        assert!(
            !store
                .write(|tx| tx.attach_policy(ACCOUNT, kind, &name, &p.arn))
                .unwrap()
        );
        let attached = store
            .read(|tx| tx.list_attached_policies(ACCOUNT, kind, &name, &ListOptions::all()))
            .unwrap();
        assert_eq!(attached.items[0].policy_arn, p.arn);
    }
    let got = store.read(|tx| tx.get_policy(ACCOUNT, &p.arn)).unwrap();
    assert_eq!(got.attachment_count, 3);
    let entities = store
        .read(|tx| tx.list_policy_entities(ACCOUNT, &p.arn))
        .unwrap();
    let kinds: Vec<_> = entities.iter().map(|e| (e.kind, e.name.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (PrincipalKind::User, "u1"),
            (PrincipalKind::Group, "g1"),
            (PrincipalKind::Role, "r1")
        ]
    );

    // OnlyAttached filter.
    create_policy(store.as_ref(), "Unused");
    let all = store
        .read(|tx| tx.list_policies(ACCOUNT, &ListOptions::all(), false))
        .unwrap();
    assert_eq!(all.items.len(), 2);
    let attached = store
        .read(|tx| tx.list_policies(ACCOUNT, &ListOptions::all(), true))
        .unwrap();
    assert_eq!(attached.items.len(), 1);
    assert_eq!(attached.items[0].name, "ReadStuff");

    // Permissions boundary usage is derived too.
    let mut u = store.read(|tx| tx.get_user(ACCOUNT, "u1")).unwrap();
    u.permissions_boundary = Some(p.arn.clone());
    store.write(|tx| tx.update_user(&u)).unwrap();
    let got = store.read(|tx| tx.get_policy(ACCOUNT, &p.arn)).unwrap();
    assert_eq!(got.permissions_boundary_usage_count, 1);

    let usage = store
        .read(|tx| tx.usage(ACCOUNT, PrincipalKind::User, "u1"))
        .unwrap();
    assert_eq!(usage.attached_policies, 1);

    // An attached policy cannot be deleted; a detached one goes with its versions.
    let err = store
        .write(|tx| tx.delete_policy(ACCOUNT, &p.arn))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::InUse {
                entity: Entity::Policy,
                ..
            }
        ),
        "{err:?}"
    );
    for kind in [
        PrincipalKind::User,
        PrincipalKind::Group,
        PrincipalKind::Role,
    ] {
        let name = format!("{}1", &kind_name(kind)[..1]);
        assert!(
            store
                .write(|tx| tx.detach_policy(ACCOUNT, kind, &name, &p.arn))
                .unwrap()
        );
    }
    store.write(|tx| tx.delete_policy(ACCOUNT, &p.arn)).unwrap();
    assert!(
        store
            .read(|tx| tx.list_policy_versions(&p.id))
            .unwrap()
            .is_empty()
    );
    assert!(is_not_found(
        &store.read(|tx| tx.get_policy(ACCOUNT, &p.arn)).unwrap_err()
    ));
}

fn inline_policies(store: &Arc<dyn Store>) {
    store.write(|tx| tx.insert_user(&user("writer"))).unwrap();
    let doc = |n: u32| InlinePolicy {
        name: "Inline".to_owned(),
        document: format!("{{\"n\":{n}}}"),
    };
    let kind = PrincipalKind::User;
    assert!(
        store
            .write(|tx| tx.put_inline_policy(ACCOUNT, kind, "writer", &doc(1)))
            .unwrap()
    );
    assert!(
        !store
            .write(|tx| tx.put_inline_policy(ACCOUNT, kind, "writer", &doc(2)))
            .unwrap()
    );
    let got = store
        .read(|tx| tx.get_inline_policy(ACCOUNT, kind, "writer", "INLINE"))
        .unwrap();
    assert_eq!(got, doc(2));
    let second = InlinePolicy {
        name: "another".to_owned(),
        document: "{}".to_owned(),
    };
    store
        .write(|tx| tx.put_inline_policy(ACCOUNT, kind, "writer", &second))
        .unwrap();
    let listed = store
        .read(|tx| tx.list_inline_policies(ACCOUNT, kind, "writer", &ListOptions::first(1)))
        .unwrap();
    assert_eq!(listed.items, std::slice::from_ref(&second));
    assert!(listed.is_truncated);
    assert_eq!(
        store
            .read(|tx| tx.usage(ACCOUNT, kind, "writer"))
            .unwrap()
            .inline_policies,
        2
    );
    let err = store
        .write(|tx| tx.delete_user(ACCOUNT, "writer"))
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }));
    store
        .write(|tx| tx.delete_inline_policy(ACCOUNT, kind, "writer", "inline"))
        .unwrap();
    store
        .write(|tx| tx.delete_inline_policy(ACCOUNT, kind, "writer", "another"))
        .unwrap();
    let err = store
        .write(|tx| tx.delete_inline_policy(ACCOUNT, kind, "writer", "another"))
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::NotFound {
            entity: Entity::InlinePolicy,
            ..
        }
    ));
    store.write(|tx| tx.delete_user(ACCOUNT, "writer")).unwrap();
}

fn access_keys_and_login_profiles(store: &Arc<dyn Store>) {
    let u = user("keyholder");
    store.write(|tx| tx.insert_user(&u)).unwrap();
    let key = |id: &str, owner: KeyOwner| AccessKey {
        id: id.to_owned(),
        account_id: ACCOUNT.to_owned(),
        owner,
        secret: EncryptedSecret::from_bytes(vec![1, 2, 3]),
        status: AccessKeyStatus::Active,
        create_date: NOW,
        last_used: None,
    };
    let user_key = key("AKIAUSERKEY000000001", KeyOwner::User(u.id.clone()));
    let root_key = key("AKIAROOTKEY000000001", KeyOwner::Root);
    store
        .write(|tx| {
            tx.insert_access_key(&user_key)?;
            tx.insert_access_key(&root_key)
        })
        .unwrap();
    assert!(is_already_exists(
        &store
            .write(|tx| tx.insert_access_key(&root_key))
            .unwrap_err()
    ));
    let orphan = key(
        "AKIAORPHAN0000000001",
        KeyOwner::User("AIDANOSUCHUSER".to_owned()),
    );
    let err = store.write(|tx| tx.insert_access_key(&orphan)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: Entity::User,
                ..
            }
        ),
        "{err:?}"
    );

    assert_eq!(
        store.read(|tx| tx.get_access_key(&user_key.id)).unwrap(),
        user_key
    );
    let roots = store
        .read(|tx| tx.list_access_keys(ACCOUNT, &KeyOwner::Root))
        .unwrap();
    assert_eq!(roots, std::slice::from_ref(&root_key));

    let mut used = user_key.clone();
    used.status = AccessKeyStatus::Inactive;
    used.last_used = Some(ironiam_store::record::AccessKeyLastUsed {
        last_used_date: NOW,
        service_name: "iam".to_owned(),
        region: "us-east-1".to_owned(),
    });
    store.write(|tx| tx.update_access_key(&used)).unwrap();
    let mine = store
        .read(|tx| tx.list_access_keys(ACCOUNT, &KeyOwner::User(u.id.clone())))
        .unwrap();
    assert_eq!(mine, [used]);

    let profile = LoginProfile {
        user_id: u.id.clone(),
        password_hash: PasswordHash::from_phc(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        ),
        password_reset_required: true,
        create_date: NOW,
        password_history: Vec::new(),
        password_changed: Some(NOW),
    };
    store.write(|tx| tx.insert_login_profile(&profile)).unwrap();
    assert!(is_already_exists(
        &store
            .write(|tx| tx.insert_login_profile(&profile))
            .unwrap_err()
    ));
    let mut changed = store.read(|tx| tx.get_login_profile(&u.id)).unwrap();
    assert_eq!(changed, profile);
    changed.password_reset_required = false;
    changed.password_history = vec![profile.password_hash.clone()];
    changed.password_changed = Some(ironiam_store::record::Timestamp::from_secs(
        NOW.as_secs() + 60,
    ));
    store.write(|tx| tx.update_login_profile(&changed)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_login_profile(&u.id)).unwrap(),
        changed
    );
    assert!(
        !store
            .read(|tx| tx.get_login_profile(&u.id))
            .unwrap()
            .password_reset_required
    );

    let usage = store
        .read(|tx| tx.usage(ACCOUNT, PrincipalKind::User, "keyholder"))
        .unwrap();
    assert_eq!((usage.access_keys, usage.login_profile), (1, true));
    assert!(!usage.is_unused());

    store.write(|tx| tx.delete_login_profile(&u.id)).unwrap();
    store
        .write(|tx| tx.delete_access_key(ACCOUNT, &user_key.id))
        .unwrap();
    assert!(is_not_found(
        &store
            .write(|tx| tx.delete_access_key(ACCOUNT, &user_key.id))
            .unwrap_err()
    ));
    assert!(
        store
            .read(|tx| tx.usage(ACCOUNT, PrincipalKind::User, "keyholder"))
            .unwrap()
            .is_unused()
    );
    store
        .write(|tx| tx.delete_user(ACCOUNT, "keyholder"))
        .unwrap();
}

/// The caller's own error type, as the server's `ApiError` would be.
#[derive(Debug, PartialEq)]
enum CallerError {
    Conflict,
    Store(String),
}

impl From<StoreError> for CallerError {
    fn from(err: StoreError) -> Self {
        Self::Store(err.to_string())
    }
}

fn failed_transaction_writes_nothing(store: &Arc<dyn Store>) {
    let result: Result<(), CallerError> = store.write(|tx| {
        tx.insert_user(&user("ghost"))?;
        tx.insert_group(&group("ghosts"))?;
        Err(CallerError::Conflict)
    });
    assert_eq!(result, Err(CallerError::Conflict));
    // A store error midway rolls back the earlier writes too.
    store.write(|tx| tx.insert_user(&user("taken"))).unwrap();
    let err = store
        .write(|tx| {
            tx.insert_user(&user("ghost"))?;
            tx.insert_user(&user("TAKEN"))
        })
        .unwrap_err();
    assert!(is_already_exists(&err));
    assert!(is_not_found(
        &store.read(|tx| tx.get_user(ACCOUNT, "ghost")).unwrap_err()
    ));
    assert!(is_not_found(
        &store
            .read(|tx| tx.get_group(ACCOUNT, "ghosts"))
            .unwrap_err()
    ));
    // Values come back out of a successful transaction.
    let id = store
        .write(|tx| {
            tx.insert_user(&user("real"))?;
            Ok::<_, StoreError>(tx.get_user(ACCOUNT, "real")?.id)
        })
        .unwrap();
    assert_eq!(id, user("real").id);
}

fn read_only_transaction_refuses_writes(store: &Arc<dyn Store>) {
    let err = store
        .read(|tx| tx.insert_user(&user("sneaky")))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    // The store is still writable afterwards.
    store.write(|tx| tx.insert_user(&user("honest"))).unwrap();
    assert!(is_not_found(
        &store.read(|tx| tx.get_user(ACCOUNT, "sneaky")).unwrap_err()
    ));
}

fn concurrent_creates_of_one_name_admit_exactly_one(store: &Arc<dyn Store>) {
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let store = Arc::clone(store);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let mut u = user("racer");
                u.id = format!("AIDARACER{i:012}");
                if i % 2 == 0 {
                    u.name = "RACER".to_owned();
                }
                barrier.wait();
                store.write(|tx| {
                    // Check-then-insert, as a handler would: still safe.
                    match tx.get_user(ACCOUNT, "racer") {
                        Ok(_) => Err(StoreError::AlreadyExists {
                            entity: Entity::User,
                            name: u.name.clone(),
                        }),
                        Err(StoreError::NotFound { .. }) => tx.insert_user(&u),
                        Err(err) => Err(err),
                    }
                })
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let exists = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::AlreadyExists { .. })))
        .count();
    assert_eq!((ok, exists), (1, 7), "{results:?}");
    let users = store
        .read(|tx| tx.list_users(ACCOUNT, &ListOptions::all()))
        .unwrap();
    assert_eq!(users.items.len(), 1);
}

fn concurrent_read_modify_write_loses_no_update(store: &Arc<dyn Store>) {
    store.write(|tx| tx.insert_user(&user("counter"))).unwrap();
    let handles: Vec<_> = (0..8)
        .map(|thread_no| {
            let store = Arc::clone(store);
            thread::spawn(move || {
                for i in 0..10 {
                    store
                        .write(|tx| {
                            let mut u = tx.get_user(ACCOUNT, "counter")?;
                            u.tags.push(Tag {
                                key: format!("t{thread_no}-{i}"),
                                value: String::new(),
                            });
                            tx.update_user(&u)
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let u = store.read(|tx| tx.get_user(ACCOUNT, "counter")).unwrap();
    assert_eq!(u.tags.len(), 80);
}

fn concurrent_attachments_are_all_counted(store: &Arc<dyn Store>) {
    let p = create_policy(store.as_ref(), "Shared");
    store
        .write(|tx| {
            for i in 0..40 {
                tx.insert_user(&user(&format!("worker{i}")))?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(store);
            let arn = p.arn.clone();
            thread::spawn(move || {
                for i in (t..40).step_by(8) {
                    let name = format!("worker{i}");
                    store
                        .write(|tx| tx.attach_policy(ACCOUNT, PrincipalKind::User, &name, &arn))
                        .unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let got = store.read(|tx| tx.get_policy(ACCOUNT, &p.arn)).unwrap();
    assert_eq!(got.attachment_count, 40);
}

fn accounts(store: &Arc<dyn Store>) {
    let mut a = store.read(|tx| tx.get_account(ACCOUNT)).unwrap();
    assert_eq!(a, account(ACCOUNT));
    a.alias = Some("acme".to_owned());
    a.password_policy = Some(ironiam_store::record::PasswordPolicy {
        max_password_age: Some(90),
        ..Default::default()
    });
    store.write(|tx| tx.update_account(&a)).unwrap();
    let got = store.read(|tx| tx.get_account(ACCOUNT)).unwrap();
    assert_eq!(got, a);
    assert!(got.password_policy.as_ref().unwrap().expire_passwords());
    assert_eq!(got.password_policy.unwrap().minimum_password_length, 6);

    let mut other = account("210987654321");
    other.alias = Some("acme".to_owned());
    assert!(is_already_exists(
        &store.write(|tx| tx.insert_account(&other)).unwrap_err()
    ));
    assert!(is_already_exists(
        &store
            .write(|tx| tx.insert_account(&account(ACCOUNT)))
            .unwrap_err()
    ));
    assert_eq!(store.read(|tx| tx.list_accounts()).unwrap().len(), 1);
    assert!(is_not_found(
        &store.read(|tx| tx.get_account("000000000000")).unwrap_err()
    ));
    let mut orphan = user("orphan");
    orphan.account_id = "000000000000".to_owned();
    let err = store.write(|tx| tx.insert_user(&orphan)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: Entity::Account,
                ..
            }
        ),
        "{err:?}"
    );
}

fn console_settings(store: &Arc<dyn Store>) {
    use ironiam_store::record::ConsoleSettings;
    let got = store.read(|tx| tx.get_console_settings(ACCOUNT)).unwrap();
    assert_eq!(got, ConsoleSettings::defaults(ACCOUNT));
    assert!(!got.require_mfa_enrollment);
    let on = ConsoleSettings {
        require_mfa_enrollment: true,
        ..ConsoleSettings::defaults(ACCOUNT)
    };
    store.write(|tx| tx.put_console_settings(&on)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_console_settings(ACCOUNT)).unwrap(),
        on
    );
    let off = ConsoleSettings::defaults(ACCOUNT);
    store.write(|tx| tx.put_console_settings(&off)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_console_settings(ACCOUNT)).unwrap(),
        off
    );
    let orphan = ConsoleSettings::defaults("000000000000");
    let err = store
        .write(|tx| tx.put_console_settings(&orphan))
        .unwrap_err();
    assert!(is_not_found(&err), "{err:?}");
}
