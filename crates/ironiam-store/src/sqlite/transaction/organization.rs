//! AWS Organizations records in SQLite (migration 4): the [`Transaction`] methods'
//! bodies, called from `transaction.rs`.
//!
//! [`Transaction`]: crate::store::Transaction

use rusqlite::types::Type;
use rusqlite::{Row, params};

use super::super::row::{expect_one, json_column, to_json};
use super::super::{backend, on_delete, on_write};
use super::SqliteTransaction;
use crate::error::{Entity, StoreError};
use crate::record::{
    CreateAccountState, CreateAccountStatus, FeatureSet, JoinedMethod, OrgAccount,
    OrgAccountStatus, OrgNode, OrgPolicy, OrgRoot, OrgUnit, Organization, name_key,
};

/// A wire-name column that must parse into its enum.
fn parsed<T>(row: &Row<'_>, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            Type::Text,
            format!("unexpected value `{text}`").into(),
        )
    })
}

/// The parent's two foreign-key columns, `(root, unit)`: exactly one is set.
fn parent_columns(parent: &str) -> Result<(Option<&str>, Option<&str>), StoreError> {
    match OrgNode::of(parent) {
        Some(OrgNode::Root) => Ok((Some(parent), None)),
        Some(OrgNode::Unit) => Ok((None, Some(parent))),
        _ => Err(StoreError::NotFound {
            entity: Entity::OrgUnit,
            name: parent.to_owned(),
        }),
    }
}

const ORGANIZATION_COLS: &str = "o.id, o.management_account_id, o.feature_set, o.create_date";

fn organization_row(row: &Row<'_>) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: row.get(0)?,
        management_account_id: row.get(1)?,
        feature_set: parsed(row, 2, FeatureSet::parse)?,
        create_date: row.get(3)?,
    })
}

const ROOT_COLS: &str = "r.id, r.organization_id, r.name, r.enabled_policy_types";

fn root_row(row: &Row<'_>) -> rusqlite::Result<OrgRoot> {
    Ok(OrgRoot {
        id: row.get(0)?,
        organization_id: row.get(1)?,
        name: row.get(2)?,
        enabled_policy_types: json_column(row, 3)?,
    })
}

const UNIT_COLS: &str =
    "u.id, u.organization_id, coalesce(u.parent_root_id, u.parent_unit_id), u.name, u.tags";

fn unit_row(row: &Row<'_>) -> rusqlite::Result<OrgUnit> {
    Ok(OrgUnit {
        id: row.get(0)?,
        organization_id: row.get(1)?,
        parent_id: row.get(2)?,
        name: row.get(3)?,
        tags: json_column(row, 4)?,
    })
}

const ACCOUNT_COLS: &str = "a.account_id, a.organization_id, \
    coalesce(a.parent_root_id, a.parent_unit_id), a.name, a.email, a.status, \
    a.joined_method, a.joined_timestamp, a.tags";

fn account_row(row: &Row<'_>) -> rusqlite::Result<OrgAccount> {
    Ok(OrgAccount {
        account_id: row.get(0)?,
        organization_id: row.get(1)?,
        parent_id: row.get(2)?,
        name: row.get(3)?,
        email: row.get(4)?,
        status: parsed(row, 5, OrgAccountStatus::parse)?,
        joined_method: parsed(row, 6, JoinedMethod::parse)?,
        joined_timestamp: row.get(7)?,
        tags: json_column(row, 8)?,
    })
}

const STATUS_COLS: &str = "s.id, s.organization_id, s.account_name, s.state, \
    s.requested_timestamp, s.completed_timestamp, s.account_id, s.failure_reason";

fn status_row(row: &Row<'_>) -> rusqlite::Result<CreateAccountStatus> {
    Ok(CreateAccountStatus {
        id: row.get(0)?,
        organization_id: row.get(1)?,
        account_name: row.get(2)?,
        state: parsed(row, 3, CreateAccountState::parse)?,
        requested_timestamp: row.get(4)?,
        completed_timestamp: row.get(5)?,
        account_id: row.get(6)?,
        failure_reason: row.get(7)?,
    })
}

