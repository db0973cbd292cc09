//! Integration tests for ironiam-server: handlers through `Router::oneshot`
//! with an in-memory store and a fixed clock, and one end-to-end test.

mod auth;
mod e2e;
mod harness;
mod operations;
