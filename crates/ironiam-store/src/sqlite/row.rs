//! Row mapping between SQLite and the records: column lists, decoders, and
//! the SQL form of [`Timestamp`].

use rusqlite::types::{FromSql, FromSqlResult, ToSqlOutput, Type, ValueRef};
use rusqlite::{Row, ToSql};

use crate::error::{Entity, StoreError};
use crate::record::{
    AccessKey, AccessKeyLastUsed, AccessKeyStatus, Account, CredentialReport, Group, KeyOwner,
    LoginProfile, ManagedPolicy, MfaAssignment, MfaVerification, PasswordPolicy, PolicyVersion,
    Role, RoleLastUsed, Timestamp, User, VirtualMfaDevice,
};
use crate::secret::{EncryptedSecret, PasswordHash};

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_secs()))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Timestamp::from_secs)
    }
}

pub(super) fn json_column<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(err)))
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|err| StoreError::Backend(Box::new(err)))
}

pub(super) fn not_found(entity: Entity, name: &str) -> StoreError {
    StoreError::NotFound {
        entity,
        name: name.to_owned(),
    }
}

/// Fails with `NotFound` when a statement touched no row.
pub(super) fn expect_one(changed: usize, entity: Entity, name: &str) -> Result<(), StoreError> {
    if changed == 0 {
        Err(not_found(entity, name))
    } else {
        Ok(())
    }
}

pub(super) const ACCOUNT_COLS: &str =
    "a.id, a.alias, a.password_policy, a.root_password, a.create_date";

pub(super) fn account_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let policy: Option<String> = row.get(2)?;
    let password_policy = policy
        .map(|text| {
            serde_json::from_str::<PasswordPolicy>(&text).map_err(|err| {
                rusqlite::Error::FromSqlConversionFailure(2, Type::Text, Box::new(err))
            })
        })
        .transpose()?;
    Ok(Account {
        id: row.get(0)?,
        alias: row.get(1)?,
        password_policy,
        root_password: row.get::<_, Option<String>>(3)?.map(PasswordHash::from_phc),
        create_date: row.get(4)?,
    })
}

pub(super) const USER_COLS: &str = "u.id, u.account_id, u.name, u.path, u.arn, u.create_date, \
    u.permissions_boundary, u.tags, u.password_last_used";

pub(super) fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
        permissions_boundary: row.get(6)?,
        tags: json_column(row, 7)?,
        password_last_used: row.get(8)?,
    })
}

pub(super) const GROUP_COLS: &str = "g.id, g.account_id, g.name, g.path, g.arn, g.create_date";

pub(super) fn group_row(row: &Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
    })
}

pub(super) const ROLE_COLS: &str = "r.id, r.account_id, r.name, r.path, r.arn, r.create_date, \
    r.assume_role_policy_document, r.description, r.max_session_duration, \
    r.permissions_boundary, r.tags, r.last_used_date, r.last_used_region";

pub(super) fn role_row(row: &Row<'_>) -> rusqlite::Result<Role> {
    let last_used_date: Option<Timestamp> = row.get(11)?;
    let last_used_region: Option<String> = row.get(12)?;
    Ok(Role {
        id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
        assume_role_policy_document: row.get(6)?,
        description: row.get(7)?,
        max_session_duration: row.get(8)?,
        permissions_boundary: row.get(9)?,
        tags: json_column(row, 10)?,
        role_last_used: last_used_date.map(|last_used_date| RoleLastUsed {
            last_used_date,
            region: last_used_region.unwrap_or_default(),
        }),
    })
}

pub(super) const POLICY_COLS: &str = "p.id, p.account_id, p.name, p.path, p.arn, p.description, \
    p.default_version, p.latest_version, p.attachment_count, \
    p.permissions_boundary_usage_count, p.is_attachable, p.create_date, p.update_date, p.tags";

pub(super) fn policy_row(row: &Row<'_>) -> rusqlite::Result<ManagedPolicy> {
    Ok(ManagedPolicy {
        id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        description: row.get(5)?,
        default_version: row.get(6)?,
        latest_version: row.get(7)?,
        attachment_count: row.get(8)?,
        permissions_boundary_usage_count: row.get(9)?,
        is_attachable: row.get(10)?,
        create_date: row.get(11)?,
        update_date: row.get(12)?,
        tags: json_column(row, 13)?,
    })
}

