//! The AWS Organizations records, conformance-tested against every backend: the
//! tree (root, OUs, accounts), CreateAccount requests, policies and attachments,
//! deleting an organization, and reset.

use std::sync::Arc;

use ironiam_store::record::PrincipalKind;
use ironiam_store::record::{
    CreateAccountState, CreateAccountStatus, FULL_AWS_ACCESS_ID, FeatureSet, JoinedMethod,
    OrgAccount, OrgAccountStatus, OrgPolicy, OrgRoot, OrgUnit, Organization,
    SERVICE_CONTROL_POLICY, Tag,
};
use ironiam_store::sqlite::DATABASE_FILE;
use ironiam_store::{Entity, ListOptions, SqliteStore, Store, StoreError, StoreExt};

use crate::fixture::*;

/// Runs each test against each backend (as `conformance.rs` does).
macro_rules! each_backend {
    ($($name:ident),* $(,)?) => {
        mod file {
            $(#[test] fn $name() { let b = crate::fixture::file_backend(); super::$name(&b.store); })*
        }
        mod memory {
            $(#[test] fn $name() { let b = crate::fixture::memory_backend(); super::$name(&b.store); })*
        }
    };
}

each_backend!(
    organization_root_and_units,
    account_membership,
    policies_and_attachments,
    create_account_requests,
    deleting_an_organization_keeps_the_accounts,
    aws_managed_policies_have_a_copy_per_account,
);

const ORG: &str = "o-abcdefghij";
const ROOT: &str = "r-ab12";
const MEMBER: &str = "210987654321";

fn organization() -> Organization {
    Organization {
        id: ORG.to_owned(),
        management_account_id: ACCOUNT.to_owned(),
        feature_set: FeatureSet::All,
        create_date: NOW,
    }
}

fn root() -> OrgRoot {
    OrgRoot {
        id: ROOT.to_owned(),
        organization_id: ORG.to_owned(),
        name: "Root".to_owned(),
        enabled_policy_types: Vec::new(),
    }
}

fn unit(id: &str, parent: &str, name: &str) -> OrgUnit {
    OrgUnit {
        id: id.to_owned(),
        organization_id: ORG.to_owned(),
        parent_id: parent.to_owned(),
        name: name.to_owned(),
        tags: vec![Tag {
            key: "team".to_owned(),
            value: name.to_owned(),
        }],
    }
}

fn member(account_id: &str, email: &str, parent: &str) -> OrgAccount {
    OrgAccount {
        account_id: account_id.to_owned(),
        organization_id: ORG.to_owned(),
        parent_id: parent.to_owned(),
        name: format!("account {account_id}"),
        email: email.to_owned(),
        status: OrgAccountStatus::Active,
        joined_method: JoinedMethod::Created,
        joined_timestamp: NOW,
        tags: Vec::new(),
    }
}

fn scp(id: &str, name: &str) -> OrgPolicy {
    OrgPolicy {
        id: id.to_owned(),
        organization_id: ORG.to_owned(),
        arn: format!("arn:aws:organizations::{ACCOUNT}:policy/{ORG}/service_control_policy/{id}"),
        name: name.to_owned(),
        description: format!("{name} policy"),
        policy_type: SERVICE_CONTROL_POLICY.to_owned(),
        aws_managed: false,
        content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            .to_owned(),
        tags: Vec::new(),
    }
}

/// An organization with its root, and the management account as its first member.
fn set_up(store: &Arc<dyn Store>) {
    store
        .write(|tx| {
            tx.insert_organization(&organization())?;
            tx.insert_org_root(&root())?;
            let mut management = member(ACCOUNT, "owner@example.com", ROOT);
            management.joined_method = JoinedMethod::Invited;
            tx.insert_org_account(&management)
        })
        .unwrap();
}

fn not_found(err: &StoreError, expected: Entity) -> bool {
    matches!(err, StoreError::NotFound { entity, .. } if *entity == expected)
}

fn organization_root_and_units(store: &Arc<dyn Store>) {
    // The management account must exist.
    let mut orphan = organization();
    orphan.management_account_id = "000000000000".to_owned();
    let err = store
        .write(|tx| tx.insert_organization(&orphan))
        .unwrap_err();
    assert!(not_found(&err, Entity::Account), "{err:?}");

    set_up(store);
    assert_eq!(
        store.read(|tx| tx.get_organization(ORG)).unwrap(),
        organization()
    );
    assert_eq!(
        store.read(|tx| tx.list_organizations()).unwrap(),
        vec![organization()]
    );
    // One organization per management account.
    let mut second = organization();
    second.id = "o-zzzzzzzzzz".to_owned();
    let err = store
        .write(|tx| tx.insert_organization(&second))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");

    let mut enabled = root();
    enabled.enabled_policy_types = vec![SERVICE_CONTROL_POLICY.to_owned()];
    store.write(|tx| tx.update_org_root(&enabled)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_org_root(ORG, ROOT)).unwrap(),
        enabled
    );
    assert_eq!(
        store.read(|tx| tx.list_org_roots(ORG)).unwrap(),
        vec![enabled]
    );
    assert!(not_found(
        &store
            .read(|tx| tx.get_org_root("o-other00000", ROOT))
            .unwrap_err(),
        Entity::OrgRoot
    ));

    let prod = unit("ou-ab12-prod0001", ROOT, "prod");
    let dev = unit("ou-ab12-dev00001", ROOT, "dev");
    let web = unit("ou-ab12-web00001", &prod.id, "web");
    store
        .write(|tx| {
            tx.insert_org_unit(&prod)?;
            tx.insert_org_unit(&dev)?;
            tx.insert_org_unit(&web)
        })
        .unwrap();
    assert_eq!(store.read(|tx| tx.get_org_unit(ORG, &web.id)).unwrap(), web);
    // Ordered by ID, one parent at a time.
    assert_eq!(
        store.read(|tx| tx.list_org_units(ORG, ROOT)).unwrap(),
        vec![dev.clone(), prod.clone()]
    );
    assert_eq!(
        store.read(|tx| tx.list_org_units(ORG, &prod.id)).unwrap(),
        vec![web.clone()]
    );
    // Names are unique among one parent's OUs only.
    let twin = unit("ou-ab12-prod0002", ROOT, "prod");
    let err = store.write(|tx| tx.insert_org_unit(&twin)).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    let cousin = unit("ou-ab12-web00002", &dev.id, "web");
    store.write(|tx| tx.insert_org_unit(&cousin)).unwrap();
    // A parent must be a root or OU of the organization.
    for parent in ["ou-ab12-missing0", "r-zzzz", "123456789012", "nonsense"] {
        let err = store
            .write(|tx| tx.insert_org_unit(&unit("ou-ab12-lost0001", parent, "lost")))
            .unwrap_err();
        assert!(not_found(&err, Entity::OrgUnit), "{parent}: {err:?}");
    }
    // An OU with children stays; an empty one goes.
    let err = store
        .write(|tx| tx.delete_org_unit(ORG, &prod.id))
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err:?}");
    store.write(|tx| tx.delete_org_unit(ORG, &web.id)).unwrap();
    store.write(|tx| tx.delete_org_unit(ORG, &prod.id)).unwrap();
    assert!(not_found(
        &store.read(|tx| tx.get_org_unit(ORG, &prod.id)).unwrap_err(),
        Entity::OrgUnit
    ));
    assert!(not_found(
        &store
            .write(|tx| tx.delete_org_unit(ORG, &prod.id))
            .unwrap_err(),
        Entity::OrgUnit
    ));
}

