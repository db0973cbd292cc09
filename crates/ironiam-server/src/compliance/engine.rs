//! Running stored Config rules and keeping their results: on demand (PutConfigRule,
//! StartConfigRulesEvaluation) and after every IAM change that can move a verdict.
//!
//! After a change only the rules it can affect run, and only on what it touched:
//! a user's MFA device re-evaluates that user for the MFA rules; a password policy
//! change re-evaluates IAM_PASSWORD_POLICY. An account without rules costs one
//! indexed read per relevant call. A deleted user (or a tag change, which can move
//! a user in or out of a rule's scope) re-evaluates the affected rules in full.

use ironiam_protocol::model::Value;
use ironiam_store::record::{ConfigRule, EvaluationResult, Timestamp};
use ironiam_store::{Store, StoreError, StoreExt, Transaction};

use super::evaluate::{Verdict, evaluate, evaluate_user, in_scope};
use super::facts::{AccountFacts, UserFacts};
use super::rule::{ManagedRule, ResourceType};
use crate::authz::Principal;

/// Runs `rules` (all of `account`) on the account's current state and replaces
/// their results. `ordering` is the time of the change or request that asked for
/// it (`OrderingTimestamp`), `now` the time it runs.
///
/// # Errors
/// On a store failure.
pub fn evaluate_rules(
    tx: &mut dyn Transaction,
    account: &str,
    rules: &[ConfigRule],
    ordering: Timestamp,
    now: Timestamp,
) -> Result<(), StoreError> {
    if rules.is_empty() {
        return Ok(());
    }
    let facts = AccountFacts::load(tx, account)?;
    let mut users: Option<Vec<UserFacts>> = None;
    for rule in rules {
        let Some(managed) = managed(rule) else {
            continue;
        };
        let users = match (&mut users, managed.resource_type()) {
            (Some(users), _) => users.as_slice(),
            (None, ResourceType::User) => users.insert(UserFacts::load_all(tx, account)?),
            (None, ResourceType::Account) => &[],
        };
        let verdicts = evaluate(&managed, rule.scope.as_ref(), &facts, users, now);
        let results: Vec<EvaluationResult> = verdicts
            .iter()
            .map(|v| result(rule, v, ordering, now))
            .collect();
        tx.replace_evaluation_results(&rule.id, &results)?;
        mark_evaluated(tx, rule, now)?;
    }
    Ok(())
}

/// A stored rule's managed rule. Rules are checked when they are stored, so one
/// that no longer parses is a fault: logged and skipped.
fn managed(rule: &ConfigRule) -> Option<ManagedRule> {
    match ManagedRule::parse(&rule.source_identifier, rule.input_parameters.as_deref()) {
        Ok(managed) => Some(managed),
        Err(err) => {
            tracing::error!(rule = %rule.arn, error = %err, "stored config rule does not parse; not evaluated");
            None
        }
    }
}

fn mark_evaluated(
    tx: &mut dyn Transaction,
    rule: &ConfigRule,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut updated = rule.clone();
    updated.last_evaluated = Some(now);
    tx.update_config_rule(&updated)
}

fn result(
    rule: &ConfigRule,
    verdict: &Verdict,
    ordering: Timestamp,
    now: Timestamp,
) -> EvaluationResult {
    EvaluationResult {
        rule_id: rule.id.clone(),
        resource_type: verdict.resource_type.as_str().to_owned(),
        resource_id: verdict.resource_id.clone(),
        compliance: verdict.compliance,
        annotation: Some(verdict.annotation.clone()),
        ordering_time: ordering,
        invoked_time: now,
        recorded_time: now,
    }
}

/// What an IAM change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One user, by name.
    User(String),
    /// The account itself (its root user or password policy).
    Account,
    /// Users the change may have removed or moved: evaluate every user.
    AllUsers,
}

/// Which rules an IAM call can move, and on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The managed-rule identifiers whose verdicts can change.
    pub rules: &'static [&'static str],
    /// What to re-evaluate.
    pub target: Target,
}

const CONSOLE: &str = "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS";
const USER_MFA: &str = "IAM_USER_MFA_ENABLED";
const ROOT_MFA: &str = "ROOT_ACCOUNT_MFA_ENABLED";
const PASSWORD_POLICY: &str = "IAM_PASSWORD_POLICY";
const KEYS_ROTATED: &str = "ACCESS_KEYS_ROTATED";

const USER_RULES: &[&str] = &[CONSOLE, USER_MFA, KEYS_ROTATED];
const MFA_RULES: &[&str] = &[CONSOLE, USER_MFA, ROOT_MFA];
const KEY_RULES: &[&str] = &[KEYS_ROTATED, ROOT_MFA];

