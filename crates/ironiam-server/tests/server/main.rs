//! Integration tests for ironiam-server: handlers through `Router::oneshot`
//! with an in-memory store and a fixed clock, and one end-to-end test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod auth;
mod console;
mod console_pages;
mod console_signin;
mod e2e;
mod harness;
mod managed_dir;
mod operations;
mod passwords;
mod roles;
mod simulator;
mod tags;
