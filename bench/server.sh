#!/usr/bin/env bash
# Load benchmark of `ironiam serve`: signed GetUser by an IAM user whose policies are
# AWS's AdministratorAccess plus seed 000's force-MFA policy (so every request is
# authenticated, authorized by the policy engine and answered from the store), replayed
# by wrk at 16 connections. Needs wrk (Debian package `wrk`) and the e2e venv (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-4650}
duration=${DURATION:-15s}
endpoint="http://127.0.0.1:$port"
root_id=AKIAIOSFODNN7EXAMPLE
root_secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
cargo build --release -p ironiam >&2
target/release/ironiam serve --ephemeral --listen "127.0.0.1:$port" --account-id 111122223333 \
  --root-access-key-id "$root_id" --root-secret-access-key "$root_secret" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "$endpoint/health" >/dev/null && break; sleep 0.1; done
export AWS_ENDPOINT_URL=$endpoint AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=$root_id AWS_SECRET_ACCESS_KEY=$root_secret
aws=.venv/bin/aws
$aws iam create-user --user-name alice >/dev/null
$aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
policy=$($aws iam create-policy --policy-name ForceMFA --policy-document file://examples/seed-000-force-mfa.json \
  --query Policy.Arn --output text)
$aws iam attach-user-policy --user-name alice --policy-arn "$policy"
read -r key secret < <($aws iam create-access-key --user-name alice \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
script=$(mktemp --suffix .lua)
.venv/bin/python bench/sign.py "$endpoint" "$key" "$secret" 'Action=GetUser&Version=2010-05-08' > "$script"
# One request first: it must succeed, or the figures measure errors.
curl -sf -X POST "$endpoint/" >/dev/null 2>&1 || true
echo "== signed GetUser, 16 connections, $duration" >&2
wrk -t2 -c16 -d"$duration" --latency -s "$script" "$endpoint/"
echo "== baseline: GET /health (no auth, no policy, no store), 16 connections, $duration" >&2
wrk -t2 -c16 -d"$duration" --latency "$endpoint/health"

echo "== durable CreateUser (SQLite, synchronous=FULL), distinct pre-signed requests, 16 connections" >&2
kill $server 2>/dev/null; wait $server 2>/dev/null || true
data=$(mktemp -d)
target/release/ironiam serve --data-dir "$data" --listen "127.0.0.1:$port" --account-id 111122223333 \
  --root-access-key-id "$root_id" --root-secret-access-key "$root_secret" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "$endpoint/health" >/dev/null && break; sleep 0.1; done
many=$(mktemp --suffix .lua)
.venv/bin/python bench/sign_many.py "$endpoint" "$root_id" "$root_secret" "${CREATES:-60000}" > "$many"
wrk -t2 -c16 -d"${CREATE_DURATION:-5s}" --latency -s "$many" "$endpoint/"
users=$(AWS_ACCESS_KEY_ID=$root_id AWS_SECRET_ACCESS_KEY=$root_secret $aws iam get-account-summary --query 'SummaryMap.Users' --output text)
echo "users stored after the run: $users" >&2
rm -rf "$data"
