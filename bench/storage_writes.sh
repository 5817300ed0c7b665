#!/usr/bin/env bash
# What --storage.path costs a running exporter: bytes written to disk (/proc/PID/io write_bytes,
# which counts what reaches the block layer, fsyncs included) and CPU seconds, over SECONDS, for
# each binary directory in turn, ROUNDS times, against one simulator (1,000 seats, no faults),
# with the soak's short intervals (every collector every 15-60 s) and no scrapes.
# Usage: bench/storage_writes.sh SECONDS ROUNDS BIN_DIR...
#   e.g. bench/storage_writes.sh 180 2 /tmp/old .build-release/release
set -euo pipefail
secs=${1:?seconds}; rounds=${2:?rounds}; shift 2
[ $# -gt 0 ] || { echo "usage: $0 SECONDS ROUNDS BIN_DIR..." >&2; exit 2; }
work=$(mktemp -d)
"$1/github_simulator" --seats=1000 --rate-limit=1000000 >"$work/sim" &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
tck=$(getconf CLK_TCK)
for r in $(seq 1 "$rounds"); do
  for d in "$@"; do
    s=$(mktemp -d -p "$work")
    GITHUB_TOKEN=$token "$d/copilot_exporter" --github.api-url="$url" --github.org=acme-corp --github.org=acme-labs \
      --github.enterprise=acme --web.listen-address=127.0.0.1:0 --github.requests-per-hour=50000 --storage.path="$s" \
      --collector.seats.interval=15s --collector.billing.interval=15s --collector.premium_requests.interval=15s \
      --collector.ai_credits.interval=15s --collector.usage_metrics.interval=30s --collector.teams.interval=30s \
      --collector.ai_usage_report.interval=60s --log.level=error >/dev/null 2>"$work/err" &
    p=$!
    sleep "$secs"
    written=$(awk '/^write_bytes/ {print $2}' /proc/$p/io)
    cpu=$(awk -v t="$tck" '{printf "%.2f", ($14 + $15) / t}' /proc/$p/stat)
    kill $p
    wait $p 2>/dev/null || true
    etags=$(du -k "$s/copilot_exporter/etags.state" 2>/dev/null | cut -f1)
    echo "round=$r bin=$d seconds=$secs cpu_s=$cpu written_mb=$(awk -v b="$written" 'BEGIN {printf "%.1f", b / 1048576}') etags_state_kb=${etags:-0}"
  done
done
