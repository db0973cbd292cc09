#!/usr/bin/env bash
# Runs ironiam's whole test suite from a clean checkout, installing what it needs.
# This is the command CI runs (.ci/run calls it). Keep it under 30 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export RUST_BACKTRACE=1

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lints (clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (unit, conformance corpus, property tests, CLI, protocol vectors)"
cargo test --workspace --locked