fn account_membership(store: &Arc<dyn Store>) {
    set_up(store);
    store
        .write(|tx| {
            tx.insert_account(&account(MEMBER))?;
            tx.insert_org_unit(&unit("ou-ab12-prod0001", ROOT, "prod"))?;
            tx.insert_org_account(&member(MEMBER, "Dev@Example.com", ROOT))
        })
        .unwrap();
    let got = store.read(|tx| tx.get_org_account(MEMBER)).unwrap();
    assert_eq!(got, member(MEMBER, "Dev@Example.com", ROOT));
    assert!(not_found(
        &store
            .read(|tx| tx.get_org_account("999999999999"))
            .unwrap_err(),
        Entity::OrgAccount
    ));
    // One organization per account, one account per email (case-insensitively).
    let err = store
        .write(|tx| tx.insert_org_account(&member(MEMBER, "other@example.com", ROOT)))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    store
        .write(|tx| tx.insert_account(&account("333333333333")))
        .unwrap();
    let err = store
        .write(|tx| tx.insert_org_account(&member("333333333333", "dev@example.COM", ROOT)))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    // The account must exist.
    let err = store
        .write(|tx| tx.insert_org_account(&member("444444444444", "x@example.com", ROOT)))
        .unwrap_err();
    assert!(not_found(&err, Entity::Account), "{err:?}");

    let ids = |parent: Option<&str>| -> Vec<String> {
        store
            .read(|tx| tx.list_org_accounts(ORG, parent))
            .unwrap()
            .into_iter()
            .map(|a| a.account_id)
            .collect()
    };
    assert_eq!(ids(None), vec![ACCOUNT.to_owned(), MEMBER.to_owned()]);
    assert_eq!(ids(Some(ROOT)), vec![ACCOUNT.to_owned(), MEMBER.to_owned()]);

    // Moving into an OU; the OU then cannot be deleted.
    let mut moved = got.clone();
    moved.parent_id = "ou-ab12-prod0001".to_owned();
    moved.name = "renamed".to_owned();
    moved.tags = vec![Tag {
        key: "env".to_owned(),
        value: "dev".to_owned(),
    }];
    store.write(|tx| tx.update_org_account(&moved)).unwrap();
    assert_eq!(store.read(|tx| tx.get_org_account(MEMBER)).unwrap(), moved);
    assert_eq!(ids(Some("ou-ab12-prod0001")), vec![MEMBER.to_owned()]);
    assert_eq!(ids(Some(ROOT)), vec![ACCOUNT.to_owned()]);
    let err = store
        .write(|tx| tx.delete_org_unit(ORG, "ou-ab12-prod0001"))
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err:?}");
    let mut lost = moved.clone();
    lost.parent_id = "ou-ab12-missing0".to_owned();
    assert!(not_found(
        &store.write(|tx| tx.update_org_account(&lost)).unwrap_err(),
        Entity::OrgUnit
    ));
    moved.parent_id = ROOT.to_owned();
    store.write(|tx| tx.update_org_account(&moved)).unwrap();
    store
        .write(|tx| tx.delete_org_unit(ORG, "ou-ab12-prod0001"))
        .unwrap();
}

