//! AWS Config rules and evaluation results in SQLite (migration 7): the
//! [`Transaction`] methods' bodies, called from `transaction.rs`.
//!
//! [`Transaction`]: crate::store::Transaction

use rusqlite::types::Type;
use rusqlite::{Row, params};

use super::super::row::{expect_one, json_column, not_found, to_json};
use super::super::{backend, on_write};
use super::SqliteTransaction;
use crate::error::{Entity, StoreError};
use crate::record::{
    ComplianceType, ConfigRule, ConfigRuleScope, ConfigRuleState, EvaluationResult,
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

const RULE_COLS: &str = "r.id, r.account_id, r.region, r.name, r.arn, r.description, \
    r.source_identifier, r.input_parameters, r.scope, r.maximum_execution_frequency, r.state, \
    r.tags, r.create_date, r.last_evaluated";

fn rule_row(row: &Row<'_>) -> rusqlite::Result<ConfigRule> {
    let scope: Option<String> = row.get(8)?;
    let scope = scope
        .map(|text| {
            serde_json::from_str::<ConfigRuleScope>(&text).map_err(|err| {
                rusqlite::Error::FromSqlConversionFailure(8, Type::Text, Box::new(err))
            })
        })
        .transpose()?;
    Ok(ConfigRule {
        id: row.get(0)?,
        account_id: row.get(1)?,
        region: row.get(2)?,
        name: row.get(3)?,
        arn: row.get(4)?,
        description: row.get(5)?,
        source_identifier: row.get(6)?,
        input_parameters: row.get(7)?,
        scope,
        maximum_execution_frequency: row.get(9)?,
        state: parsed(row, 10, ConfigRuleState::parse)?,
        tags: json_column(row, 11)?,
        create_date: row.get(12)?,
        last_evaluated: row.get(13)?,
    })
}

const RESULT_COLS: &str = "e.rule_id, e.resource_type, e.resource_id, e.compliance, \
    e.annotation, e.ordering_time, e.invoked_time, e.recorded_time";

fn result_row(row: &Row<'_>) -> rusqlite::Result<EvaluationResult> {
    Ok(EvaluationResult {
        rule_id: row.get(0)?,
        resource_type: row.get(1)?,
        resource_id: row.get(2)?,
        compliance: parsed(row, 3, ComplianceType::parse)?,
        annotation: row.get(4)?,
        ordering_time: row.get(5)?,
        invoked_time: row.get(6)?,
        recorded_time: row.get(7)?,
    })
}

fn scope_column(scope: Option<&ConfigRuleScope>) -> Result<Option<String>, StoreError> {
    scope.map(to_json).transpose()
}

impl SqliteTransaction<'_> {
    pub(super) fn config_insert_rule(&mut self, rule: &ConfigRule) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO config_rule (id, account_id, region, name, arn, description,
                 source_identifier, input_parameters, scope, maximum_execution_frequency, state,
                 tags, create_date, last_evaluated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                rule.id,
                rule.account_id,
                rule.region,
                rule.name,
                rule.arn,
                rule.description,
                rule.source_identifier,
                rule.input_parameters,
                scope_column(rule.scope.as_ref())?,
                rule.maximum_execution_frequency,
                rule.state.as_str(),
                to_json(&rule.tags)?,
                rule.create_date,
                rule.last_evaluated,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::ConfigRule,
                &rule.name,
                (Entity::Account, &rule.account_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn config_get_rule(
        &mut self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<ConfigRule, StoreError> {
        self.one(
            &format!(
                "SELECT {RULE_COLS} FROM config_rule r
                 WHERE r.account_id = ?1 AND r.region = ?2 AND r.name = ?3"
            ),
            params![account, region, name],
            rule_row,
            Entity::ConfigRule,
            name,
        )
    }

    pub(super) fn config_update_rule(&mut self, rule: &ConfigRule) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE config_rule SET description = ?2, source_identifier = ?3,
                     input_parameters = ?4, scope = ?5, maximum_execution_frequency = ?6,
                     state = ?7, last_evaluated = ?8
                 WHERE id = ?1",
                params![
                    rule.id,
                    rule.description,
                    rule.source_identifier,
                    rule.input_parameters,
                    scope_column(rule.scope.as_ref())?,
                    rule.maximum_execution_frequency,
                    rule.state.as_str(),
                    rule.last_evaluated,
                ],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::ConfigRule, &rule.name)
    }

    pub(super) fn config_delete_rule(
        &mut self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        // The results go with the rule (ON DELETE CASCADE).
        let changed = self
            .execute(
                "DELETE FROM config_rule WHERE account_id = ?1 AND region = ?2 AND name = ?3",
                params![account, region, name],
            )
            .map_err(backend)?;
        expect_one(changed, Entity::ConfigRule, name)
    }

    pub(super) fn config_list_rules(
        &mut self,
        account: &str,
        region: Option<&str>,
    ) -> Result<Vec<ConfigRule>, StoreError> {
        self.many(
            &format!(
                "SELECT {RULE_COLS} FROM config_rule r
                 WHERE r.account_id = ?1 AND (?2 IS NULL OR r.region = ?2)
                 ORDER BY r.name, r.region"
            ),
            params![account, region],
            rule_row,
        )
    }

    fn config_rule_exists(&self, rule_id: &str) -> Result<(), StoreError> {
        let found: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM config_rule WHERE id = ?1")
            .and_then(|mut stmt| stmt.query_row([rule_id], |row| row.get(0)))
            .map_err(backend)?;
        if found == 0 {
            return Err(not_found(Entity::ConfigRule, rule_id));
        }
        Ok(())
    }

    pub(super) fn config_replace_results(
        &mut self,
        rule_id: &str,
        results: &[EvaluationResult],
    ) -> Result<(), StoreError> {
        self.config_rule_exists(rule_id)?;
        self.execute(
            "DELETE FROM evaluation_result WHERE rule_id = ?1",
            params![rule_id],
        )
        .map_err(backend)?;
        for result in results {
            if result.rule_id != rule_id {
                return Err(StoreError::Corrupt {
                    entity: Entity::ConfigRule,
                    detail: format!(
                        "a result of rule `{}` was given for rule `{rule_id}`",
                        result.rule_id
                    ),
                });
            }
            self.config_put_result(result)?;
        }
        Ok(())
    }

    pub(super) fn config_put_result(
        &mut self,
        result: &EvaluationResult,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO evaluation_result (rule_id, resource_type, resource_id, compliance,
                 annotation, ordering_time, invoked_time, recorded_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (rule_id, resource_type, resource_id)
             DO UPDATE SET compliance = excluded.compliance, annotation = excluded.annotation,
                 ordering_time = excluded.ordering_time, invoked_time = excluded.invoked_time,
                 recorded_time = excluded.recorded_time",
            params![
                result.rule_id,
                result.resource_type,
                result.resource_id,
                result.compliance.as_str(),
                result.annotation,
                result.ordering_time,
                result.invoked_time,
                result.recorded_time,
            ],
        )
        .map_err(|err| {
            on_write(
                err,
                Entity::ConfigRule,
                &result.rule_id,
                (Entity::ConfigRule, &result.rule_id),
            )
        })?;
        Ok(())
    }

    pub(super) fn config_list_results(
        &mut self,
        rule_id: &str,
    ) -> Result<Vec<EvaluationResult>, StoreError> {
        self.many(
            &format!(
                "SELECT {RESULT_COLS} FROM evaluation_result e
                 WHERE e.rule_id = ?1
                 ORDER BY e.resource_type, e.resource_id"
            ),
            params![rule_id],
            result_row,
        )
    }
}
