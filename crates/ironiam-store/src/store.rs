//! The storage interface every backend implements.
//!
//! # Design
//! [`Store`] is object safe, so the server holds an `Arc<dyn Store>` and never
//! names a backend. All access goes through a transaction: the caller passes a
//! closure that receives a `&mut dyn` [`Transaction`] of typed primitives, and
//! the backend commits when the closure returns `Ok` and rolls back otherwise.
//! [`StoreExt`] wraps this in a generic form that returns a value and the
//! caller's own error type.
//!
//! Write transactions are serializable: reads inside one see every write
//! committed before it, and no other write interleaves, so read-modify-write
//! sequences (read a record, change it, write it back) never lose an update.
//! SQLite gets this from a single writer and `BEGIN IMMEDIATE`; a PostgreSQL
//! backend would use `SERIALIZABLE` and retry on serialization failures. That
//! is why the work closure is `FnMut` and **may run more than once**: it must
//! not have side effects outside the transaction other than recording its
//! result. When retries run out, the call fails with
//! [`StoreError::Conflict`] and nothing is written.
//!
//! A write is durable when `transaction` returns `Ok`.
//!
//! Business rules (IAM's `DeleteConflict`, quotas, validation) belong to the
//! caller; the store offers the counts they need ([`Transaction::usage`]) and
//! enforces only uniqueness and referential integrity.
//!
//! Names are looked up case-insensitively, as IAM does. List calls return a
//! [`Page`] ordered by the case-folded name; the next page starts after the
//! last name returned.

use std::fmt;

use crate::error::StoreError;
use crate::record::{
    AccessKey, Account, AttachedPolicy, ConsoleSettings, CredentialReport, Group, InlinePolicy,
    KeyOwner, LoginProfile, ManagedPolicy, MfaDeviceCounts, PolicyEntity, PolicyVersion,
    PrincipalKind, Role, User, VirtualMfaDevice,
};
use crate::record::{ConfigRule, EvaluationResult};
use crate::record::{CreateAccountStatus, OrgAccount, OrgPolicy, OrgRoot, OrgUnit, Organization};

/// The closure a transaction runs.
pub type Work<'a> = dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError> + 'a;