fn policies_and_attachments(store: &Arc<dyn Store>) {
    set_up(store);
    let mut full = scp(FULL_AWS_ACCESS_ID, "FullAWSAccess");
    full.aws_managed = true;
    full.arn =
        "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess".to_owned();
    let mfa = scp("p-mfa00001", "RequireMFA");
    let prod = unit("ou-ab12-prod0001", ROOT, "prod");
    store
        .write(|tx| {
            tx.insert_account(&account(MEMBER))?;
            tx.insert_org_account(&member(MEMBER, "dev@example.com", ROOT))?;
            tx.insert_org_unit(&prod)?;
            tx.insert_org_policy(&full)?;
            tx.insert_org_policy(&mfa)
        })
        .unwrap();
    assert_eq!(
        store.read(|tx| tx.get_org_policy(ORG, &mfa.id)).unwrap(),
        mfa
    );
    let err = store
        .write(|tx| tx.insert_org_policy(&scp("p-mfa00002", "RequireMFA")))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    assert_eq!(
        store
            .read(|tx| tx.list_org_policies(ORG, SERVICE_CONTROL_POLICY))
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect::<Vec<_>>(),
        vec!["FullAWSAccess", "RequireMFA"]
    );
    assert!(
        store
            .read(|tx| tx.list_org_policies(ORG, "TAG_POLICY"))
            .unwrap()
            .is_empty()
    );

    for target in [ROOT, prod.id.as_str(), MEMBER] {
        assert!(
            store
                .write(|tx| tx.attach_org_policy(ORG, FULL_AWS_ACCESS_ID, target))
                .unwrap()
        );
    }
    assert!(
        store
            .write(|tx| tx.attach_org_policy(ORG, &mfa.id, &prod.id))
            .unwrap()
    );
    // A second attachment changes nothing.
    assert!(
        !store
            .write(|tx| tx.attach_org_policy(ORG, &mfa.id, &prod.id))
            .unwrap()
    );
    for target in ["ou-ab12-missing0", "r-zzzz", "999999999999", "p-mfa00001"] {
        let err = store
            .write(|tx| tx.attach_org_policy(ORG, &mfa.id, target))
            .unwrap_err();
        assert!(not_found(&err, Entity::OrgTarget), "{target}: {err:?}");
    }
    let err = store
        .write(|tx| tx.attach_org_policy(ORG, "p-missing0", ROOT))
        .unwrap_err();
    assert!(not_found(&err, Entity::OrgPolicy), "{err:?}");

    let names = |target: &str| -> Vec<String> {
        store
            .read(|tx| tx.list_org_policies_for_target(ORG, target, SERVICE_CONTROL_POLICY))
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(names(&prod.id), vec!["FullAWSAccess", "RequireMFA"]);
    assert_eq!(names(MEMBER), vec!["FullAWSAccess"]);
    assert_eq!(
        store
            .read(|tx| tx.list_org_policy_targets(ORG, FULL_AWS_ACCESS_ID))
            .unwrap(),
        vec![MEMBER.to_owned(), prod.id.clone(), ROOT.to_owned()]
    );

    // Attached policies cannot be deleted; an updated one keeps its attachments.
    let err = store
        .write(|tx| tx.delete_org_policy(ORG, &mfa.id))
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err:?}");
    let mut renamed = mfa.clone();
    renamed.name = "RequireMFAEverywhere".to_owned();
    renamed.content = r#"{"Version":"2012-10-17","Statement":[]}"#.to_owned();
    store.write(|tx| tx.update_org_policy(&renamed)).unwrap();
    assert_eq!(
        names(&prod.id),
        vec!["FullAWSAccess", "RequireMFAEverywhere"]
    );
    let mut clash = renamed.clone();
    clash.name = "FullAWSAccess".to_owned();
    let err = store.write(|tx| tx.update_org_policy(&clash)).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");

    assert!(
        store
            .write(|tx| tx.detach_org_policy(ORG, &mfa.id, &prod.id))
            .unwrap()
    );
    assert!(
        !store
            .write(|tx| tx.detach_org_policy(ORG, &mfa.id, &prod.id))
            .unwrap()
    );
    store
        .write(|tx| tx.delete_org_policy(ORG, &mfa.id))
        .unwrap();
    assert!(not_found(
        &store
            .read(|tx| tx.get_org_policy(ORG, &mfa.id))
            .unwrap_err(),
        Entity::OrgPolicy
    ));
    // Deleting an OU takes its attachments with it.
    store.write(|tx| tx.delete_org_unit(ORG, &prod.id)).unwrap();
    assert_eq!(
        store
            .read(|tx| tx.list_org_policy_targets(ORG, FULL_AWS_ACCESS_ID))
            .unwrap(),
        vec![MEMBER.to_owned(), ROOT.to_owned()]
    );
}

