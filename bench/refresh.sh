#!/usr/bin/env bash
# One full poll of every collector for the --demo company at N seats (default 100,000): two
# organizations and their enterprise, with the simulator in its own process so that only the
# exporter is measured. For `copilot_exporter --once` (the median of RUNS runs): wall time, CPU
# time, peak RSS, the JSON and NDJSON bytes GitHub sent and how many of them were processed per
# CPU second (everything included: HTTP, parsing, merging, rendering, gzip). Then the RSS while
# serving, after the first poll of a long-running exporter, its peak, and its RSS after one gzip
# OpenMetrics scrape (what Prometheus asks for).
# Usage: bench/refresh.sh [SEATS] [BIN_DIR] [RUNS]        (defaults: 100000, a release build, 1)
# The simulator's data follows the wall clock: from about the 3rd of a month the report cache holds
# the month's final days, so serving sizes taken on a month's first days are lower (bench/README.md,
# seventh pass). Compare binaries in one run of interleaved calls, never across days.
# EXPORTER_FLAGS adds flags to both exporters (e.g. --github.request-timeout=120s on a loaded machine,
# where the simulator may take longer than the default timeout to write a 100,000-user report).
set -euo pipefail
cd "$(dirname "$0")/.."
seats=${1:-100000}
dir=${2:-}
runs=${3:-1}
if [ -z "$dir" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  dir=.build-release/release
fi
work=$(mktemp -d)
"$dir/github_simulator" --seats="$seats" --rate-limit=1000000 >"$work/sim" &
sim=$!
exporter=""
trap 'kill $sim $exporter 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
scopes="--github.org=acme-corp --github.org=acme-labs --github.enterprise=acme"
bytes_served() { curl -s "$url/_simulator/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["bytes"])'; }
for run in $(seq 1 "$runs"); do
  before=$(bytes_served)
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" env GITHUB_TOKEN="$token" "$dir/copilot_exporter" --once --github.api-url="$url" \
    $scopes ${EXPORTER_FLAGS:-} --log.level=error >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall rss user sys <"$work/time"
  requests=$(awk '/^github_copilot_api_requests_total/ {s += $2} END {print s}' "$work/out")
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') $rss $requests $(($(bytes_served) - before))" >>"$work/runs"
done
# Median by CPU time.
read -r wall cpu rss requests bytes_in < <(sort -g -k2 "$work/runs" | awk -v n="$runs" 'NR == int((n + 1) / 2)')
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GITHUB_TOKEN="$token" "$dir/copilot_exporter" --github.api-url="$url" $scopes ${EXPORTER_FLAGS:-} --web.listen-address=127.0.0.1:$port --log.level=error &
exporter=$!
for _ in $(seq 1 1200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready")" = 200 ] && break; sleep 0.1; done
sleep 2
serving=$(awk '/VmRSS/ {print $2}' /proc/$exporter/status)
peak=$(awk '/VmHWM/ {print $2}' /proc/$exporter/status)
# What Prometheus asks for: OpenMetrics, gzip. The resident size after it includes the gzip body.
curl -s -o /dev/null -H 'Accept: application/openmetrics-text;version=1.0.0' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics"
sleep 1
scraped=$(awk '/VmRSS/ {print $2}' /proc/$exporter/status)
bytes=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
awk -v s="$seats" -v n="$runs" -v w="$wall" -v c="$cpu" -v r="$rss" -v q="$requests" -v i="$bytes_in" -v sv="$serving" -v p="$peak" -v b="$bytes" -v sg="$scraped" 'BEGIN {
  printf "seats=%d runs=%d once_wall_s=%.2f once_cpu_s=%.2f once_peak_rss_mb=%.1f api_requests=%d json_mb=%.1f json_mb_per_cpu_s=%.1f json_mb_per_wall_s=%.1f serving_rss_mb=%.1f serving_peak_rss_mb=%.1f serving_rss_after_gzip_scrape_mb=%.1f scrape_bytes=%d\n",
    s, n, w, c, r / 1024, q, i / 1e6, i / 1e6 / c, i / 1e6 / w, sv / 1024, p / 1024, sg / 1024, b }'
