//! [`Transaction`] over one open SQLite transaction.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

use super::row::{
    ACCOUNT_COLS, GROUP_COLS, KEY_COLS, MFA_COLS, POLICY_COLS, ROLE_COLS, USER_COLS, VERSION_COLS,
    account_row, expect_one, group_row, key_row, mfa_row, not_found, policy_row, profile_row,
    report_row, role_row, to_json, user_row, version_row,
};
use super::{backend, on_delete, on_write};
use crate::error::{Entity, StoreError};
use crate::record::{
    AccessKey, Account, AttachedPolicy, ConsoleSettings, CredentialReport, Group, InlinePolicy,
    KeyOwner, LoginProfile, ManagedPolicy, MfaDeviceCounts, PolicyEntity, PolicyVersion,
    PrincipalKind, Role, User, VirtualMfaDevice, name_key,
};
use crate::record::{ConfigRule, EvaluationResult};
use crate::record::{CreateAccountStatus, OrgAccount, OrgPolicy, OrgRoot, OrgUnit, Organization};
use crate::secret::PasswordHash;
use crate::store::{ListOptions, Page, Transaction, Usage};

mod compliance;
mod organization;

/// The primitives, run on the connection of an open transaction.
pub(crate) struct SqliteTransaction<'c> {
    conn: &'c Connection,
}

impl<'c> SqliteTransaction<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }
}

/// The tables that hold each kind of principal and what hangs off it.
struct Tables {
    entity: Entity,
    table: &'static str,
    attachment: &'static str,
    inline: &'static str,
}

const fn tables(kind: PrincipalKind) -> Tables {
    match kind {
        PrincipalKind::User => Tables {
            entity: Entity::User,
            table: "iam_user",
            attachment: "user_policy_attachment",
            inline: "user_inline_policy",
        },
        PrincipalKind::Group => Tables {
            entity: Entity::Group,
            table: "iam_group",
            attachment: "group_policy_attachment",
            inline: "group_inline_policy",
        },
        PrincipalKind::Role => Tables {
            entity: Entity::Role,
            table: "iam_role",
            attachment: "role_policy_attachment",
            inline: "role_inline_policy",
        },
    }
}

/// `LIMIT` for a page: one more than asked, to learn whether more follow.
fn fetch_limit(limit: usize) -> i64 {
    i64::try_from(limit)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1)
}

fn page<T>(mut items: Vec<T>, limit: usize) -> Page<T> {
    let is_truncated = items.len() > limit;
    items.truncate(limit);
    Page {
        items,
        is_truncated,
    }
}

impl SqliteTransaction<'_> {
    fn one<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
        entity: Entity,
        name: &str,
    ) -> Result<T, StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.query_row(params, map).optional())
            .map_err(backend)?
            .ok_or_else(|| not_found(entity, name))
    }

    fn many<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(backend)?;
        let rows = stmt.query_map(params, map).map_err(backend)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(backend)
    }

    /// One page of a listing ordered by name: `sql` filters on `?1` (the owner: an
    /// account or a user id), `?2` (the name key to start after), `?3` (a path prefix)
    /// and takes `?4` rows.
    fn named_page<T>(
        &self,
        sql: &str,
        owner: &dyn ToSql,
        options: &ListOptions<'_>,
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Page<T>, StoreError> {
        let after = options.after.map(name_key);
        let rows = self.many(
            sql,
            params![
                owner,
                after,
                options.path_prefix,
                fetch_limit(options.limit)
            ],
            map,
        )?;
        Ok(page(rows, options.limit))
    }

    fn execute(&self, sql: &str, params: &[&dyn ToSql]) -> rusqlite::Result<usize> {
        self.conn.prepare_cached(sql)?.execute(params)
    }

    fn count(&self, sql: &str, id: &str) -> Result<u32, StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.query_row([id], |row| row.get(0)))
            .map_err(backend)
    }

    /// The unique ID of a user, group or role, by name.
    fn principal_id(
        &self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
    ) -> Result<String, StoreError> {
        let t = tables(kind);
        let sql = format!(
            "SELECT id FROM {} WHERE account_id = ?1 AND name_key = ?2",
            t.table
        );
        self.one(
            &sql,
            params![account, name_key(name)],
            |row| row.get(0),
            t.entity,
            name,
        )
    }

    fn policy_id(&self, account: &str, arn: &str) -> Result<String, StoreError> {
        self.one(
            "SELECT id FROM managed_policy WHERE account_id = ?1 AND arn = ?2",
            params![account, arn],
            |row| row.get(0),
            Entity::Policy,
            arn,
        )
    }

    fn delete_principal(
        &self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
    ) -> Result<(), StoreError> {
        let t = tables(kind);
        let sql = format!(
            "DELETE FROM {} WHERE account_id = ?1 AND name_key = ?2",
            t.table
        );
        let changed = self
            .execute(&sql, params![account, name_key(name)])
            .map_err(|err| on_delete(err, t.entity, name))?;
        expect_one(changed, t.entity, name)
    }
}