fn create_account_requests(store: &Arc<dyn Store>) {
    set_up(store);
    store
        .write(|tx| tx.insert_account(&account(MEMBER)))
        .unwrap();
    let succeeded = CreateAccountStatus {
        id: "car-0123456789abcdef0123456789abcdef".to_owned(),
        organization_id: ORG.to_owned(),
        account_name: "dev".to_owned(),
        state: CreateAccountState::Succeeded,
        requested_timestamp: NOW,
        completed_timestamp: Some(NOW),
        account_id: Some(MEMBER.to_owned()),
        failure_reason: None,
    };
    let failed = CreateAccountStatus {
        id: "car-ffffffffffffffffffffffffffffffff".to_owned(),
        state: CreateAccountState::Failed,
        account_id: None,
        failure_reason: Some("EMAIL_ALREADY_EXISTS".to_owned()),
        ..succeeded.clone()
    };
    store
        .write(|tx| {
            tx.insert_create_account_status(&succeeded)?;
            tx.insert_create_account_status(&failed)
        })
        .unwrap();
    assert_eq!(
        store
            .read(|tx| tx.get_create_account_status(ORG, &succeeded.id))
            .unwrap(),
        succeeded
    );
    assert_eq!(
        store
            .read(|tx| tx.get_create_account_status(ORG, &failed.id))
            .unwrap(),
        failed
    );
    assert!(not_found(
        &store
            .read(|tx| tx.get_create_account_status("o-other00000", &failed.id))
            .unwrap_err(),
        Entity::CreateAccountStatus
    ));
    let mut orphan = failed.clone();
    orphan.id = "car-00000000000000000000000000000000".to_owned();
    orphan.organization_id = "o-other00000".to_owned();
    let err = store
        .write(|tx| tx.insert_create_account_status(&orphan))
        .unwrap_err();
    assert!(not_found(&err, Entity::Organization), "{err:?}");
}