pub(super) const VERSION_COLS: &str = "v.policy_id, v.version, v.document, v.create_date";

pub(super) fn version_row(row: &Row<'_>) -> rusqlite::Result<PolicyVersion> {
    Ok(PolicyVersion {
        policy_id: row.get(0)?,
        version: row.get(1)?,
        document: row.get(2)?,
        create_date: row.get(3)?,
    })
}

pub(super) const KEY_COLS: &str = "k.id, k.account_id, k.user_id, k.secret, k.status, k.create_date, \
    k.last_used_date, k.last_used_service, k.last_used_region";

pub(super) fn key_row(row: &Row<'_>) -> rusqlite::Result<AccessKey> {
    let status: String = row.get(4)?;
    let status = AccessKeyStatus::parse(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            Type::Text,
            format!("unknown access key status `{status}`").into(),
        )
    })?;
    let last_used_date: Option<Timestamp> = row.get(6)?;
    let service: Option<String> = row.get(7)?;
    let region: Option<String> = row.get(8)?;
    Ok(AccessKey {
        id: row.get(0)?,
        account_id: row.get(1)?,
        owner: row
            .get::<_, Option<String>>(2)?
            .map_or(KeyOwner::Root, KeyOwner::User),
        secret: EncryptedSecret::from_bytes(row.get(3)?),
        status,
        create_date: row.get(5)?,
        last_used: last_used_date.map(|last_used_date| AccessKeyLastUsed {
            last_used_date,
            service_name: service.unwrap_or_default(),
            region: region.unwrap_or_default(),
        }),
    })
}

pub(super) fn profile_row(row: &Row<'_>) -> rusqlite::Result<LoginProfile> {
    Ok(LoginProfile {
        user_id: row.get(0)?,
        password_hash: PasswordHash::from_phc(row.get(1)?),
        password_reset_required: row.get(2)?,
        create_date: row.get(3)?,
        password_history: json_column::<Vec<String>>(row, 4)?
            .into_iter()
            .map(PasswordHash::from_phc)
            .collect(),
        password_changed: row.get(5)?,
    })
}

pub(super) const MFA_COLS: &str = "d.serial_number, d.account_id, d.name, d.path, d.seed, d.tags, \
    d.create_date, d.user_id, d.assigned_to_root, d.enable_date, d.drift, d.last_step, \
    d.failures, d.locked_until, d.creator";

pub(super) fn mfa_row(row: &Row<'_>) -> rusqlite::Result<VirtualMfaDevice> {
    let user_id: Option<String> = row.get(7)?;
    let assigned_to_root: bool = row.get(8)?;
    let enable_date: Option<Timestamp> = row.get(9)?;
    let owner = match (user_id, assigned_to_root) {
        (Some(id), _) => Some(KeyOwner::User(id)),
        (None, true) => Some(KeyOwner::Root),
        (None, false) => None,
    };
    let assignment = match (owner, enable_date) {
        (Some(owner), Some(enable_date)) => Some(MfaAssignment { owner, enable_date }),
        (None, None) => None,
        _ => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                9,
                Type::Integer,
                "an assigned device needs an enable date, and only an assigned one has one".into(),
            ));
        }
    };
    let last_step: Option<i64> = row.get(11)?;
    let last_step = last_step
        .map(|step| {
            u64::try_from(step).map_err(|err| {
                rusqlite::Error::FromSqlConversionFailure(11, Type::Integer, Box::new(err))
            })
        })
        .transpose()?;
    Ok(VirtualMfaDevice {
        serial_number: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        seed: EncryptedSecret::from_bytes(row.get(4)?),
        tags: json_column(row, 5)?,
        create_date: row.get(6)?,
        assignment,
        verification: MfaVerification {
            drift: row.get(10)?,
            last_step,
            failures: row.get(12)?,
            locked_until: row.get(13)?,
        },
        creator: row.get(14)?,
    })
}

pub(super) fn report_row(row: &Row<'_>) -> rusqlite::Result<CredentialReport> {
    Ok(CredentialReport {
        account_id: row.get(0)?,
        generated_time: row.get(1)?,
        content: row.get(2)?,
    })
}
