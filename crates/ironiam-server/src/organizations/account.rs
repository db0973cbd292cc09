//! Accounts: CreateAccount, DescribeCreateAccountStatus, ListAccounts,
//! DescribeAccount, MoveAccount.
//!
//! CreateAccount completes before it answers (AWS's is asynchronous; clients poll
//! DescribeCreateAccountStatus, which here already says `SUCCEEDED` or `FAILED`).
//! The new account is a whole IAM namespace in the same store: its account record,
//! the AWS managed policies, and the role `OrganizationAccountAccessRole` (or
//! `RoleName`) with `AdministratorAccess` attached and a trust policy that trusts the
//! management account (Organizations User Guide, "Accessing member accounts").

use ironiam_protocol::model::Value;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{
    Account, CreateAccountState, CreateAccountStatus, JoinedMethod, OrgAccount, OrgAccountStatus,
    Organization, PrincipalKind, Role, Timestamp, arn, name_key,
};
use ironiam_store::{StoreError, StoreExt, Transaction};
use serde_json::{Value as Json, json};

use super::error::{OrgResult, account_not_found, create_account_status_not_found, fault, invalid};
use super::output::{self, listing, paginate, path_of};
use super::policy::attach_full_aws_access;
use super::structure::the_root;
use super::{managed_org, parent_exists, required, tags};
use crate::bootstrap::{self, AWS_POLICY_PREFIX};
use crate::http::error::ApiError;
use crate::iam::OpCtx;
use crate::state::AppState;

/// The role CreateAccount makes when `RoleName` is left out.
const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// The AWS managed policy the role gets.
const ADMINISTRATOR_ACCESS: &str = "AdministratorAccess";

/// The prefix reserved for service-linked roles.
const RESERVED_ROLE_PREFIX: &str = "AWSServiceRoleFor";

/// How many fresh account IDs to try before giving up on a collision.
const ID_ATTEMPTS: usize = 8;

fn account_json(tx: &mut dyn Transaction, org: &Organization, a: &OrgAccount) -> OrgResult<Json> {
    let path = path_of(tx, org, &a.account_id, &a.parent_id)?;
    Ok(output::account(org, a, &path))
}

/// The trust policy of the role CreateAccount makes.
fn trust_policy(management_account: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{management_account}:root")},
            "Action": "sts:AssumeRole"
        }]
    })
    .to_string()
}

/// A 12-digit ID no account has yet.
fn new_account_id(tx: &mut dyn Transaction) -> OrgResult<String> {
    for _ in 0..ID_ATTEMPTS {
        let candidate = id::account_id(&mut OsRandom).map_err(ApiError::internal)?;
        match tx.get_account(&candidate) {
            Err(StoreError::NotFound { .. }) => return Ok(candidate),
            Ok(_) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Err(ApiError::internal("no free account ID after several attempts").into())
}

/// The member account's IAM namespace: the account, the AWS managed policies, and the
/// role the management account administers it through.
fn provision(
    tx: &mut dyn Transaction,
    state: &AppState,
    account_id: &str,
    management_account: &str,
    role_name: &str,
    now: Timestamp,
) -> OrgResult<()> {
    tx.insert_account(&Account {
        id: account_id.to_owned(),
        alias: None,
        password_policy: None,
        root_password: None,
        create_date: now,
    })?;
    bootstrap::install_aws_managed_policies(tx, account_id, state.extra_policies())
        .map_err(ApiError::internal)?;
    let role = Role {
        id: id::unique_id(id::ROLE_PREFIX, &mut OsRandom).map_err(ApiError::internal)?,
        account_id: account_id.to_owned(),
        name: role_name.to_owned(),
        path: "/".to_owned(),
        arn: arn(account_id, "role", "/", role_name),
        create_date: now,
        assume_role_policy_document: trust_policy(management_account),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Vec::new(),
        role_last_used: None,
    };
    tx.insert_role(&role)?;
    tx.attach_policy(
        account_id,
        PrincipalKind::Role,
        role_name,
        &format!("{AWS_POLICY_PREFIX}{ADMINISTRATOR_ACCESS}"),
    )?;
    Ok(())
}

pub(super) fn create(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let email = required(input, "Email")?;
    let name = required(input, "AccountName")?;
    let role_name = input.str_member("RoleName").unwrap_or(DEFAULT_ROLE_NAME);
    if role_name.starts_with(RESERVED_ROLE_PREFIX) {
        return Err(invalid(
            "INVALID_ROLE_NAME",
            "You provided a role name that isn't valid. A role name can't begin with the reserved prefix 'AWSServiceRoleFor'.",
        ));
    }
    let state = ctx.state;
    let principal = ctx.principal;
    let now = Timestamp::from_secs(ctx.now);
    state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let mut status = CreateAccountStatus {
            id: id::create_account_request_id(&mut OsRandom).map_err(ApiError::internal)?,
            organization_id: org.id.clone(),
            account_name: name.to_owned(),
            state: CreateAccountState::Succeeded,
            requested_timestamp: now,
            completed_timestamp: Some(now),
            account_id: None,
            failure_reason: None,
        };
        let taken = tx
            .list_org_accounts(&org.id, None)?
            .iter()
            .any(|a| name_key(&a.email) == name_key(email));
        if taken {
            // AWS reports this through the request's status, not as an error.
            status.state = CreateAccountState::Failed;
            status.failure_reason = Some("EMAIL_ALREADY_EXISTS".to_owned());
        } else {
            let account_id = new_account_id(tx)?;
            provision(
                tx,
                state,
                &account_id,
                &org.management_account_id,
                role_name,
                now,
            )?;
            let root = the_root(tx, &org)?;
            tx.insert_org_account(&OrgAccount {
                account_id: account_id.clone(),
                organization_id: org.id.clone(),
                parent_id: root.id,
                name: name.to_owned(),
                email: email.to_owned(),
                status: OrgAccountStatus::Active,
                joined_method: JoinedMethod::Created,
                joined_timestamp: now,
                tags: tags(input),
            })?;
            attach_full_aws_access(tx, &org, &account_id)?;
            status.account_id = Some(account_id);
        }
        tx.insert_create_account_status(&status)?;
        Ok(json!({ "CreateAccountStatus": output::create_account_status(&status) }))
    })
}

