//! The storage tests: one conformance suite run against every backend, plus
//! the SQLite file backend's own durability and secret-handling checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod conformance;
mod fixture;
mod group_commit;
mod organizations;
mod secret;
mod sqlite;
