//! End-to-end tests of the `ironiam` binary on the policies in `examples/`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod batch;
mod errors;
mod report;
mod simulate;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root, where `examples/` lives.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `ironiam` from the repository root.
fn ironiam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ironiam"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

/// Runs `ironiam` with `input` on standard input.
fn ironiam_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironiam"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Seed 000's force-MFA policy next to AdministratorAccess, as the tutorial attaches
/// them, asking for `ec2:DescribeInstances`.
const SEED_000: [&str; 7] = [
    "simulate",
    "--policy",
    "examples/seed-000-force-mfa.json",
    "--policy",
    "examples/AdministratorAccess.json",
    "--action",
    "ec2:DescribeInstances",
];

fn seed_000(extra: &[&str]) -> Output {
    let mut args = SEED_000.to_vec();
    args.extend_from_slice(extra);
    ironiam(&args)
}
