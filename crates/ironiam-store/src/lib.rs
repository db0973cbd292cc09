//! The storage layer of ironiam.
//!
//! Synchronous by design: the server calls it from `spawn_blocking`. It knows
//! nothing of HTTP or policy evaluation, and never reads the clock: every
//! write that stamps a time takes it from the caller.
//!
//! - [`record`] has the IAM records: accounts, users, groups, roles, managed
//!   policies and versions, inline policies, access keys, login profiles,
//!   virtual MFA devices and the credential report.
//! - [`store`] is the interface, [`store::Store`], built so that a PostgreSQL
//!   backend can follow without touching callers.
//! - [`sqlite`] is the SQLite backend, on disk or in memory.
//! - [`secret`] seals secret access keys and MFA seeds under the master key
//!   and hashes passwords with Argon2id.
//! - [`id`] generates IAM's identifiers from an injectable random source.
#![warn(missing_docs)]

pub mod error;
pub mod id;
pub mod record;
pub mod secret;
pub mod sqlite;
pub mod store;

pub use error::{Entity, StoreError};
pub use sqlite::SqliteStore;
pub use store::{ListOptions, Page, Store, StoreExt, Transaction, Usage};
