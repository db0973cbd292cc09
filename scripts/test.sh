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

step "end-to-end: the real AWS CLI and boto3 against a live ironiam serve"
# A venv with the pinned clients (tests/e2e/requirements.txt), made once and remade when
# the pins change.
venv=.venv
stamp="$venv/.requirements"
if ! cmp -s tests/e2e/requirements.txt "$stamp" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
  cp tests/e2e/requirements.txt "$stamp"
fi
# The MFA tests check the server's QR code with zbarimg (Debian's zbar-tools) and pyotp's
# codes against oathtool (Debian's oathtool): install whichever is missing.
missing=()
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
command -v oathtool >/dev/null 2>&1 || missing+=(oathtool)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cargo build -p ironiam --locked
IRONIAM_BIN="$PWD/target/debug/ironiam" "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/e2e

step "browser: the console in headless Chromium (Debian's chromium, playwright-core)"
# Debian's Chromium, installed when missing (CI runs as root); playwright-core
# pinned by tests/browser/package-lock.json. Screenshots of every step go to
# target/browser-artifacts/.
if ! command -v chromium >/dev/null 2>&1; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/browser && IRONIAM_BIN="$PWD/../../target/debug/ironiam" IRONIAM_PYTHON="$PWD/../../$venv/bin/python" \
  node --test --test-concurrency=1 --test-reporter=spec)
