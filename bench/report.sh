#!/usr/bin/env bash
# Time and peak memory for the exporter to process one users report of N users (default
# 100,000), downloaded from a local server and read as a stream.
# Usage: bench/report.sh [USERS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
bin=${2:-}
if [ -z "$bin" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  bin=.build-release/release/copilot_exporter
fi
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/make_users_report.py "$users" "$work/report.ndjson"
bytes=$(stat -c %s "$work/report.ndjson")
python3 bench/report_server.py "$work/report.ndjson" "$work/port" &
server=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
/usr/bin/time -f "%e %M %U %S" -o "$work/time" env GITHUB_TOKEN=bench ${WRAP:-} "$bin" --once --github.org=bench \
  --github.api-url="http://127.0.0.1:$port" --no-collector.seats --no-collector.billing --no-collector.premium_requests \
  --no-collector.ai_credits --log.level=error ${EXTRA:-} >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
read -r wall rss_kb user sys <"$work/time"
series=$(grep -c '^github_copilot_user_ai_credits_used{' "$work/out" || true)
awk -v u="$users" -v b="$bytes" -v w="$wall" -v r="$rss_kb" -v us="$user" -v sy="$sys" -v s="$series" 'BEGIN {
  printf "users=%d report_mb=%.1f wall_s=%.2f cpu_s=%.2f peak_rss_mb=%.1f parse_mb_per_s=%.1f user_series=%d\n", u, b/1e6, w, us+sy, r/1024, b/1e6/w, s }'