pub(super) fn describe_status(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let id = required(input, "CreateAccountRequestId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        match tx.get_create_account_status(&org.id, id) {
            Ok(status) => {
                Ok(json!({ "CreateAccountStatus": output::create_account_status(&status) }))
            }
            Err(StoreError::NotFound { .. }) => Err(create_account_status_not_found()),
            Err(err) => Err(err.into()),
        }
    })
}

pub(super) fn list(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let accounts = tx.list_org_accounts(&org.id, None)?;
        let (page, token) = paginate(accounts, input, |a| a.account_id.as_str())?;
        let mut items = Vec::with_capacity(page.len());
        for account in &page {
            items.push(account_json(tx, &org, account)?);
        }
        Ok(listing("Accounts", items, token))
    })
}

/// The membership of `account_id` in `org`.
fn member(tx: &mut dyn Transaction, org: &Organization, account_id: &str) -> OrgResult<OrgAccount> {
    match tx.get_org_account(account_id) {
        Ok(a) if a.organization_id == org.id => Ok(a),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(account_not_found()),
        Err(err) => Err(err.into()),
    }
}

pub(super) fn describe(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let account_id = required(input, "AccountId")?;
    let principal = ctx.principal;
    ctx.state.store.read(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let account = member(tx, &org, account_id)?;
        Ok(json!({ "Account": account_json(tx, &org, &account)? }))
    })
}

pub(super) fn move_account(ctx: &mut OpCtx<'_>, input: &Value) -> OrgResult<Json> {
    let account_id = required(input, "AccountId")?;
    let source = required(input, "SourceParentId")?;
    let destination = required(input, "DestinationParentId")?;
    let principal = ctx.principal;
    ctx.state.store.write(|tx| -> OrgResult<Json> {
        let org = managed_org(tx, principal)?;
        let mut account = member(tx, &org, account_id)?;
        if !parent_exists(tx, &org, source)? || account.parent_id != source {
            return Err(fault(
                "SourceParentNotFoundException",
                "We can't find a source root or OU with the ParentId that you specified.",
            ));
        }
        if !parent_exists(tx, &org, destination)? {
            return Err(fault(
                "DestinationParentNotFoundException",
                "We can't find the destination container (a root or OU) with the ParentId that you specified.",
            ));
        }
        if source == destination {
            return Err(fault(
                "DuplicateAccountException",
                "That account is already present in the specified destination.",
            ));
        }
        account.parent_id = destination.to_owned();
        tx.update_org_account(&account)?;
        Ok(json!({}))
    })
}