impl Transaction for SqliteTransaction<'_> {
    fn insert_account(&mut self, account: &Account) -> Result<(), StoreError> {
        let policy = account.password_policy.as_ref().map(to_json).transpose()?;
        self.execute(
            "INSERT INTO account (id, alias, password_policy, root_password, create_date)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                account.id,
                account.alias,
                policy,
                account.root_password.as_ref().map(PasswordHash::as_phc),
                account.create_date,
            ],
        )
        .map_err(|err| on_write(err, Entity::Account, &account.id, (Entity::Account, "")))?;
        Ok(())
    }

    fn get_account(&mut self, id: &str) -> Result<Account, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM account a WHERE a.id = ?1");
        self.one(&sql, params![id], account_row, Entity::Account, id)
    }

    fn update_account(&mut self, account: &Account) -> Result<(), StoreError> {
        let policy = account.password_policy.as_ref().map(to_json).transpose()?;
        let changed = self
            .execute(
                "UPDATE account SET alias = ?2, password_policy = ?3, root_password = ?4
                 WHERE id = ?1",
                params![
                    account.id,
                    account.alias,
                    policy,
                    account.root_password.as_ref().map(PasswordHash::as_phc),
                ],
            )
            .map_err(|err| {
                let alias = account.alias.as_deref().unwrap_or_default();
                on_write(err, Entity::Account, alias, (Entity::Account, &account.id))
            })?;
        expect_one(changed, Entity::Account, &account.id)
    }

    fn list_accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM account a ORDER BY a.id");
        self.many(&sql, params![], account_row)
    }

    fn insert_user(&mut self, user: &User) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO iam_user (id, account_id, name, name_key, path, arn, create_date,
                 permissions_boundary, tags, password_last_used)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                user.id,
                user.account_id,
                user.name,
                name_key(&user.name),
                user.path,
                user.arn,
                user.create_date,
                user.permissions_boundary,
                to_json(&user.tags)?,
                user.password_last_used,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::User,
                &user.name,
                (Entity::Account, &user.account_id),
            )
        })?;
        Ok(())
    }

    fn get_user(&mut self, account: &str, name: &str) -> Result<User, StoreError> {
        let sql = format!(
            "SELECT {USER_COLS} FROM iam_user u WHERE u.account_id = ?1 AND u.name_key = ?2"
        );
        self.one(
            &sql,
            params![account, name_key(name)],
            user_row,
            Entity::User,
            name,
        )
    }

    fn get_user_by_id(&mut self, id: &str) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLS} FROM iam_user u WHERE u.id = ?1");
        self.one(&sql, params![id], user_row, Entity::User, id)
    }

    fn update_user(&mut self, user: &User) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE iam_user SET name = ?2, name_key = ?3, path = ?4, arn = ?5,
                     permissions_boundary = ?6, tags = ?7, password_last_used = ?8
                 WHERE id = ?1",
                params![
                    user.id,
                    user.name,
                    name_key(&user.name),
                    user.path,
                    user.arn,
                    user.permissions_boundary,
                    to_json(&user.tags)?,
                    user.password_last_used,
                ],
            )
            .map_err(|err| {
                on_write(
                    err,
                    Entity::User,
                    &user.name,
                    (Entity::Account, &user.account_id),
                )
            })?;
        expect_one(changed, Entity::User, &user.name)
    }

    fn delete_user(&mut self, account: &str, name: &str) -> Result<(), StoreError> {
        self.delete_principal(account, PrincipalKind::User, name)
    }

    fn list_users(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLS} FROM iam_user u
             WHERE u.account_id = ?1 AND (?2 IS NULL OR u.name_key > ?2)
               AND (?3 IS NULL OR substr(u.path, 1, length(?3)) = ?3)
             ORDER BY u.name_key LIMIT ?4"
        );
        self.named_page(&sql, &account, options, user_row)
    }

    fn insert_group(&mut self, group: &Group) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO iam_group (id, account_id, name, name_key, path, arn, create_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                group.id,
                group.account_id,
                group.name,
                name_key(&group.name),
                group.path,
                group.arn,
                group.create_date,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::Group,
                &group.name,
                (Entity::Account, &group.account_id),
            )
        })?;
        Ok(())
    }

    fn get_group(&mut self, account: &str, name: &str) -> Result<Group, StoreError> {
        let sql = format!(
            "SELECT {GROUP_COLS} FROM iam_group g WHERE g.account_id = ?1 AND g.name_key = ?2"
        );
        self.one(
            &sql,
            params![account, name_key(name)],
            group_row,
            Entity::Group,
            name,
        )
    }

    fn update_group(&mut self, group: &Group) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE iam_group SET name = ?2, name_key = ?3, path = ?4, arn = ?5 WHERE id = ?1",
                params![
                    group.id,
                    group.name,
                    name_key(&group.name),
                    group.path,
                    group.arn
                ],
            )
            .map_err(|err| {
                on_write(
                    err,
                    Entity::Group,
                    &group.name,
                    (Entity::Account, &group.account_id),
                )
            })?;
        expect_one(changed, Entity::Group, &group.name)
    }

    fn delete_group(&mut self, account: &str, name: &str) -> Result<(), StoreError> {
        self.delete_principal(account, PrincipalKind::Group, name)
    }

    fn list_groups(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<Group>, StoreError> {
        let sql = format!(
            "SELECT {GROUP_COLS} FROM iam_group g
             WHERE g.account_id = ?1 AND (?2 IS NULL OR g.name_key > ?2)
               AND (?3 IS NULL OR substr(g.path, 1, length(?3)) = ?3)
             ORDER BY g.name_key LIMIT ?4"
        );
        self.named_page(&sql, &account, options, group_row)
    }

    fn add_user_to_group(
        &mut self,
        account: &str,
        group: &str,
        user: &str,
    ) -> Result<bool, StoreError> {
        let group_id = self.principal_id(account, PrincipalKind::Group, group)?;
        let user_id = self.principal_id(account, PrincipalKind::User, user)?;
        let changed = self
            .execute(
                "INSERT OR IGNORE INTO group_membership (group_id, user_id) VALUES (?1, ?2)",
                params![group_id, user_id],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn remove_user_from_group(
        &mut self,
        account: &str,
        group: &str,
        user: &str,
    ) -> Result<bool, StoreError> {
        let group_id = self.principal_id(account, PrincipalKind::Group, group)?;
        let user_id = self.principal_id(account, PrincipalKind::User, user)?;
        let changed = self
            .execute(
                "DELETE FROM group_membership WHERE group_id = ?1 AND user_id = ?2",
                params![group_id, user_id],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn list_groups_for_user(
        &mut self,
        account: &str,
        user: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<Group>, StoreError> {
        let user_id = self.principal_id(account, PrincipalKind::User, user)?;
        let sql = format!(
            "SELECT {GROUP_COLS} FROM iam_group g
             JOIN group_membership m ON m.group_id = g.id
             WHERE m.user_id = ?1 AND (?2 IS NULL OR g.name_key > ?2)
               AND (?3 IS NULL OR substr(g.path, 1, length(?3)) = ?3)
             ORDER BY g.name_key LIMIT ?4"
        );
        self.named_page(&sql, &user_id, options, group_row)
    }

    fn list_group_members(
        &mut self,
        account: &str,
        group: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<User>, StoreError> {
        let group_id = self.principal_id(account, PrincipalKind::Group, group)?;
        let sql = format!(
            "SELECT {USER_COLS} FROM iam_user u
             JOIN group_membership m ON m.user_id = u.id
             WHERE m.group_id = ?1 AND (?2 IS NULL OR u.name_key > ?2)
               AND (?3 IS NULL OR substr(u.path, 1, length(?3)) = ?3)
             ORDER BY u.name_key LIMIT ?4"
        );
        self.named_page(&sql, &group_id, options, user_row)
    }

    fn insert_role(&mut self, role: &Role) -> Result<(), StoreError> {
        let last_used = role.role_last_used.as_ref();
        self.execute(
            "INSERT INTO iam_role (id, account_id, name, name_key, path, arn, create_date,
                 assume_role_policy_document, description, max_session_duration,
                 permissions_boundary, tags, last_used_date, last_used_region)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                role.id,
                role.account_id,
                role.name,
                name_key(&role.name),
                role.path,
                role.arn,
                role.create_date,
                role.assume_role_policy_document,
                role.description,
                role.max_session_duration,
                role.permissions_boundary,
                to_json(&role.tags)?,
                last_used.map(|used| used.last_used_date),
                last_used.map(|used| used.region.as_str()),
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::Role,
                &role.name,
                (Entity::Account, &role.account_id),
            )
        })?;
        Ok(())
    }

    fn get_role(&mut self, account: &str, name: &str) -> Result<Role, StoreError> {
        let sql = format!(
            "SELECT {ROLE_COLS} FROM iam_role r WHERE r.account_id = ?1 AND r.name_key = ?2"
        );
        self.one(
            &sql,
            params![account, name_key(name)],
            role_row,
            Entity::Role,
            name,
        )
    }

    fn update_role(&mut self, role: &Role) -> Result<(), StoreError> {
        let last_used = role.role_last_used.as_ref();
        let changed = self
            .execute(
                "UPDATE iam_role SET name = ?2, name_key = ?3, path = ?4, arn = ?5,
                     assume_role_policy_document = ?6, description = ?7,
                     max_session_duration = ?8, permissions_boundary = ?9, tags = ?10,
                     last_used_date = ?11, last_used_region = ?12
                 WHERE id = ?1",
                params![
                    role.id,
                    role.name,
                    name_key(&role.name),
                    role.path,
                    role.arn,
                    role.assume_role_policy_document,
                    role.description,
                    role.max_session_duration,
                    role.permissions_boundary,
                    to_json(&role.tags)?,
                    last_used.map(|used| used.last_used_date),
                    last_used.map(|used| used.region.as_str()),
                ],
            )
            .map_err(|err| {
                on_write(
                    err,
                    Entity::Role,
                    &role.name,
                    (Entity::Account, &role.account_id),
                )
            })?;
        expect_one(changed, Entity::Role, &role.name)
    }

    fn delete_role(&mut self, account: &str, name: &str) -> Result<(), StoreError> {
        self.delete_principal(account, PrincipalKind::Role, name)
    }

    fn list_roles(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<Role>, StoreError> {
        let sql = format!(
            "SELECT {ROLE_COLS} FROM iam_role r
             WHERE r.account_id = ?1 AND (?2 IS NULL OR r.name_key > ?2)
               AND (?3 IS NULL OR substr(r.path, 1, length(?3)) = ?3)
             ORDER BY r.name_key LIMIT ?4"
        );
        self.named_page(&sql, &account, options, role_row)
    }

    fn usage(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
    ) -> Result<Usage, StoreError> {
        let id = self.principal_id(account, kind, name)?;
        let t = tables(kind);
        let mut usage = Usage {
            attached_policies: self.count(
                &format!(
                    "SELECT count(*) FROM {} WHERE principal_id = ?1",
                    t.attachment
                ),
                &id,
            )?,
            inline_policies: self.count(
                &format!("SELECT count(*) FROM {} WHERE principal_id = ?1", t.inline),
                &id,
            )?,
            ..Usage::default()
        };
        match kind {
            PrincipalKind::User => {
                usage.group_memberships = self.count(
                    "SELECT count(*) FROM group_membership WHERE user_id = ?1",
                    &id,
                )?;
                usage.access_keys =
                    self.count("SELECT count(*) FROM access_key WHERE user_id = ?1", &id)?;
                usage.login_profile =
                    self.count("SELECT count(*) FROM login_profile WHERE user_id = ?1", &id)? > 0;
                usage.mfa_devices = self.count(
                    "SELECT count(*) FROM virtual_mfa_device WHERE user_id = ?1",
                    &id,
                )?;
            }
            PrincipalKind::Group => {
                usage.group_memberships = self.count(
                    "SELECT count(*) FROM group_membership WHERE group_id = ?1",
                    &id,
                )?;
            }
            PrincipalKind::Role => {}
        }
        Ok(usage)
    }

    fn insert_policy(&mut self, policy: &ManagedPolicy) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO managed_policy (id, account_id, name, name_key, path, arn, description,
                 default_version, latest_version, is_attachable, create_date, update_date, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                policy.id,
                policy.account_id,
                policy.name,
                name_key(&policy.name),
                policy.path,
                policy.arn,
                policy.description,
                policy.default_version,
                policy.latest_version,
                policy.is_attachable,
                policy.create_date,
                policy.update_date,
                to_json(&policy.tags)?,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::Policy,
                &policy.name,
                (Entity::Account, &policy.account_id),
            )
        })?;
        Ok(())
    }

    fn get_policy(&mut self, account: &str, arn: &str) -> Result<ManagedPolicy, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM managed_policy_view p WHERE p.account_id = ?1 AND p.arn = ?2"
        );
        self.one(&sql, params![account, arn], policy_row, Entity::Policy, arn)
    }

    fn update_policy(&mut self, policy: &ManagedPolicy) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE managed_policy SET description = ?2, default_version = ?3,
                     latest_version = ?4, is_attachable = ?5, update_date = ?6, tags = ?7
                 WHERE id = ?1",
                params![
                    policy.id,
                    policy.description,
                    policy.default_version,
                    policy.latest_version,
                    policy.is_attachable,
                    policy.update_date,
                    to_json(&policy.tags)?,
                ],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::Policy, &policy.arn)
    }

    fn delete_policy(&mut self, account: &str, arn: &str) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "DELETE FROM managed_policy WHERE account_id = ?1 AND arn = ?2",
                params![account, arn],
            )
            .map_err(|err| on_delete(err, Entity::Policy, arn))?;
        expect_one(changed, Entity::Policy, arn)
    }

    fn list_policies(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
        only_attached: bool,
    ) -> Result<Page<ManagedPolicy>, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM managed_policy_view p
             WHERE p.account_id = ?1 AND (?2 IS NULL OR p.name_key > ?2)
               AND (?3 IS NULL OR substr(p.path, 1, length(?3)) = ?3)
               AND (NOT ?5 OR p.attachment_count > 0)
             ORDER BY p.name_key LIMIT ?4"
        );
        let after = options.after.map(name_key);
        let rows = self.many(
            &sql,
            params![
                account,
                after,
                options.path_prefix,
                fetch_limit(options.limit),
                only_attached
            ],
            policy_row,
        )?;
        Ok(page(rows, options.limit))
    }

    fn insert_policy_version(&mut self, version: &PolicyVersion) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO policy_version (policy_id, version, document, create_date)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                version.policy_id,
                version.version,
                version.document,
                version.create_date
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::PolicyVersion,
                &version.version_id(),
                (Entity::Policy, &version.policy_id),
            )
        })?;
        Ok(())
    }

    fn get_policy_version(
        &mut self,
        policy_id: &str,
        version: u32,
    ) -> Result<PolicyVersion, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLS} FROM policy_version v WHERE v.policy_id = ?1 AND v.version = ?2"
        );
        self.one(
            &sql,
            params![policy_id, version],
            version_row,
            Entity::PolicyVersion,
            &crate::record::version_id(version),
        )
    }

    fn list_policy_versions(&mut self, policy_id: &str) -> Result<Vec<PolicyVersion>, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLS} FROM policy_version v WHERE v.policy_id = ?1
             ORDER BY v.version DESC"
        );
        self.many(&sql, params![policy_id], version_row)
    }

    fn delete_policy_version(&mut self, policy_id: &str, version: u32) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "DELETE FROM policy_version WHERE policy_id = ?1 AND version = ?2",
                params![policy_id, version],
            )
            .map_err(backend)?;
        expect_one(
            changed,
            Entity::PolicyVersion,
            &crate::record::version_id(version),
        )
    }

    fn attach_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_arn: &str,
    ) -> Result<bool, StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let policy = self.policy_id(account, policy_arn)?;
        let sql = format!(
            "INSERT OR IGNORE INTO {} (principal_id, policy_id) VALUES (?1, ?2)",
            tables(kind).attachment
        );
        let changed = self
            .execute(&sql, params![principal, policy])
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn detach_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_arn: &str,
    ) -> Result<bool, StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let policy = self.policy_id(account, policy_arn)?;
        let sql = format!(
            "DELETE FROM {} WHERE principal_id = ?1 AND policy_id = ?2",
            tables(kind).attachment
        );
        let changed = self
            .execute(&sql, params![principal, policy])
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn list_attached_policies(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<AttachedPolicy>, StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let sql = format!(
            "SELECT p.name, p.arn FROM managed_policy p
             JOIN {} a ON a.policy_id = p.id
             WHERE a.principal_id = ?1 AND (?2 IS NULL OR p.name_key > ?2)
               AND (?3 IS NULL OR substr(p.path, 1, length(?3)) = ?3)
             ORDER BY p.name_key LIMIT ?4",
            tables(kind).attachment
        );
        let after = options.after.map(name_key);
        let rows = self.many(
            &sql,
            params![
                principal,
                after,
                options.path_prefix,
                fetch_limit(options.limit)
            ],
            |row| {
                Ok(AttachedPolicy {
                    policy_name: row.get(0)?,
                    policy_arn: row.get(1)?,
                })
            },
        )?;
        Ok(page(rows, options.limit))
    }

    fn list_policy_entities(
        &mut self,
        account: &str,
        policy_arn: &str,
    ) -> Result<Vec<PolicyEntity>, StoreError> {
        let policy = self.policy_id(account, policy_arn)?;
        self.many(
            "SELECT 0, u.name, u.id, u.name_key FROM user_policy_attachment a
                 JOIN iam_user u ON u.id = a.principal_id WHERE a.policy_id = ?1
             UNION ALL
             SELECT 1, g.name, g.id, g.name_key FROM group_policy_attachment a
                 JOIN iam_group g ON g.id = a.principal_id WHERE a.policy_id = ?1
             UNION ALL
             SELECT 2, r.name, r.id, r.name_key FROM role_policy_attachment a
                 JOIN iam_role r ON r.id = a.principal_id WHERE a.policy_id = ?1
             ORDER BY 1, 4",
            params![policy],
            |row| {
                let kind = match row.get::<_, i64>(0)? {
                    0 => PrincipalKind::User,
                    1 => PrincipalKind::Group,
                    _ => PrincipalKind::Role,
                };
                Ok(PolicyEntity {
                    kind,
                    name: row.get(1)?,
                    id: row.get(2)?,
                })
            },
        )
    }

    fn put_inline_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy: &InlinePolicy,
    ) -> Result<bool, StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let table = tables(kind).inline;
        let key = name_key(&policy.name);
        let exists: bool = self
            .conn
            .prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM {table} WHERE principal_id = ?1 AND name_key = ?2)"
            ))
            .and_then(|mut stmt| stmt.query_row(params![principal, key], |row| row.get(0)))
            .map_err(backend)?;
        self.execute(
            &format!(
                "INSERT INTO {table} (principal_id, name, name_key, document)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (principal_id, name_key)
                 DO UPDATE SET name = excluded.name, document = excluded.document"
            ),
            params![principal, policy.name, key, policy.document],
        )
        .map_err(backend)?;
        Ok(!exists)
    }

    fn get_inline_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_name: &str,
    ) -> Result<InlinePolicy, StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let sql = format!(
            "SELECT name, document FROM {} WHERE principal_id = ?1 AND name_key = ?2",
            tables(kind).inline
        );
        self.one(
            &sql,
            params![principal, name_key(policy_name)],
            |row| {
                Ok(InlinePolicy {
                    name: row.get(0)?,
                    document: row.get(1)?,
                })
            },
            Entity::InlinePolicy,
            policy_name,
        )
    }

    fn delete_inline_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let sql = format!(
            "DELETE FROM {} WHERE principal_id = ?1 AND name_key = ?2",
            tables(kind).inline
        );
        let changed = self
            .execute(&sql, params![principal, name_key(policy_name)])
            .map_err(backend)?;
        expect_one(changed, Entity::InlinePolicy, policy_name)
    }

    fn list_inline_policies(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<InlinePolicy>, StoreError> {
        let principal = self.principal_id(account, kind, name)?;
        let sql = format!(
            "SELECT name, document FROM {}
             WHERE principal_id = ?1 AND (?2 IS NULL OR name_key > ?2)
             ORDER BY name_key LIMIT ?3",
            tables(kind).inline
        );
        let after = options.after.map(name_key);
        let rows = self.many(
            &sql,
            params![principal, after, fetch_limit(options.limit)],
            |row| {
                Ok(InlinePolicy {
                    name: row.get(0)?,
                    document: row.get(1)?,
                })
            },
        )?;
        Ok(page(rows, options.limit))
    }

    fn insert_access_key(&mut self, key: &AccessKey) -> Result<(), StoreError> {
        let (user_id, parent) = match &key.owner {
            KeyOwner::Root => (None, (Entity::Account, key.account_id.as_str())),
            KeyOwner::User(id) => (Some(id.as_str()), (Entity::User, id.as_str())),
        };
        let last_used = key.last_used.as_ref();
        self.execute(
            "INSERT INTO access_key (id, account_id, user_id, secret, status, create_date,
                 last_used_date, last_used_service, last_used_region)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                key.id,
                key.account_id,
                user_id,
                key.secret.as_bytes(),
                key.status.as_str(),
                key.create_date,
                last_used.map(|used| used.last_used_date),
                last_used.map(|used| used.service_name.as_str()),
                last_used.map(|used| used.region.as_str()),
            ],
        )
        .map_err(|err| on_write(err, Entity::AccessKey, &key.id, parent))?;
        Ok(())
    }

    fn get_access_key(&mut self, id: &str) -> Result<AccessKey, StoreError> {
        let sql = format!("SELECT {KEY_COLS} FROM access_key k WHERE k.id = ?1");
        self.one(&sql, params![id], key_row, Entity::AccessKey, id)
    }

    fn update_access_key(&mut self, key: &AccessKey) -> Result<(), StoreError> {
        let last_used = key.last_used.as_ref();
        let changed = self
            .execute(
                "UPDATE access_key SET status = ?2, last_used_date = ?3,
                     last_used_service = ?4, last_used_region = ?5
                 WHERE id = ?1",
                params![
                    key.id,
                    key.status.as_str(),
                    last_used.map(|used| used.last_used_date),
                    last_used.map(|used| used.service_name.as_str()),
                    last_used.map(|used| used.region.as_str()),
                ],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::AccessKey, &key.id)
    }

    fn delete_access_key(&mut self, account: &str, id: &str) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "DELETE FROM access_key WHERE account_id = ?1 AND id = ?2",
                params![account, id],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::AccessKey, id)
    }

    fn list_access_keys(
        &mut self,
        account: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<AccessKey>, StoreError> {
        let user_id = match owner {
            KeyOwner::Root => None,
            KeyOwner::User(id) => Some(id.as_str()),
        };
        let sql = format!(
            "SELECT {KEY_COLS} FROM access_key k WHERE k.account_id = ?1 AND k.user_id IS ?2
             ORDER BY k.create_date, k.id"
        );
        self.many(&sql, params![account, user_id], key_row)
    }

    fn insert_login_profile(&mut self, profile: &LoginProfile) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO login_profile (user_id, password_hash, password_reset_required,
                 create_date, password_history, password_changed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                profile.user_id,
                profile.password_hash.as_phc(),
                profile.password_reset_required,
                profile.create_date,
                history_json(profile)?,
                profile.password_changed,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::LoginProfile,
                &profile.user_id,
                (Entity::User, &profile.user_id),
            )
        })?;
        Ok(())
    }

    fn get_login_profile(&mut self, user_id: &str) -> Result<LoginProfile, StoreError> {
        self.one(
            "SELECT user_id, password_hash, password_reset_required, create_date,
                 password_history, password_changed
             FROM login_profile WHERE user_id = ?1",
            params![user_id],
            profile_row,
            Entity::LoginProfile,
            user_id,
        )
    }

    fn update_login_profile(&mut self, profile: &LoginProfile) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE login_profile SET password_hash = ?2, password_reset_required = ?3,
                     password_history = ?4, password_changed = ?5
                 WHERE user_id = ?1",
                params![
                    profile.user_id,
                    profile.password_hash.as_phc(),
                    profile.password_reset_required,
                    history_json(profile)?,
                    profile.password_changed,
                ],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::LoginProfile, &profile.user_id)
    }

    fn delete_login_profile(&mut self, user_id: &str) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "DELETE FROM login_profile WHERE user_id = ?1",
                params![user_id],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::LoginProfile, user_id)
    }

    fn insert_virtual_mfa_device(&mut self, device: &VirtualMfaDevice) -> Result<(), StoreError> {
        let owner = MfaOwnerColumns::of(device);
        let v = &device.verification;
        self.execute(
            "INSERT INTO virtual_mfa_device (serial_number, serial_key, account_id, name, path,
                 seed, tags, create_date, user_id, assigned_to_root, enable_date, drift,
                 last_step, failures, locked_until, creator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                device.serial_number,
                name_key(&device.serial_number),
                device.account_id,
                device.name,
                device.path,
                device.seed.as_bytes(),
                to_json(&device.tags)?,
                device.create_date,
                owner.user_id,
                owner.root,
                owner.enable_date,
                v.drift,
                step_column(v.last_step)?,
                v.failures,
                v.locked_until,
                device.creator,
            ],
        )
        .map_err(|err| {
            let parent = match owner.user_id {
                Some(id) => (Entity::User, id),
                None => (Entity::Account, device.account_id.as_str()),
            };
            on_write(err, Entity::MfaDevice, &device.serial_number, parent)
        })?;
        Ok(())
    }

    fn get_virtual_mfa_device(
        &mut self,
        account: &str,
        serial_number: &str,
    ) -> Result<VirtualMfaDevice, StoreError> {
        let sql = format!(
            "SELECT {MFA_COLS} FROM virtual_mfa_device d
             WHERE d.account_id = ?1 AND d.serial_key = ?2"
        );
        self.one(
            &sql,
            params![account, name_key(serial_number)],
            mfa_row,
            Entity::MfaDevice,
            serial_number,
        )
    }

    fn update_virtual_mfa_device(&mut self, device: &VirtualMfaDevice) -> Result<(), StoreError> {
        let owner = MfaOwnerColumns::of(device);
        let v = &device.verification;
        let changed = self
            .execute(
                "UPDATE virtual_mfa_device SET tags = ?3, user_id = ?4, assigned_to_root = ?5,
                     enable_date = ?6, drift = ?7, last_step = ?8, failures = ?9,
                     locked_until = ?10
                 WHERE account_id = ?1 AND serial_key = ?2",
                params![
                    device.account_id,
                    name_key(&device.serial_number),
                    to_json(&device.tags)?,
                    owner.user_id,
                    owner.root,
                    owner.enable_date,
                    v.drift,
                    step_column(v.last_step)?,
                    v.failures,
                    v.locked_until,
                ],
            )
            .map_err(|err| {
                let parent = match owner.user_id {
                    Some(id) => (Entity::User, id),
                    None => (Entity::Account, device.account_id.as_str()),
                };
                on_write(err, Entity::MfaDevice, &device.serial_number, parent)
            })?;
        expect_one(changed, Entity::MfaDevice, &device.serial_number)
    }

    fn delete_virtual_mfa_device(
        &mut self,
        account: &str,
        serial_number: &str,
    ) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "DELETE FROM virtual_mfa_device WHERE account_id = ?1 AND serial_key = ?2",
                params![account, name_key(serial_number)],
            )
            .map_err(|err| on_delete(err, Entity::MfaDevice, serial_number))?;
        expect_one(changed, Entity::MfaDevice, serial_number)
    }

    fn list_virtual_mfa_devices(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
        assigned: Option<bool>,
    ) -> Result<Page<VirtualMfaDevice>, StoreError> {
        let sql = format!(
            "SELECT {MFA_COLS} FROM virtual_mfa_device d
             WHERE d.account_id = ?1 AND (?2 IS NULL OR d.serial_key > ?2)
               AND (?3 IS NULL OR (d.enable_date IS NOT NULL) = ?3)
             ORDER BY d.serial_key LIMIT ?4"
        );
        let after = options.after.map(name_key);
        let rows = self.many(
            &sql,
            params![account, after, assigned, fetch_limit(options.limit)],
            mfa_row,
        )?;
        Ok(page(rows, options.limit))
    }

    fn list_assigned_mfa_devices(
        &mut self,
        account: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<VirtualMfaDevice>, StoreError> {
        let (user_id, root) = match owner {
            KeyOwner::Root => (None, true),
            KeyOwner::User(id) => (Some(id.as_str()), false),
        };
        let sql = format!(
            "SELECT {MFA_COLS} FROM virtual_mfa_device d
             WHERE d.account_id = ?1 AND d.enable_date IS NOT NULL
               AND d.user_id IS ?2 AND d.assigned_to_root = ?3
             ORDER BY d.enable_date, d.serial_key"
        );
        self.many(&sql, params![account, user_id, root], mfa_row)
    }

    fn mfa_device_counts(&mut self, account: &str) -> Result<MfaDeviceCounts, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT count(*), count(enable_date), coalesce(sum(assigned_to_root), 0)
                 FROM virtual_mfa_device WHERE account_id = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([account], |row| {
                    Ok(MfaDeviceCounts {
                        total: row.get(0)?,
                        assigned: row.get(1)?,
                        root: row.get(2)?,
                    })
                })
            })
            .map_err(backend)
    }

    fn put_credential_report(&mut self, report: &CredentialReport) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO credential_report (account_id, generated_time, content)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id)
             DO UPDATE SET generated_time = excluded.generated_time, content = excluded.content",
            params![report.account_id, report.generated_time, report.content],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::CredentialReport,
                &report.account_id,
                (Entity::Account, &report.account_id),
            )
        })?;
        Ok(())
    }

    fn get_credential_report(&mut self, account: &str) -> Result<CredentialReport, StoreError> {
        self.one(
            "SELECT account_id, generated_time, content FROM credential_report
             WHERE account_id = ?1",
            params![account],
            report_row,
            Entity::CredentialReport,
            account,
        )
    }

    fn get_console_settings(&mut self, account: &str) -> Result<ConsoleSettings, StoreError> {
        let stored: Option<bool> = self
            .conn
            .query_row(
                "SELECT require_mfa_enrollment FROM console_setting WHERE account_id = ?1",
                params![account],
                |row| row.get(0),
            )
            .optional()
            .map_err(backend)?;
        Ok(ConsoleSettings {
            require_mfa_enrollment: stored.unwrap_or(false),
            ..ConsoleSettings::defaults(account)
        })
    }

    fn put_console_settings(&mut self, settings: &ConsoleSettings) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO console_setting (account_id, require_mfa_enrollment) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET
                 require_mfa_enrollment = excluded.require_mfa_enrollment",
            params![settings.account_id, settings.require_mfa_enrollment],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::Account,
                &settings.account_id,
                (Entity::Account, &settings.account_id),
            )
        })?;
        Ok(())
    }

    fn insert_organization(&mut self, organization: &Organization) -> Result<(), StoreError> {
        self.org_insert_organization(organization)
    }

    fn get_organization(&mut self, id: &str) -> Result<Organization, StoreError> {
        self.org_get_organization(id)
    }

    fn list_organizations(&mut self) -> Result<Vec<Organization>, StoreError> {
        self.org_list_organizations()
    }

    fn delete_organization(&mut self, id: &str) -> Result<(), StoreError> {
        self.org_delete_organization(id)
    }

    fn insert_org_root(&mut self, root: &OrgRoot) -> Result<(), StoreError> {
        self.org_insert_root(root)
    }

    fn get_org_root(&mut self, organization: &str, id: &str) -> Result<OrgRoot, StoreError> {
        self.org_get_root(organization, id)
    }

    fn update_org_root(&mut self, root: &OrgRoot) -> Result<(), StoreError> {
        self.org_update_root(root)
    }

    fn list_org_roots(&mut self, organization: &str) -> Result<Vec<OrgRoot>, StoreError> {
        self.org_list_roots(organization)
    }

    fn insert_org_unit(&mut self, unit: &OrgUnit) -> Result<(), StoreError> {
        self.org_insert_unit(unit)
    }

    fn get_org_unit(&mut self, organization: &str, id: &str) -> Result<OrgUnit, StoreError> {
        self.org_get_unit(organization, id)
    }

    fn delete_org_unit(&mut self, organization: &str, id: &str) -> Result<(), StoreError> {
        self.org_delete_unit(organization, id)
    }

    fn list_org_units(
        &mut self,
        organization: &str,
        parent: &str,
    ) -> Result<Vec<OrgUnit>, StoreError> {
        self.org_list_units(organization, parent)
    }

    fn insert_org_account(&mut self, account: &OrgAccount) -> Result<(), StoreError> {
        self.org_insert_account(account)
    }

    fn get_org_account(&mut self, account_id: &str) -> Result<OrgAccount, StoreError> {
        self.org_get_account(account_id)
    }

    fn update_org_account(&mut self, account: &OrgAccount) -> Result<(), StoreError> {
        self.org_update_account(account)
    }

    fn list_org_accounts(
        &mut self,
        organization: &str,
        parent: Option<&str>,
    ) -> Result<Vec<OrgAccount>, StoreError> {
        self.org_list_accounts(organization, parent)
    }

    fn insert_create_account_status(
        &mut self,
        status: &CreateAccountStatus,
    ) -> Result<(), StoreError> {
        self.org_insert_status(status)
    }

    fn get_create_account_status(
        &mut self,
        organization: &str,
        id: &str,
    ) -> Result<CreateAccountStatus, StoreError> {
        self.org_get_status(organization, id)
    }

    fn insert_org_policy(&mut self, policy: &OrgPolicy) -> Result<(), StoreError> {
        self.org_insert_policy(policy)
    }

    fn get_org_policy(&mut self, organization: &str, id: &str) -> Result<OrgPolicy, StoreError> {
        self.org_get_policy(organization, id)
    }

    fn update_org_policy(&mut self, policy: &OrgPolicy) -> Result<(), StoreError> {
        self.org_update_policy(policy)
    }

    fn delete_org_policy(&mut self, organization: &str, id: &str) -> Result<(), StoreError> {
        self.org_delete_policy(organization, id)
    }

    fn list_org_policies(
        &mut self,
        organization: &str,
        policy_type: &str,
    ) -> Result<Vec<OrgPolicy>, StoreError> {
        self.org_list_policies(organization, policy_type)
    }

    fn attach_org_policy(
        &mut self,
        organization: &str,
        policy_id: &str,
        target_id: &str,
    ) -> Result<bool, StoreError> {
        self.org_attach_policy(organization, policy_id, target_id)
    }

    fn detach_org_policy(
        &mut self,
        organization: &str,
        policy_id: &str,
        target_id: &str,
    ) -> Result<bool, StoreError> {
        self.org_detach_policy(organization, policy_id, target_id)
    }

    fn list_org_policies_for_target(
        &mut self,
        organization: &str,
        target_id: &str,
        policy_type: &str,
    ) -> Result<Vec<OrgPolicy>, StoreError> {
        self.org_list_policies_for_target(organization, target_id, policy_type)
    }

    fn list_org_policy_targets(
        &mut self,
        organization: &str,
        policy_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        self.org_list_policy_targets(organization, policy_id)
    }

    fn insert_config_rule(&mut self, rule: &ConfigRule) -> Result<(), StoreError> {
        self.config_insert_rule(rule)
    }

    fn get_config_rule(
        &mut self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<ConfigRule, StoreError> {
        self.config_get_rule(account, region, name)
    }

    fn update_config_rule(&mut self, rule: &ConfigRule) -> Result<(), StoreError> {
        self.config_update_rule(rule)
    }

    fn delete_config_rule(
        &mut self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        self.config_delete_rule(account, region, name)
    }

    fn list_config_rules(
        &mut self,
        account: &str,
        region: Option<&str>,
    ) -> Result<Vec<ConfigRule>, StoreError> {
        self.config_list_rules(account, region)
    }

    fn replace_evaluation_results(
        &mut self,
        rule_id: &str,
        results: &[EvaluationResult],
    ) -> Result<(), StoreError> {
        self.config_replace_results(rule_id, results)
    }

    fn put_evaluation_result(&mut self, result: &EvaluationResult) -> Result<(), StoreError> {
        self.config_put_result(result)
    }

    fn list_evaluation_results(
        &mut self,
        rule_id: &str,
    ) -> Result<Vec<EvaluationResult>, StoreError> {
        self.config_list_results(rule_id)
    }
}

