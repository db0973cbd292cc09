//! Snapshots of what the rules look at, read from the store in one transaction.
//!
//! The rules themselves ([`super::evaluate`]) are pure functions of these
//! snapshots and the time, so they are tested without a store.

use ironiam_store::record::{AccessKeyStatus, KeyOwner, PasswordPolicy, Tag, Timestamp, User};
use ironiam_store::{ListOptions, StoreError, Transaction};

/// An access key, as ACCESS_KEYS_ROTATED sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    /// The access key ID (not a secret).
    pub id: String,
    /// Whether it is `Active`.
    pub active: bool,
    /// When it was created: a key is rotated by replacing it.
    pub create_date: Timestamp,
}

/// An IAM user, as the user rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFacts {
    /// The unique ID: the resource ID of `AWS::IAM::User`.
    pub id: String,
    /// The name, for reports.
    pub name: String,
    /// The tags, for a rule scoped by tag.
    pub tags: Vec<Tag>,
    /// Whether the user has a console password (a login profile).
    pub console_password: bool,
    /// How many MFA devices are assigned to the user.
    pub mfa_devices: usize,
    /// The user's access keys.
    pub access_keys: Vec<KeyFacts>,
}

/// The root user, as ROOT_ACCOUNT_MFA_ENABLED sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RootFacts {
    /// Whether the root user has a console password.
    pub password: bool,
    /// How many access keys the root user has, in any state.
    pub access_keys: usize,
    /// How many MFA devices are assigned to the root user.
    pub mfa_devices: usize,
}

/// An account, as the account rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFacts {
    /// The account ID: the resource ID of `AWS::::Account`.
    pub id: String,
    /// The root user's credentials.
    pub root: RootFacts,
    /// The account password policy, if one is set.
    pub password_policy: Option<PasswordPolicy>,
}

impl AccountFacts {
    /// Reads the account `id`.
    ///
    /// # Errors
    /// On a store failure, or [`StoreError::NotFound`] for a missing account.
    pub fn load(tx: &mut dyn Transaction, id: &str) -> Result<Self, StoreError> {
        let account = tx.get_account(id)?;
        let root = RootFacts {
            password: account.root_password.is_some(),
            access_keys: tx.list_access_keys(id, &KeyOwner::Root)?.len(),
            mfa_devices: tx.list_assigned_mfa_devices(id, &KeyOwner::Root)?.len(),
        };
        Ok(Self {
            id: account.id,
            root,
            password_policy: account.password_policy,
        })
    }
}

impl UserFacts {
    /// Reads what the rules need about `user`.
    ///
    /// # Errors
    /// On a store failure.
    pub fn load(tx: &mut dyn Transaction, user: User) -> Result<Self, StoreError> {
        let owner = KeyOwner::User(user.id.clone());
        let console_password = match tx.get_login_profile(&user.id) {
            Ok(_) => true,
            Err(StoreError::NotFound { .. }) => false,
            Err(err) => return Err(err),
        };
        let mfa_devices = tx
            .list_assigned_mfa_devices(&user.account_id, &owner)?
            .len();
        let access_keys = tx
            .list_access_keys(&user.account_id, &owner)?
            .into_iter()
            .map(|key| KeyFacts {
                id: key.id,
                active: key.status == AccessKeyStatus::Active,
                create_date: key.create_date,
            })
            .collect();
        Ok(Self {
            id: user.id,
            name: user.name,
            tags: user.tags,
            console_password,
            mfa_devices,
            access_keys,
        })
    }

    /// Reads every user of the account `account`, by name.
    ///
    /// # Errors
    /// On a store failure.
    pub fn load_all(tx: &mut dyn Transaction, account: &str) -> Result<Vec<Self>, StoreError> {
        let users = tx.list_users(account, &ListOptions::all())?.items;
        users.into_iter().map(|user| Self::load(tx, user)).collect()
    }
}
