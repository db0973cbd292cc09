//! Numbered schema migrations, applied in order and recorded.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::backend;
use crate::error::StoreError;

/// The migrations in order: `(version, name, SQL)`. Append only; never edit
/// one that has shipped.
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        2,
        "password_history",
        include_str!("../../migrations/0002_password_history.sql"),
    ),
    (3, "mfa", include_str!("../../migrations/0003_mfa.sql")),
    (
        4,
        "organizations",
        include_str!("../../migrations/0004_organizations.sql"),
    ),
    (
        6,
        "console",
        include_str!("../../migrations/0006_console.sql"),
    ),
    (
        7,
        "compliance",
        include_str!("../../migrations/0007_compliance.sql"),
    ),
    (
        10,
        "mfa_creator",
        include_str!("../../migrations/0010_mfa_creator.sql"),
    ),
];

/// The newest schema version this build knows: the highest listed, so that the
/// list need not end with the newest number (branches merge theirs in any order).
pub(crate) fn latest() -> u32 {
    MIGRATIONS
        .iter()
        .map(|(version, _, _)| *version)
        .max()
        .unwrap_or(0)
}

/// Brings the database to the latest version, each migration in its own
/// transaction together with its row in `schema_migration`.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL
        ) STRICT;",
    )
    .map_err(backend)?;
    for (version, name, sql) in MIGRATIONS {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let applied: Option<u32> = tx
            .query_row(
                "SELECT version FROM schema_migration WHERE version = ?1",
                [version],
                |row| row.get(0),
            )
            .optional()
            .map_err(backend)?;
        if applied.is_none() {
            tx.execute_batch(sql).map_err(backend)?;
            tx.execute(
                "INSERT INTO schema_migration (version, name) VALUES (?1, ?2)",
                rusqlite::params![version, name],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
    }
    let found = current(conn)?;
    if found > latest() {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: latest(),
        });
    }
    Ok(())
}

/// The highest version recorded.
pub(crate) fn current(conn: &Connection) -> Result<u32, StoreError> {
    conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migration",
        [],
        |row| row.get(0),
    )
    .map_err(backend)
}
