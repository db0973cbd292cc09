//! Test-only crate: the AWS SDK for Rust (`aws-sdk-iam`) against a real
//! ironiam server. The tests live in `tests/sdk/`.
