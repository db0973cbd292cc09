//! Integration tests for ironiam-server: handlers through `Router::oneshot`
//! with an in-memory store and a fixed clock, and one end-to-end test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod auth;
mod authz_contract;
mod authz_resources;
mod compliance;
mod console;
mod console_mfa;
mod console_pages;
mod console_signin;
mod credential_report;
mod e2e;
mod harness;
mod hostile;
mod managed_dir;
mod mfa;
mod mfa_seeds;
mod net;
mod operations;
mod organizations;
mod own_credentials;
mod passwords;
mod roles;
mod scp;
mod simulator;
mod sts;
mod sts_session;
mod tags;
mod trust_binding;
