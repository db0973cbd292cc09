//! The integration-test binary of ironiam-mfa: codes from independent
//! implementations (pyotp, oathtool) and property tests of the policy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod properties;
mod vectors;