/// A transactional store of IAM records.
pub trait Store: Send + Sync + fmt::Debug {
    /// Runs `work` in a read-write transaction and commits it durably if
    /// `work` returns `Ok`; otherwise rolls it back and returns the error.
    /// `work` may run more than once (see the module documentation).
    ///
    /// # Errors
    /// The error `work` returned, [`StoreError::Conflict`] when the
    /// transaction could not be serialized, or a backend failure.
    fn transaction(&self, work: &mut Work<'_>) -> Result<(), StoreError>;

    /// Runs `work` in a read-only transaction over a consistent snapshot.
    /// Writes inside it fail with [`StoreError::ReadOnly`].
    ///
    /// # Errors
    /// The error `work` returned, or a backend failure.
    fn read_only(&self, work: &mut Work<'_>) -> Result<(), StoreError>;

    /// Empties the store, for `POST /_ironiam/reset` in ephemeral mode.
    ///
    /// # Errors
    /// [`StoreError::ResetUnsupported`] for a persistent store.
    fn reset(&self) -> Result<(), StoreError>;

    /// The schema version the database is at.
    ///
    /// # Errors
    /// On a backend failure.
    fn schema_version(&self) -> Result<u32, StoreError>;
}

/// Generic wrappers over [`Store`] that return a value and the caller's error.
pub trait StoreExt: Store {
    /// Runs `work` in a read-write transaction and returns its value. If
    /// `work` fails, everything it wrote is rolled back and its error returned.
    ///
    /// # Errors
    /// `work`'s error, or a store error converted into `E`.
    fn write<T, E>(
        &self,
        mut work: impl FnMut(&mut dyn Transaction) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut outcome = None;
        let result = self.transaction(&mut |tx| capture(&mut work, tx, &mut outcome));
        settle(result, outcome)
    }

    /// Runs `work` in a read-only transaction and returns its value.
    ///
    /// # Errors
    /// `work`'s error, or a store error converted into `E`.
    fn read<T, E>(&self, mut work: impl FnMut(&mut dyn Transaction) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut outcome = None;
        let result = self.read_only(&mut |tx| capture(&mut work, tx, &mut outcome));
        settle(result, outcome)
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

fn capture<T, E>(
    work: &mut impl FnMut(&mut dyn Transaction) -> Result<T, E>,
    tx: &mut dyn Transaction,
    outcome: &mut Option<Result<T, E>>,
) -> Result<(), StoreError> {
    let result = work(tx);
    let failed = result.is_err();
    *outcome = Some(result);
    if failed {
        Err(StoreError::Aborted)
    } else {
        Ok(())
    }
}

fn settle<T, E: From<StoreError>>(
    result: Result<(), StoreError>,
    outcome: Option<Result<T, E>>,
) -> Result<T, E> {
    match (result, outcome) {
        (Ok(()), Some(Ok(value))) => Ok(value),
        (Err(StoreError::Aborted), Some(Err(err))) => Err(err),
        (Err(err), _) => Err(err.into()),
        // The backend reported success without running the work.
        (Ok(()), _) => Err(StoreError::Aborted.into()),
    }
}

/// Which slice of a listing to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListOptions<'a> {
    /// Only records whose path starts with this (IAM's `PathPrefix`).
    pub path_prefix: Option<&'a str>,
    /// Start after this name (compared case-insensitively): the last name of
    /// the previous page, which the caller turns into IAM's `Marker`.
    pub after: Option<&'a str>,
    /// At most this many records (IAM's `MaxItems`).
    pub limit: usize,
}

impl<'a> ListOptions<'a> {
    /// The first `limit` records.
    pub const fn first(limit: usize) -> Self {
        Self {
            path_prefix: None,
            after: None,
            limit,
        }
    }

    /// Every record.
    pub const fn all() -> Self {
        Self::first(usize::MAX)
    }

    /// The same listing starting after `name`.
    pub const fn after(self, name: &'a str) -> Self {
        Self {
            after: Some(name),
            ..self
        }
    }

    /// The same listing restricted to paths starting with `prefix`.
    pub const fn path_prefix(self, prefix: &'a str) -> Self {
        Self {
            path_prefix: Some(prefix),
            ..self
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The records, ordered by case-folded name.
    pub items: Vec<T>,
    /// Whether more records follow (IAM's `IsTruncated`).
    pub is_truncated: bool,
}

/// What still refers to a user, group or role: the counts IAM checks before
/// deleting one (`DeleteConflict`). Fields that do not apply to a kind are 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Managed policies attached.
    pub attached_policies: u32,
    /// Inline policies embedded.
    pub inline_policies: u32,
    /// For a user, the groups it belongs to; for a group, its members.
    pub group_memberships: u32,
    /// For a user, its access keys.
    pub access_keys: u32,
    /// For a user, whether it has a login profile.
    pub login_profile: bool,
    /// For a user, the MFA devices assigned to it.
    pub mfa_devices: u32,
}

impl Usage {
    /// Whether nothing refers to the identity any more.
    pub fn is_unused(&self) -> bool {
        *self == Self::default()
    }
}

/// The typed primitives available inside a transaction.
///
/// `account` arguments are 12-digit account IDs; `name` arguments are matched
/// case-insensitively. Lookups of a missing record fail with
/// [`StoreError::NotFound`]; inserts that collide with an existing name or ID
/// fail with [`StoreError::AlreadyExists`]; deleting a record others still
/// refer to fails with [`StoreError::InUse`].
pub trait Transaction {
    // Accounts.

    /// Inserts an account.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken ID or alias.
    fn insert_account(&mut self, account: &Account) -> Result<(), StoreError>;
    /// Reads an account.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_account(&mut self, id: &str) -> Result<Account, StoreError>;
    /// Replaces an account's alias, password policy and root password.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::AlreadyExists`] for a taken alias.
    fn update_account(&mut self, account: &Account) -> Result<(), StoreError>;
    /// Every account, ordered by ID.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_accounts(&mut self) -> Result<Vec<Account>, StoreError>;

    // Users.

    /// Inserts a user.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken name or ID;
    /// [`StoreError::NotFound`] for a missing account.
    fn insert_user(&mut self, user: &User) -> Result<(), StoreError>;
    /// Reads a user by name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_user(&mut self, account: &str, name: &str) -> Result<User, StoreError>;
    /// Reads a user by unique ID.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_user_by_id(&mut self, id: &str) -> Result<User, StoreError>;
    /// Replaces the user with `user.id` (renames included).
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::AlreadyExists`] when renamed onto a taken name.
    fn update_user(&mut self, user: &User) -> Result<(), StoreError>;
    /// Deletes a user.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::InUse`] while anything refers to it.
    fn delete_user(&mut self, account: &str, name: &str) -> Result<(), StoreError>;
    /// Lists users.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_users(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<User>, StoreError>;

    // Groups and membership.

    /// Inserts a group.
    ///
    /// # Errors
    /// As [`Transaction::insert_user`].
    fn insert_group(&mut self, group: &Group) -> Result<(), StoreError>;
    /// Reads a group by name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_group(&mut self, account: &str, name: &str) -> Result<Group, StoreError>;
    /// Replaces the group with `group.id`.
    ///
    /// # Errors
    /// As [`Transaction::update_user`].
    fn update_group(&mut self, group: &Group) -> Result<(), StoreError>;
    /// Deletes a group.
    ///
    /// # Errors
    /// As [`Transaction::delete_user`].
    fn delete_group(&mut self, account: &str, name: &str) -> Result<(), StoreError>;
    /// Lists groups.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_groups(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<Group>, StoreError>;
    /// Adds a user to a group; `false` if it already was a member.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing user or group.
    fn add_user_to_group(
        &mut self,
        account: &str,
        group: &str,
        user: &str,
    ) -> Result<bool, StoreError>;
    /// Removes a user from a group; `false` if it was not a member.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing user or group.
    fn remove_user_from_group(
        &mut self,
        account: &str,
        group: &str,
        user: &str,
    ) -> Result<bool, StoreError>;
    /// The groups a user belongs to.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing user.
    fn list_groups_for_user(
        &mut self,
        account: &str,
        user: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<Group>, StoreError>;
    /// The members of a group.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing group.
    fn list_group_members(
        &mut self,
        account: &str,
        group: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<User>, StoreError>;

    // Roles.

    /// Inserts a role.
    ///
    /// # Errors
    /// As [`Transaction::insert_user`].
    fn insert_role(&mut self, role: &Role) -> Result<(), StoreError>;
    /// Reads a role by name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_role(&mut self, account: &str, name: &str) -> Result<Role, StoreError>;
    /// Replaces the role with `role.id`.
    ///
    /// # Errors
    /// As [`Transaction::update_user`].
    fn update_role(&mut self, role: &Role) -> Result<(), StoreError>;
    /// Deletes a role.
    ///
    /// # Errors
    /// As [`Transaction::delete_user`].
    fn delete_role(&mut self, account: &str, name: &str) -> Result<(), StoreError>;
    /// Lists roles.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_roles(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<Role>, StoreError>;

    /// What still refers to a user, group or role.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn usage(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
    ) -> Result<Usage, StoreError>;

    // Managed policies and their versions.

    /// Inserts a managed policy (its versions are inserted separately).
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken name, ARN or ID.
    fn insert_policy(&mut self, policy: &ManagedPolicy) -> Result<(), StoreError>;
    /// Reads a managed policy by ARN, with its attachment counts.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_policy(&mut self, account: &str, arn: &str) -> Result<ManagedPolicy, StoreError>;
    /// Replaces the policy with `policy.id` (default and latest version,
    /// update date, description, tags). The derived counts are ignored.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn update_policy(&mut self, policy: &ManagedPolicy) -> Result<(), StoreError>;
    /// Deletes a managed policy and all its versions.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::InUse`] while attached.
    fn delete_policy(&mut self, account: &str, arn: &str) -> Result<(), StoreError>;
    /// Lists managed policies; `only_attached` keeps those attached at least once.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_policies(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
        only_attached: bool,
    ) -> Result<Page<ManagedPolicy>, StoreError>;
    /// Inserts a policy version.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken number;
    /// [`StoreError::NotFound`] for a missing policy.
    fn insert_policy_version(&mut self, version: &PolicyVersion) -> Result<(), StoreError>;
    /// Reads a policy version.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_policy_version(
        &mut self,
        policy_id: &str,
        version: u32,
    ) -> Result<PolicyVersion, StoreError>;
    /// A policy's versions, newest first (as `ListPolicyVersions` returns them).
    ///
    /// # Errors
    /// On a backend failure.
    fn list_policy_versions(&mut self, policy_id: &str) -> Result<Vec<PolicyVersion>, StoreError>;
    /// Deletes a policy version.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete_policy_version(&mut self, policy_id: &str, version: u32) -> Result<(), StoreError>;

    // Attachments of managed policies.

    /// Attaches a managed policy to a user, group or role; `false` if it already was.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal or policy.
    fn attach_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_arn: &str,
    ) -> Result<bool, StoreError>;
    /// Detaches a managed policy; `false` if it was not attached.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal or policy.
    fn detach_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_arn: &str,
    ) -> Result<bool, StoreError>;
    /// The managed policies attached to a user, group or role, by policy name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal.
    fn list_attached_policies(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<AttachedPolicy>, StoreError>;
    /// The users, groups and roles a managed policy is attached to, by name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing policy.
    fn list_policy_entities(
        &mut self,
        account: &str,
        policy_arn: &str,
    ) -> Result<Vec<PolicyEntity>, StoreError>;

    // Inline policies.

    /// Creates or replaces an inline policy; `true` if it was created.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal.
    fn put_inline_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy: &InlinePolicy,
    ) -> Result<bool, StoreError>;
    /// Reads an inline policy.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal or policy.
    fn get_inline_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_name: &str,
    ) -> Result<InlinePolicy, StoreError>;
    /// Deletes an inline policy.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal or policy.
    fn delete_inline_policy(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError>;
    /// Lists inline policies with their documents, by policy name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing principal.
    fn list_inline_policies(
        &mut self,
        account: &str,
        kind: PrincipalKind,
        name: &str,
        options: &ListOptions<'_>,
    ) -> Result<Page<InlinePolicy>, StoreError>;

    // Access keys.

    /// Inserts an access key.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken ID; [`StoreError::NotFound`]
    /// for a missing account or owning user.
    fn insert_access_key(&mut self, key: &AccessKey) -> Result<(), StoreError>;
    /// Reads an access key by ID, in any account (for request authentication).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_access_key(&mut self, id: &str) -> Result<AccessKey, StoreError>;
    /// Replaces an access key's status and last-used information.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn update_access_key(&mut self, key: &AccessKey) -> Result<(), StoreError>;
    /// Deletes an access key.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete_access_key(&mut self, account: &str, id: &str) -> Result<(), StoreError>;
    /// An owner's access keys, oldest first.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_access_keys(
        &mut self,
        account: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<AccessKey>, StoreError>;

    // Login profiles.

    /// Inserts a login profile.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if the user has one;
    /// [`StoreError::NotFound`] for a missing user.
    fn insert_login_profile(&mut self, profile: &LoginProfile) -> Result<(), StoreError>;
    /// Reads a user's login profile, by the user's unique ID.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_login_profile(&mut self, user_id: &str) -> Result<LoginProfile, StoreError>;
    /// Replaces a login profile's hash and reset flag.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn update_login_profile(&mut self, profile: &LoginProfile) -> Result<(), StoreError>;
    /// Deletes a user's login profile.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete_login_profile(&mut self, user_id: &str) -> Result<(), StoreError>;

    // Virtual MFA devices.

    /// Inserts a virtual MFA device.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a serial number taken in the account
    /// (compared case-insensitively); [`StoreError::NotFound`] for a missing
    /// account or assigned user.
    fn insert_virtual_mfa_device(&mut self, device: &VirtualMfaDevice) -> Result<(), StoreError>;
    /// Reads a virtual MFA device by serial number (case-insensitively).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_virtual_mfa_device(
        &mut self,
        account: &str,
        serial_number: &str,
    ) -> Result<VirtualMfaDevice, StoreError>;
    /// Replaces a device's tags, assignment and verify state; its name,
    /// path, seed and creation date never change.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing device or assigned user.
    fn update_virtual_mfa_device(&mut self, device: &VirtualMfaDevice) -> Result<(), StoreError>;
    /// Deletes a virtual MFA device.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete_virtual_mfa_device(
        &mut self,
        account: &str,
        serial_number: &str,
    ) -> Result<(), StoreError>;
    /// Lists an account's virtual MFA devices ordered by case-folded serial
    /// number; `assigned` keeps only assigned (`Some(true)`) or unassigned
    /// (`Some(false)`) ones. `options.after` is a serial number; the path
    /// prefix is ignored.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_virtual_mfa_devices(
        &mut self,
        account: &str,
        options: &ListOptions<'_>,
        assigned: Option<bool>,
    ) -> Result<Page<VirtualMfaDevice>, StoreError>;
    /// The devices assigned to a user or to the root user, oldest enabled first.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_assigned_mfa_devices(
        &mut self,
        account: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<VirtualMfaDevice>, StoreError>;
    /// How many virtual MFA devices the account has, assigned and in all.
    ///
    /// # Errors
    /// On a backend failure.
    fn mfa_device_counts(&mut self, account: &str) -> Result<MfaDeviceCounts, StoreError>;

    // The credential report.

    /// Stores the account's credential report, replacing the previous one.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing account.
    fn put_credential_report(&mut self, report: &CredentialReport) -> Result<(), StoreError>;
    /// Reads the account's credential report.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when none was generated.
    fn get_credential_report(&mut self, account: &str) -> Result<CredentialReport, StoreError>;

    // Console settings.

    /// The account's console settings; [`ConsoleSettings::defaults`] when none were
    /// stored.
    ///
    /// # Errors
    /// On a backend failure.
    fn get_console_settings(&mut self, account: &str) -> Result<ConsoleSettings, StoreError>;
    /// Stores an account's console settings, replacing any.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing account.
    fn put_console_settings(&mut self, settings: &ConsoleSettings) -> Result<(), StoreError>;
    // AWS Organizations. An account belongs to at most one organization; roots, OUs,
    // CreateAccount requests, policies and attachments are looked up within their
    // organization. Listings are ordered by ID (accounts by account ID, policies by
    // name).

    /// Inserts an organization (its root and management account's membership are
    /// inserted separately).
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken ID or a management account that
    /// already has one; [`StoreError::NotFound`] for a missing account.
    fn insert_organization(&mut self, organization: &Organization) -> Result<(), StoreError>;
    /// Reads an organization.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_organization(&mut self, id: &str) -> Result<Organization, StoreError>;
    /// Every organization, by ID.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_organizations(&mut self) -> Result<Vec<Organization>, StoreError>;
    /// Deletes an organization with everything in it: attachments, policies,
    /// CreateAccount requests, memberships, OUs and the root. The accounts themselves
    /// (their IAM namespaces) stay.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete_organization(&mut self, id: &str) -> Result<(), StoreError>;
    /// Inserts a root.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`]; [`StoreError::NotFound`] for a missing organization.
    fn insert_org_root(&mut self, root: &OrgRoot) -> Result<(), StoreError>;
    /// Reads a root.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_org_root(&mut self, organization: &str, id: &str) -> Result<OrgRoot, StoreError>;
    /// Replaces a root's name and enabled policy types.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn update_org_root(&mut self, root: &OrgRoot) -> Result<(), StoreError>;
    /// An organization's roots.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_org_roots(&mut self, organization: &str) -> Result<Vec<OrgRoot>, StoreError>;
    /// Inserts an OU.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken ID or a name its parent already has;
    /// [`StoreError::NotFound`] for a missing organization or parent.
    fn insert_org_unit(&mut self, unit: &OrgUnit) -> Result<(), StoreError>;
    /// Reads an OU.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_org_unit(&mut self, organization: &str, id: &str) -> Result<OrgUnit, StoreError>;
    /// Deletes an OU and its policy attachments.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::InUse`] while it has OUs or accounts.
    fn delete_org_unit(&mut self, organization: &str, id: &str) -> Result<(), StoreError>;
    /// The OUs whose parent is `parent`.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_org_units(
        &mut self,
        organization: &str,
        parent: &str,
    ) -> Result<Vec<OrgUnit>, StoreError>;
    /// Inserts an account's membership.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] when the account is in an organization or the
    /// email is taken; [`StoreError::NotFound`] for a missing account, organization or
    /// parent.
    fn insert_org_account(&mut self, account: &OrgAccount) -> Result<(), StoreError>;
    /// The membership of an account, in whichever organization it belongs to.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account is in no organization.
    fn get_org_account(&mut self, account_id: &str) -> Result<OrgAccount, StoreError>;
    /// Replaces a membership's parent, name, email, status and tags.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing membership or parent;
    /// [`StoreError::AlreadyExists`] for a taken email.
    fn update_org_account(&mut self, account: &OrgAccount) -> Result<(), StoreError>;
    /// An organization's accounts; with `parent`, only those directly under it.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_org_accounts(
        &mut self,
        organization: &str,
        parent: Option<&str>,
    ) -> Result<Vec<OrgAccount>, StoreError>;
    /// Records a CreateAccount request.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`]; [`StoreError::NotFound`] for a missing
    /// organization or account.
    fn insert_create_account_status(
        &mut self,
        status: &CreateAccountStatus,
    ) -> Result<(), StoreError>;
    /// Reads a CreateAccount request.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_create_account_status(
        &mut self,
        organization: &str,
        id: &str,
    ) -> Result<CreateAccountStatus, StoreError>;
    /// Inserts a policy.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken ID or name; [`StoreError::NotFound`]
    /// for a missing organization.
    fn insert_org_policy(&mut self, policy: &OrgPolicy) -> Result<(), StoreError>;
    /// Reads a policy.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_org_policy(&mut self, organization: &str, id: &str) -> Result<OrgPolicy, StoreError>;
    /// Replaces a policy's name, description, content and tags.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::AlreadyExists`] for a taken name.
    fn update_org_policy(&mut self, policy: &OrgPolicy) -> Result<(), StoreError>;
    /// Deletes a policy.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::InUse`] while it is attached.
    fn delete_org_policy(&mut self, organization: &str, id: &str) -> Result<(), StoreError>;
    /// An organization's policies of one type, by name.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_org_policies(
        &mut self,
        organization: &str,
        policy_type: &str,
    ) -> Result<Vec<OrgPolicy>, StoreError>;
    /// Attaches a policy to a root, OU or account; `false` if it already was.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing policy, or a target that is not a root,
    /// OU or account of the organization.
    fn attach_org_policy(
        &mut self,
        organization: &str,
        policy_id: &str,
        target_id: &str,
    ) -> Result<bool, StoreError>;
    /// Detaches a policy; `false` if it was not attached.
    ///
    /// # Errors
    /// On a backend failure.
    fn detach_org_policy(
        &mut self,
        organization: &str,
        policy_id: &str,
        target_id: &str,
    ) -> Result<bool, StoreError>;
    /// The policies of one type attached to a target, by name.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_org_policies_for_target(
        &mut self,
        organization: &str,
        target_id: &str,
        policy_type: &str,
    ) -> Result<Vec<OrgPolicy>, StoreError>;
    /// The targets a policy is attached to, by ID.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_org_policy_targets(
        &mut self,
        organization: &str,
        policy_id: &str,
    ) -> Result<Vec<String>, StoreError>;

    // AWS Config rules and evaluation results.

    /// Inserts a Config rule.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a name taken in the account and region,
    /// or a taken ID or ARN; [`StoreError::NotFound`] for a missing account.
    fn insert_config_rule(&mut self, rule: &ConfigRule) -> Result<(), StoreError>;
    /// Reads a Config rule by name (compared exactly, as AWS Config does).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn get_config_rule(
        &mut self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<ConfigRule, StoreError>;
    /// Replaces the rule with `rule.id`: description, parameters, scope,
    /// frequency, state and last evaluation. Its name, ARN, region, tags and
    /// creation date never change.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn update_config_rule(&mut self, rule: &ConfigRule) -> Result<(), StoreError>;
    /// Deletes a Config rule and all its evaluation results.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete_config_rule(
        &mut self,
        account: &str,
        region: &str,
        name: &str,
    ) -> Result<(), StoreError>;
    /// An account's Config rules ordered by name, in one region or (`None`) all.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_config_rules(
        &mut self,
        account: &str,
        region: Option<&str>,
    ) -> Result<Vec<ConfigRule>, StoreError>;
    /// Replaces every evaluation result of the rule with `results`.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing rule.
    fn replace_evaluation_results(
        &mut self,
        rule_id: &str,
        results: &[EvaluationResult],
    ) -> Result<(), StoreError>;
    /// Creates or replaces one evaluation result (its rule and resource are the key).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for a missing rule.
    fn put_evaluation_result(&mut self, result: &EvaluationResult) -> Result<(), StoreError>;
    /// A rule's evaluation results ordered by resource type, then resource ID.
    ///
    /// # Errors
    /// On a backend failure.
    fn list_evaluation_results(
        &mut self,
        rule_id: &str,
    ) -> Result<Vec<EvaluationResult>, StoreError>;
}
