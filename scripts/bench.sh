#!/usr/bin/env bash
# Runs the criterion benchmarks and prints each one's median (criterion's own estimate,
# from target/criterion/*/new/estimates.json) as a Markdown table. Not part of the test
# suite: performance targets are checked here, not in timed tests.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/criterion
cargo bench -p ironiam-bench --bench policy -- --warm-up-time 3 --measurement-time 8 "$@" >&2
python3 - <<'PY'
import json, pathlib
rows = []
for estimates in sorted(pathlib.Path("target/criterion").glob("**/new/estimates.json")):
    bench = json.loads((estimates.parent / "benchmark.json").read_text())
    median = json.loads(estimates.read_text())["median"]["point_estimate"]
    rows.append((bench["full_id"], median))
def show(ns):
    return f"{ns:.1f} ns" if ns < 1000 else f"{ns / 1000:.2f} µs"
print("| benchmark | median |")
print("| --- | --- |")
for name, ns in rows:
    print(f"| `{name}` | {show(ns)} |")
PY
