#!/usr/bin/env bash
# Parsing throughput without the network (what "JSON bytes parsed per second" means alone):
# 200 enterprise seat pages of 100 seats as the simulator serves them (GitHub's documented seat
# object), and users reports of 100,000 and 400,000 users (GitHub's documented record), each
# parsed by the exporter's JSONReader path and by Foundation's JSONDecoder. The NDJSON is
# streamed in 1 MiB chunks, so peak RSS should not grow with the report.
# Usage: bench/parse.sh [BIN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-}
if [ -z "$dir" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  dir=.build-release/release
fi
work=$(mktemp -d)
"$dir/github_simulator" --seats=20000 >"$work/sim" &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
for page in $(seq 1 200); do
  curl -s -H "Authorization: Bearer $token" "$url/enterprises/acme/copilot/billing/seats?per_page=100&page=$page" >"$work/page-$page.json"
done
"$dir/parse_bench" seats "$work"/page-*.json
for users in 100000 400000; do
  python3 bench/make_users_report.py "$users" "$work/users.ndjson"
  echo "users=$users $("$dir/parse_bench" ndjson "$work/users.ndjson")"
  echo "users=$users $("$dir/parse_bench" ndjson "$work/users.ndjson" --decoder)"
done