fn deleting_an_organization_keeps_the_accounts(store: &Arc<dyn Store>) {
    set_up(store);
    store
        .write(|tx| {
            tx.insert_account(&account(MEMBER))?;
            tx.insert_org_unit(&unit("ou-ab12-prod0001", ROOT, "prod"))?;
            tx.insert_org_unit(&unit("ou-ab12-web00001", "ou-ab12-prod0001", "web"))?;
            tx.insert_org_account(&member(MEMBER, "dev@example.com", "ou-ab12-web00001"))?;
            tx.insert_org_policy(&scp("p-mfa00001", "RequireMFA"))?;
            tx.attach_org_policy(ORG, "p-mfa00001", MEMBER)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store.write(|tx| tx.delete_organization(ORG)).unwrap();
    assert!(store.read(|tx| tx.list_organizations()).unwrap().is_empty());
    assert!(not_found(
        &store.read(|tx| tx.get_org_account(MEMBER)).unwrap_err(),
        Entity::OrgAccount
    ));
    assert!(
        store
            .read(|tx| tx.list_org_policies(ORG, SERVICE_CONTROL_POLICY))
            .unwrap()
            .is_empty()
    );
    // The accounts' IAM namespaces stay, and the management account can start over.
    assert_eq!(store.read(|tx| tx.list_accounts()).unwrap().len(), 2);
    set_up(store);
    assert!(not_found(
        &store
            .write(|tx| tx.delete_organization("o-missing000"))
            .unwrap_err(),
        Entity::Organization
    ));
}

#[test]
fn reset_clears_organizations() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().unwrap());
    seed(store.as_ref());
    set_up(&store);
    store.reset().unwrap();
    seed(store.as_ref());
    assert!(store.read(|tx| tx.list_organizations()).unwrap().is_empty());
    assert!(not_found(
        &store.read(|tx| tx.get_org_account(ACCOUNT)).unwrap_err(),
        Entity::OrgAccount
    ));
    // The same IDs can be used again.
    set_up(&store);
}

#[test]
fn organization_ids_have_the_model_formats() {
    use ironiam_store::id::{self, OsRandom};
    let lower_alnum = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    for _ in 0..200 {
        let org = id::organization_id(&mut OsRandom).unwrap();
        assert!(
            org.len() == 12 && org.starts_with("o-") && lower_alnum(&org[2..]),
            "{org}"
        );
        let root = id::org_root_id(&mut OsRandom).unwrap();
        assert!(
            root.len() == 6 && root.starts_with("r-") && lower_alnum(&root[2..]),
            "{root}"
        );
        let unit = id::org_unit_id(&root, &mut OsRandom).unwrap();
        assert_eq!(&unit[..8], format!("ou-{}-", &root[2..]));
        assert!(unit.len() == 16 && lower_alnum(&unit[8..]), "{unit}");
        let policy = id::org_policy_id(&mut OsRandom).unwrap();
        assert!(policy.len() == 10 && policy.starts_with("p-") && lower_alnum(&policy[2..]));
        let request = id::create_account_request_id(&mut OsRandom).unwrap();
        assert!(request.len() == 36 && request.starts_with("car-") && lower_alnum(&request[4..]));
    }
}