const POLICY_COLS: &str = "p.id, p.organization_id, p.arn, p.name, p.description, \
    p.policy_type, p.aws_managed, p.content, p.tags";

fn policy_row(row: &Row<'_>) -> rusqlite::Result<OrgPolicy> {
    Ok(OrgPolicy {
        id: row.get(0)?,
        organization_id: row.get(1)?,
        arn: row.get(2)?,
        name: row.get(3)?,
        description: row.get(4)?,
        policy_type: row.get(5)?,
        aws_managed: row.get(6)?,
        content: row.get(7)?,
        tags: json_column(row, 8)?,
    })
}

impl SqliteTransaction<'_> {
    pub(super) fn org_insert_organization(
        &self,
        organization: &Organization,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO organization (id, management_account_id, feature_set, create_date)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                organization.id,
                organization.management_account_id,
                organization.feature_set.as_str(),
                organization.create_date,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::Organization,
                &organization.id,
                (Entity::Account, &organization.management_account_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn org_get_organization(&self, id: &str) -> Result<Organization, StoreError> {
        let sql = format!("SELECT {ORGANIZATION_COLS} FROM organization o WHERE o.id = ?1");
        self.one(
            &sql,
            params![id],
            organization_row,
            Entity::Organization,
            id,
        )
    }

    pub(super) fn org_list_organizations(&self) -> Result<Vec<Organization>, StoreError> {
        let sql = format!("SELECT {ORGANIZATION_COLS} FROM organization o ORDER BY o.id");
        self.many(&sql, params![], organization_row)
    }

    pub(super) fn org_delete_organization(&self, id: &str) -> Result<(), StoreError> {
        self.org_get_organization(id)?;
        // Children first; OUs go in one statement, so their own parent links are
        // checked only once all of them are gone.
        for sql in [
            "DELETE FROM org_policy_attachment WHERE organization_id = ?1",
            "DELETE FROM org_policy WHERE organization_id = ?1",
            "DELETE FROM org_create_account_status WHERE organization_id = ?1",
            "DELETE FROM org_account WHERE organization_id = ?1",
            "DELETE FROM org_unit WHERE organization_id = ?1",
            "DELETE FROM org_root WHERE organization_id = ?1",
            "DELETE FROM organization WHERE id = ?1",
        ] {
            self.execute(sql, params![id])
                .map_err(|err| on_delete(err, Entity::Organization, id))?;
        }
        Ok(())
    }

    pub(super) fn org_insert_root(&self, root: &OrgRoot) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO org_root (id, organization_id, name, enabled_policy_types)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                root.id,
                root.organization_id,
                root.name,
                to_json(&root.enabled_policy_types)?,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::OrgRoot,
                &root.id,
                (Entity::Organization, &root.organization_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn org_get_root(&self, organization: &str, id: &str) -> Result<OrgRoot, StoreError> {
        let sql = format!(
            "SELECT {ROOT_COLS} FROM org_root r WHERE r.organization_id = ?1 AND r.id = ?2"
        );
        self.one(
            &sql,
            params![organization, id],
            root_row,
            Entity::OrgRoot,
            id,
        )
    }

    pub(super) fn org_update_root(&self, root: &OrgRoot) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE org_root SET name = ?3, enabled_policy_types = ?4
                 WHERE organization_id = ?1 AND id = ?2",
                params![
                    root.organization_id,
                    root.id,
                    root.name,
                    to_json(&root.enabled_policy_types)?,
                ],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::OrgRoot, &root.id)
    }

    pub(super) fn org_list_roots(&self, organization: &str) -> Result<Vec<OrgRoot>, StoreError> {
        let sql = format!(
            "SELECT {ROOT_COLS} FROM org_root r WHERE r.organization_id = ?1 ORDER BY r.id"
        );
        self.many(&sql, params![organization], root_row)
    }

    /// Fails with `NotFound` unless `parent` is a root or OU of `organization`.
    fn org_check_parent(&self, organization: &str, parent: &str) -> Result<(), StoreError> {
        let found = match OrgNode::of(parent) {
            Some(OrgNode::Root) => self.org_get_root(organization, parent).map(|_| ()),
            Some(OrgNode::Unit) => self.org_get_unit(organization, parent).map(|_| ()),
            _ => Err(StoreError::NotFound {
                entity: Entity::OrgUnit,
                name: parent.to_owned(),
            }),
        };
        found.map_err(|_| StoreError::NotFound {
            entity: Entity::OrgUnit,
            name: parent.to_owned(),
        })
    }

    pub(super) fn org_insert_unit(&self, unit: &OrgUnit) -> Result<(), StoreError> {
        self.org_check_parent(&unit.organization_id, &unit.parent_id)?;
        let (root, parent_unit) = parent_columns(&unit.parent_id)?;
        self.execute(
            "INSERT INTO org_unit (id, organization_id, parent_root_id, parent_unit_id, name, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                unit.id,
                unit.organization_id,
                root,
                parent_unit,
                unit.name,
                to_json(&unit.tags)?,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::OrgUnit,
                &unit.name,
                (Entity::Organization, &unit.organization_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn org_get_unit(&self, organization: &str, id: &str) -> Result<OrgUnit, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLS} FROM org_unit u WHERE u.organization_id = ?1 AND u.id = ?2"
        );
        self.one(
            &sql,
            params![organization, id],
            unit_row,
            Entity::OrgUnit,
            id,
        )
    }

    pub(super) fn org_delete_unit(&self, organization: &str, id: &str) -> Result<(), StoreError> {
        self.org_get_unit(organization, id)?;
        // The children are checked before the attachments go, so a refused delete
        // leaves nothing changed even outside a rolled-back transaction.
        let children: u32 = self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM org_unit WHERE parent_unit_id = ?1)
                      + (SELECT count(*) FROM org_account WHERE parent_unit_id = ?1)",
            )
            .and_then(|mut stmt| stmt.query_row(params![id], |row| row.get(0)))
            .map_err(backend)?;
        if children > 0 {
            return Err(StoreError::InUse {
                entity: Entity::OrgUnit,
                name: id.to_owned(),
            });
        }
        self.execute(
            "DELETE FROM org_policy_attachment WHERE organization_id = ?1 AND target_id = ?2",
            params![organization, id],
        )
        .map_err(backend)?;
        let changed = self
            .execute(
                "DELETE FROM org_unit WHERE organization_id = ?1 AND id = ?2",
                params![organization, id],
            )
            .map_err(|err| on_delete(err, Entity::OrgUnit, id))?;
        expect_one(changed, Entity::OrgUnit, id)
    }

    pub(super) fn org_list_units(
        &self,
        organization: &str,
        parent: &str,
    ) -> Result<Vec<OrgUnit>, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLS} FROM org_unit u
             WHERE u.organization_id = ?1 AND coalesce(u.parent_root_id, u.parent_unit_id) = ?2
             ORDER BY u.id"
        );
        self.many(&sql, params![organization, parent], unit_row)
    }

    pub(super) fn org_insert_account(&self, account: &OrgAccount) -> Result<(), StoreError> {
        self.org_check_parent(&account.organization_id, &account.parent_id)?;
        let (root, unit) = parent_columns(&account.parent_id)?;
        self.execute(
            "INSERT INTO org_account (account_id, organization_id, parent_root_id, parent_unit_id,
                 name, email, email_key, status, joined_method, joined_timestamp, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                account.account_id,
                account.organization_id,
                root,
                unit,
                account.name,
                account.email,
                name_key(&account.email),
                account.status.as_str(),
                account.joined_method.as_str(),
                account.joined_timestamp,
                to_json(&account.tags)?,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::OrgAccount,
                &account.account_id,
                (Entity::Account, &account.account_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn org_get_account(&self, account_id: &str) -> Result<OrgAccount, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM org_account a WHERE a.account_id = ?1");
        self.one(
            &sql,
            params![account_id],
            account_row,
            Entity::OrgAccount,
            account_id,
        )
    }

    pub(super) fn org_update_account(&self, account: &OrgAccount) -> Result<(), StoreError> {
        self.org_check_parent(&account.organization_id, &account.parent_id)?;
        let (root, unit) = parent_columns(&account.parent_id)?;
        let changed = self
            .execute(
                "UPDATE org_account SET parent_root_id = ?3, parent_unit_id = ?4, name = ?5,
                     email = ?6, email_key = ?7, status = ?8, tags = ?9
                 WHERE account_id = ?1 AND organization_id = ?2",
                params![
                    account.account_id,
                    account.organization_id,
                    root,
                    unit,
                    account.name,
                    account.email,
                    name_key(&account.email),
                    account.status.as_str(),
                    to_json(&account.tags)?,
                ],
            )
            .map_err(|err| {
                on_write(
                    err,
                    Entity::OrgAccount,
                    &account.email,
                    (Entity::OrgUnit, &account.parent_id),
                )
            })?;
        expect_one(changed, Entity::OrgAccount, &account.account_id)
    }

    pub(super) fn org_list_accounts(
        &self,
        organization: &str,
        parent: Option<&str>,
    ) -> Result<Vec<OrgAccount>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLS} FROM org_account a
             WHERE a.organization_id = ?1
               AND (?2 IS NULL OR coalesce(a.parent_root_id, a.parent_unit_id) = ?2)
             ORDER BY a.account_id"
        );
        self.many(&sql, params![organization, parent], account_row)
    }

    pub(super) fn org_insert_status(&self, status: &CreateAccountStatus) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO org_create_account_status (id, organization_id, account_name, state,
                 requested_timestamp, completed_timestamp, account_id, failure_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                status.id,
                status.organization_id,
                status.account_name,
                status.state.as_str(),
                status.requested_timestamp,
                status.completed_timestamp,
                status.account_id,
                status.failure_reason,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::CreateAccountStatus,
                &status.id,
                (Entity::Organization, &status.organization_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn org_get_status(
        &self,
        organization: &str,
        id: &str,
    ) -> Result<CreateAccountStatus, StoreError> {
        let sql = format!(
            "SELECT {STATUS_COLS} FROM org_create_account_status s
             WHERE s.organization_id = ?1 AND s.id = ?2"
        );
        self.one(
            &sql,
            params![organization, id],
            status_row,
            Entity::CreateAccountStatus,
            id,
        )
    }

    pub(super) fn org_insert_policy(&self, policy: &OrgPolicy) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO org_policy (organization_id, id, arn, name, description, policy_type,
                 aws_managed, content, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                policy.organization_id,
                policy.id,
                policy.arn,
                policy.name,
                policy.description,
                policy.policy_type,
                policy.aws_managed,
                policy.content,
                to_json(&policy.tags)?,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::OrgPolicy,
                &policy.name,
                (Entity::Organization, &policy.organization_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn org_get_policy(
        &self,
        organization: &str,
        id: &str,
    ) -> Result<OrgPolicy, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM org_policy p WHERE p.organization_id = ?1 AND p.id = ?2"
        );
        self.one(
            &sql,
            params![organization, id],
            policy_row,
            Entity::OrgPolicy,
            id,
        )
    }

    pub(super) fn org_update_policy(&self, policy: &OrgPolicy) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE org_policy SET name = ?3, description = ?4, content = ?5, tags = ?6
                 WHERE organization_id = ?1 AND id = ?2",
                params![
                    policy.organization_id,
                    policy.id,
                    policy.name,
                    policy.description,
                    policy.content,
                    to_json(&policy.tags)?,
                ],
            )
            .map_err(|err| {
                on_write(
                    err,
                    Entity::OrgPolicy,
                    &policy.name,
                    (Entity::Organization, &policy.organization_id),
                )
            })?;
        expect_one(changed, Entity::OrgPolicy, &policy.id)
    }

    pub(super) fn org_delete_policy(&self, organization: &str, id: &str) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "DELETE FROM org_policy WHERE organization_id = ?1 AND id = ?2",
                params![organization, id],
            )
            .map_err(|err| on_delete(err, Entity::OrgPolicy, id))?;
        expect_one(changed, Entity::OrgPolicy, id)
    }

    pub(super) fn org_list_policies(
        &self,
        organization: &str,
        policy_type: &str,
    ) -> Result<Vec<OrgPolicy>, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM org_policy p
             WHERE p.organization_id = ?1 AND p.policy_type = ?2 ORDER BY p.name"
        );
        self.many(&sql, params![organization, policy_type], policy_row)
    }

    /// Fails with `NotFound` unless `target` is a root, OU or account of `organization`.
    fn org_check_target(&self, organization: &str, target: &str) -> Result<(), StoreError> {
        let found = match OrgNode::of(target) {
            Some(OrgNode::Root) => self.org_get_root(organization, target).is_ok(),
            Some(OrgNode::Unit) => self.org_get_unit(organization, target).is_ok(),
            Some(OrgNode::Account) => self
                .org_get_account(target)
                .is_ok_and(|a| a.organization_id == organization),
            None => false,
        };
        if found {
            Ok(())
        } else {
            Err(StoreError::NotFound {
                entity: Entity::OrgTarget,
                name: target.to_owned(),
            })
        }
    }

    pub(super) fn org_attach_policy(
        &self,
        organization: &str,
        policy_id: &str,
        target_id: &str,
    ) -> Result<bool, StoreError> {
        self.org_get_policy(organization, policy_id)?;
        self.org_check_target(organization, target_id)?;
        let changed = self
            .execute(
                "INSERT OR IGNORE INTO org_policy_attachment (organization_id, policy_id, target_id)
                 VALUES (?1, ?2, ?3)",
                params![organization, policy_id, target_id],
            )
            .map_err(|err| {
                on_write(
                    err,
                    Entity::OrgPolicy,
                    policy_id,
                    (Entity::OrgPolicy, policy_id),
                )
            })?;
        Ok(changed == 1)
    }

    pub(super) fn org_detach_policy(
        &self,
        organization: &str,
        policy_id: &str,
        target_id: &str,
    ) -> Result<bool, StoreError> {
        let changed = self
            .execute(
                "DELETE FROM org_policy_attachment
                 WHERE organization_id = ?1 AND policy_id = ?2 AND target_id = ?3",
                params![organization, policy_id, target_id],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }

    pub(super) fn org_list_policies_for_target(
        &self,
        organization: &str,
        target_id: &str,
        policy_type: &str,
    ) -> Result<Vec<OrgPolicy>, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM org_policy p
             JOIN org_policy_attachment t
               ON t.organization_id = p.organization_id AND t.policy_id = p.id
             WHERE p.organization_id = ?1 AND t.target_id = ?2 AND p.policy_type = ?3
             ORDER BY p.name"
        );
        self.many(
            &sql,
            params![organization, target_id, policy_type],
            policy_row,
        )
    }

    pub(super) fn org_list_policy_targets(
        &self,
        organization: &str,
        policy_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        self.many(
            "SELECT target_id FROM org_policy_attachment
             WHERE organization_id = ?1 AND policy_id = ?2 ORDER BY target_id",
            params![organization, policy_id],
            |row| row.get(0),
        )
    }
}