/// The change an IAM action makes, from its validated input and its caller; `None`
/// for actions no rule looks at. Calls without `UserName` act on the caller: an
/// IAM user, or the root user (whose MFA devices and access keys the root rule sees).
pub fn change_of(action: &str, input: &Value, caller: &Principal) -> Option<Change> {
    let user_or_caller = || match input.str_member("UserName") {
        Some(name) => Target::User(name.to_owned()),
        None => match &caller.user {
            Some(user) => Target::User(user.name.clone()),
            None => Target::Account,
        },
    };
    let change = |rules, target| Some(Change { rules, target });
    match action {
        "CreateUser" => change(USER_RULES, user_or_caller()),
        "DeleteUser" | "TagUser" | "UntagUser" => change(USER_RULES, Target::AllUsers),
        "CreateLoginProfile" | "DeleteLoginProfile" => change(&[CONSOLE], user_or_caller()),
        "EnableMFADevice" | "DeactivateMFADevice" => change(MFA_RULES, user_or_caller()),
        "CreateAccessKey" | "UpdateAccessKey" | "DeleteAccessKey" => {
            change(KEY_RULES, user_or_caller())
        }
        "UpdateAccountPasswordPolicy" | "DeleteAccountPasswordPolicy" => {
            change(&[PASSWORD_POLICY], Target::Account)
        }
        _ => None,
    }
}

/// Re-evaluates what `change` can have moved in `account`'s rules, if it has any.
///
/// # Errors
/// On a store failure.
pub fn on_change(
    store: &dyn Store,
    account: &str,
    change: &Change,
    now: Timestamp,
) -> Result<(), StoreError> {
    let affected = |rules: Vec<ConfigRule>| -> Vec<ConfigRule> {
        rules
            .into_iter()
            .filter(|rule| change.rules.contains(&rule.source_identifier.as_str()))
            .collect()
    };
    // Most accounts have no rules: find out without taking the write lock.
    if affected(store.read(|tx| tx.list_config_rules(account, None))?).is_empty() {
        return Ok(());
    }
    store.write(|tx| {
        let rules = affected(tx.list_config_rules(account, None)?);
        let (user_rules, account_rules): (Vec<_>, Vec<_>) = rules.into_iter().partition(|rule| {
            managed(rule).is_some_and(|m| m.resource_type() == ResourceType::User)
        });
        evaluate_rules(tx, account, &account_rules, now, now)?;
        match &change.target {
            Target::Account => Ok(()),
            Target::AllUsers => evaluate_rules(tx, account, &user_rules, now, now),
            Target::User(name) => reevaluate_user(tx, account, name, &user_rules, now),
        }
    })
}

/// Re-evaluates one user for `rules`, or every user when the user is gone (a
/// rename or deletion).
fn reevaluate_user(
    tx: &mut dyn Transaction,
    account: &str,
    name: &str,
    rules: &[ConfigRule],
    now: Timestamp,
) -> Result<(), StoreError> {
    if rules.is_empty() {
        return Ok(());
    }
    let user = match tx.get_user(account, name) {
        Ok(user) => UserFacts::load(tx, user)?,
        Err(StoreError::NotFound { .. }) => return evaluate_rules(tx, account, rules, now, now),
        Err(err) => return Err(err),
    };
    for rule in rules {
        let Some(managed) = managed(rule) else {
            continue;
        };
        // Only a tag change moves a user across a scope, and that re-evaluates in
        // full: a user outside the scope now has no result to update.
        if !in_scope(
            rule.scope.as_ref(),
            ResourceType::User,
            &user.id,
            &user.tags,
        ) {
            continue;
        }
        if let Some(verdict) = evaluate_user(&managed, &user, now) {
            tx.put_evaluation_result(&result(rule, &verdict, now, now))?;
            mark_evaluated(tx, rule, now)?;
        }
    }
    Ok(())
}

/// Re-runs the Config rules an IAM call can have moved, for every path an IAM call
/// takes (the Query endpoint, the console). The call's own result stands either way:
/// a failure here is logged, and the next change or `StartConfigRulesEvaluation`
/// brings the results up to date.
pub fn after_iam_call(
    store: &dyn Store,
    principal: &Principal,
    action: &str,
    input: &Value,
    now: i64,
) {
    let Some(change) = change_of(action, input, principal) else {
        return;
    };
    rerun(store, &principal.account_id, &change, action, now);
}

/// Re-runs the MFA rules after the root user's MFA devices changed outside IAM's
/// operations (the console's root enrollment, which IAM's `EnableMFADevice` cannot do).
pub fn after_root_mfa_change(store: &dyn Store, account: &str, now: i64) {
    let change = Change {
        rules: MFA_RULES,
        target: Target::Account,
    };
    rerun(store, account, &change, "EnableMFADevice", now);
}

fn rerun(store: &dyn Store, account: &str, change: &Change, action: &str, now: i64) {
    if let Err(err) = on_change(store, account, change, Timestamp::from_secs(now)) {
        tracing::error!(action, account, error = %err, "compliance re-evaluation failed");
    }
}
