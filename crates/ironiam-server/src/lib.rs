//! # ironiam-server
//!
//! The AWS IAM Query API endpoint: `ironiam serve`.
//!
//! - [`config`]: command-line and environment settings.
//! - [`bootstrap`]: first start (account, root access key, credentials file,
//!   AWS managed policies).
//! - [`clock`]: the injected clock.
//! - [`state`]: what every request shares.
//! - [`http`]: the router, request pipeline and AWS error rendering.
//! - [`console`]: the web console under `/console/`.
//! - [`authz`]: who the caller is and whether policies allow the call.
//! - [`iam`]: the IAM operations, one module per resource.
//! - [`organizations`]: the AWS Organizations operations (JSON 1.1 protocol).
//! - [`configservice`]: the AWS Config rules API for MFA compliance (JSON 1.1).
//! - [`audit`] and [`metrics`]: the CloudTrail-shaped log and Prometheus text.
//! - [`compliance`]: the AWS Config managed rules for MFA compliance, run after
//!   every relevant IAM change and on demand.
//! - [`mfa`]: virtual MFA devices: creation, assignment, and the code check
//!   STS and the console call ([`mfa::authenticate`]).
//!
//! # Design notes
//! Store calls are synchronous; the whole signed-request pipeline after the
//! body is read runs in `spawn_blocking`. The audit log goes to
//! `<data-dir>/audit.jsonl` in persistent mode and nowhere in ephemeral mode
//! unless `--audit-log` names a file (or `-` for stdout).
#![warn(missing_docs)]

pub mod argon;
pub mod audit;
pub mod authz;
pub mod bootstrap;
pub mod cancel;
pub mod clock;
pub mod compliance;
pub mod config;
pub mod configservice;
pub mod console;
pub mod http;
pub mod iam;
pub mod metrics;
pub mod mfa;
pub mod organizations;
pub mod state;
pub mod sts;
pub mod time;

pub use config::{Config, ServeArgs};
pub use http::{router, serve};
pub use state::AppState;
