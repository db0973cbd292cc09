#!/usr/bin/env bash
# Signed GetUser throughput of two ironiam binaries, measured in one run so that the
# noisy 2-core machine weighs on both alike: each binary serves on its own port with the
# same setup as bench/server.sh (alice under AdministratorAccess and seed 000's policy),
# and wrk alternates between them ROUNDS times. Prints each run, the medians and the
# ratio NEW/BASE. Needs wrk and the e2e venv (.venv).
#
# usage: bench/compare_getuser.sh BASE_BINARY NEW_BINARY [ROUNDS] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1 new=$2 rounds=${3:-7} duration=${4:-8s}
root_id=AKIAIOSFODNN7EXAMPLE
root_secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
aws=.venv/bin/aws
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

# Starts BINARY on PORT, sets alice up, and writes the signed GetUser script to FILE.
prepare() {
  local binary=$1 port=$2 script=$3 endpoint="http://127.0.0.1:$2"
  "$binary" serve --ephemeral --listen "127.0.0.1:$port" --account-id 111122223333 \
    --root-access-key-id "$root_id" --root-secret-access-key "$root_secret" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "$endpoint/health" >/dev/null && break; sleep 0.1; done
  export AWS_ENDPOINT_URL=$endpoint AWS_DEFAULT_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=$root_id AWS_SECRET_ACCESS_KEY=$root_secret
  $aws iam create-user --user-name alice >/dev/null
  $aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
  local policy key secret
  policy=$($aws iam create-policy --policy-name ForceMFA \
    --policy-document file://examples/seed-000-force-mfa.json --query Policy.Arn --output text)
  $aws iam attach-user-policy --user-name alice --policy-arn "$policy"
  read -r key secret < <($aws iam create-access-key --user-name alice \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
  .venv/bin/python bench/sign.py "$endpoint" "$key" "$secret" 'Action=GetUser&Version=2010-05-08' > "$script"
  # The replayed request must succeed, or the figures measure errors.
  [ "$(wrk -t1 -c1 -d1s -s "$script" "$endpoint/" | grep -c 'Non-2xx')" -eq 0 ]
}

base_script=$(mktemp --suffix .lua) new_script=$(mktemp --suffix .lua)
prepare "$base" 4661 "$base_script"
prepare "$new" 4662 "$new_script"
rate() { wrk -t2 -c16 -d"$duration" -s "$1" "http://127.0.0.1:$2/" | awk '/Requests\/sec/ {print $2}'; }
base_runs=() new_runs=()
for round in $(seq "$rounds"); do
  # Alternate which goes first, so a drift of the machine favours neither.
  if (( round % 2 )); then
    b=$(rate "$base_script" 4661); n=$(rate "$new_script" 4662)
  else
    n=$(rate "$new_script" 4662); b=$(rate "$base_script" 4661)
  fi
  base_runs+=("$b"); new_runs+=("$n")
  echo "round $round: base $b/s, new $n/s, ratio $(python3 -c "print(f'{$n/$b:.3f}')")"
done
python3 - "${base_runs[*]}" "${new_runs[*]}" <<'EOF'
import statistics, sys
base = [float(x) for x in sys.argv[1].split()]
new = [float(x) for x in sys.argv[2].split()]
ratios = [n / b for b, n in zip(base, new)]
print(f"median base {statistics.median(base):,.0f}/s, median new {statistics.median(new):,.0f}/s, "
      f"ratio of medians {statistics.median(new) / statistics.median(base):.3f}, "
      f"median per-round ratio {statistics.median(ratios):.3f}")
EOF
