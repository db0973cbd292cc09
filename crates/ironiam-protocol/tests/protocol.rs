//! The one integration test binary for ironiam-protocol.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "protocol/sigv4_suite.rs"]
mod sigv4_suite;

#[path = "protocol/model_validation.rs"]
mod model_validation;

#[path = "protocol/json_protocol.rs"]
mod json_protocol;

#[path = "protocol/config_model.rs"]
mod config_model;
