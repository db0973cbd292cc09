#!/usr/bin/env bash
# HTTP load benchmark of MFA sessions: signed GetUser by a user under AdministratorAccess
# and seed 000's force-MFA policy, once with its long-term key and once with the
# credentials of an MFA session (GetSessionToken with a code from oathtool), replayed by
# wrk at 16 connections, alternating RUNS times; prints each run and the medians.
# Needs wrk and oathtool (Debian packages) and the e2e venv (.venv, from scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-4651}
duration=${DURATION:-10s}
runs=${RUNS:-3}
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
scratch=$(mktemp -d)
$aws iam create-user --user-name alice >/dev/null
$aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
$aws iam put-user-policy --user-name alice --policy-name ForceMFA --policy-document file://examples/seed-000-force-mfa.json
read -r key secret < <($aws iam create-access-key --user-name alice \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
$aws iam create-virtual-mfa-device --virtual-mfa-device-name alice --outfile "$scratch/seed" \
  --bootstrap-method Base32StringSeed >/dev/null
seed=$(cat "$scratch/seed")
serial=arn:aws:iam::111122223333:mfa/alice
$aws iam enable-mfa-device --user-name alice --serial-number "$serial" \
  --authentication-code1 "$(oathtool --totp -b -N 'now - 30 seconds' "$seed")" \
  --authentication-code2 "$(oathtool --totp -b "$seed")"
read -r skey ssecret stoken < <(AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret $aws sts get-session-token \
  --serial-number "$serial" --token-code "$(oathtool --totp -b -N 'now + 30 seconds' "$seed")" \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
body='Action=GetUser&Version=2010-05-08'
.venv/bin/python bench/sign.py "$endpoint" "$key" "$secret" "$body" > "$scratch/long.lua"
.venv/bin/python bench/sign.py "$endpoint" "$skey" "$ssecret" "$body" "$stoken" > "$scratch/session.lua"
rate() { wrk -t2 -c16 -d"$duration" -s "$1" "$endpoint/" | awk '/Requests\/sec/ {print $2}'; }
long=() session=()
for run in $(seq "$runs"); do
  long+=("$(rate "$scratch/long.lua")")
  session+=("$(rate "$scratch/session.lua")")
  echo "run $run: long-term ${long[-1]}/s, MFA session ${session[-1]}/s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
lm=$(median "${long[@]}") sm=$(median "${session[@]}")
echo "GetUser median: long-term key $lm/s, MFA session $sm/s, ratio $(awk -v s="$sm" -v l="$lm" 'BEGIN {printf "%.3f", s/l}')"
rm -rf "$scratch"
