#!/usr/bin/env bash
# Start-up figures in --demo: time from exec to listening and to /-/ready, and RSS once ready.
# Usage: bench/startup.sh [BINARY] [SEATS]   (builds the release binary when none is given)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
seats=${2:-300}
if [ -z "$bin" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  bin=.build-release/release/copilot_exporter
fi
port=$((20000 + RANDOM % 20000))
log=$(mktemp)
start=$(date +%s.%N)
"$bin" --demo --demo.seats="$seats" --web.listen-address=127.0.0.1:$port 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
listening=""
ready=""
for _ in $(seq 1 6000); do
  now=$(date +%s.%N)
  if [ -z "$listening" ] && curl -s -o /dev/null "http://127.0.0.1:$port/-/healthy"; then listening=$now; fi
  if [ -n "$listening" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready")" = 200 ]; then ready=$now; break; fi
  sleep 0.005
done
[ -n "$ready" ] || { echo "never became ready"; cat "$log"; exit 1; }
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
bytes=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
gz=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" | wc -c)
awk -v s="$start" -v l="$listening" -v r="$ready" -v rss="$rss_kb" -v seats="$seats" -v b="$bytes" -v g="$gz" 'BEGIN {
  printf "seats=%d start_to_listening_ms=%.0f start_to_ready_ms=%.0f rss_ready_mb=%.1f scrape_bytes=%d scrape_gzip_bytes=%d\n", seats, (l-s)*1000, (r-s)*1000, rss/1024, b, g }'