/// A device's assignment as the columns that hold it.
struct MfaOwnerColumns<'d> {
    user_id: Option<&'d str>,
    root: bool,
    enable_date: Option<crate::record::Timestamp>,
}

impl<'d> MfaOwnerColumns<'d> {
    fn of(device: &'d VirtualMfaDevice) -> Self {
        match &device.assignment {
            None => Self {
                user_id: None,
                root: false,
                enable_date: None,
            },
            Some(assignment) => Self {
                user_id: match &assignment.owner {
                    KeyOwner::User(id) => Some(id.as_str()),
                    KeyOwner::Root => None,
                },
                root: assignment.owner == KeyOwner::Root,
                enable_date: Some(assignment.enable_date),
            },
        }
    }
}

/// A TOTP step as SQLite's signed integer. Steps are UNIX seconds over 30, so
/// one past `i64::MAX` is not a clock any caller has.
fn step_column(step: Option<u64>) -> Result<Option<i64>, StoreError> {
    step.map(|step| i64::try_from(step).map_err(|err| StoreError::Backend(Box::new(err))))
        .transpose()
}

/// A login profile's password history as the JSON array the column holds.
fn history_json(profile: &LoginProfile) -> Result<String, StoreError> {
    let phcs: Vec<&str> = profile
        .password_history
        .iter()
        .map(PasswordHash::as_phc)
        .collect();
    to_json(&phcs)
}