/// Member accounts get their own copy of each AWS managed policy, under the same ARN;
/// attachments and boundary counts stay within each account.
fn aws_managed_policies_have_a_copy_per_account(store: &Arc<dyn Store>) {
    const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
    let copy = |account_id: &str, id: &str| {
        let mut p = policy("AdministratorAccess");
        p.id = id.to_owned();
        p.account_id = account_id.to_owned();
        p.arn = ADMIN.to_owned();
        p
    };
    store
        .write(|tx| {
            tx.insert_account(&account(MEMBER))?;
            for p in [copy(ACCOUNT, "ANPAMANAGEMENT"), copy(MEMBER, "ANPAMEMBER")] {
                tx.insert_policy(&p)?;
                tx.insert_policy_version(&version(&p, 1))?;
            }
            let mut bounded = user("bounded");
            bounded.permissions_boundary = Some(ADMIN.to_owned());
            tx.insert_user(&bounded)?;
            tx.attach_policy(ACCOUNT, PrincipalKind::User, "bounded", ADMIN)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    // Still one per ARN within an account.
    let err = store
        .write(|tx| tx.insert_policy(&copy(MEMBER, "ANPAAGAIN")))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    let management = store.read(|tx| tx.get_policy(ACCOUNT, ADMIN)).unwrap();
    let member = store.read(|tx| tx.get_policy(MEMBER, ADMIN)).unwrap();
    assert_eq!(
        (management.id.as_str(), member.id.as_str()),
        ("ANPAMANAGEMENT", "ANPAMEMBER")
    );
    assert_eq!(
        (
            management.attachment_count,
            management.permissions_boundary_usage_count
        ),
        (1, 1)
    );
    assert_eq!(
        (
            member.attachment_count,
            member.permissions_boundary_usage_count
        ),
        (0, 0)
    );
    assert_eq!(
        store
            .read(|tx| tx.list_policies(MEMBER, &ListOptions::all(), false))
            .unwrap()
            .items
            .len(),
        1
    );
    store.write(|tx| tx.delete_policy(MEMBER, ADMIN)).unwrap();
    assert_eq!(
        store.read(|tx| tx.get_policy(ACCOUNT, ADMIN)).unwrap().id,
        "ANPAMANAGEMENT"
    );
}

#[test]
fn migration_4_keeps_managed_policies_versions_and_attachments() {
    let dir = tempfile::tempdir().unwrap();
    {
        // A database as version 2 left it: a policy with two versions, attached and
        // used as a boundary.
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../../migrations/0002_password_history.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO schema_migration VALUES (1, 'initial'), (2, 'password_history');
             INSERT INTO account (id, create_date) VALUES ('123456789012', 0);
             INSERT INTO iam_user (id, account_id, name, name_key, path, arn, create_date,
                     permissions_boundary, tags)
                 VALUES ('AIDAOLD', '123456789012', 'old', 'old', '/',
                         'arn:aws:iam::123456789012:user/old', 0,
                         'arn:aws:iam::aws:policy/Kept', '[]');
             INSERT INTO managed_policy VALUES ('ANPAOLD', '123456789012', 'Kept', 'kept', '/',
                 'arn:aws:iam::aws:policy/Kept', 'kept policy', 2, 2, 1, 0, 5, '[]');
             INSERT INTO policy_version VALUES ('ANPAOLD', 1, '{\"v\":1}', 0),
                                               ('ANPAOLD', 2, '{\"v\":2}', 5);
             INSERT INTO user_policy_attachment VALUES ('AIDAOLD', 'ANPAOLD');",
        )
        .unwrap();
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let kept = store
        .read(|tx| tx.get_policy(ACCOUNT, "arn:aws:iam::aws:policy/Kept"))
        .unwrap();
    assert_eq!(kept.id, "ANPAOLD");
    assert_eq!(kept.description.as_deref(), Some("kept policy"));
    assert_eq!(
        (kept.attachment_count, kept.permissions_boundary_usage_count),
        (1, 1)
    );
    let versions = store.read(|tx| tx.list_policy_versions("ANPAOLD")).unwrap();
    assert_eq!(versions.len(), 2);
    // The attachment still holds the policy in place.
    let err = store
        .write(|tx| tx.delete_policy(ACCOUNT, "arn:aws:iam::aws:policy/Kept"))
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err:?}");
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let problems: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(problems, 0);
}
