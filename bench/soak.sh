#!/usr/bin/env bash
# Soak: the exporter (release build) polls a separate simulator that injects faults on a share of
# its requests (5xx, hangs past the timeout, truncated and malformed bodies, secondary rate
# limits), with short intervals, while a client scrapes continuously. Samples RSS every 10 s and
# reports its range and drift, failed scrapes, and whether the process stayed up.
# Usage: bench/soak.sh [MINUTES] [SEATS] [FAULT_RATE]      (defaults: 30 1000 0.2)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
seats=${2:-1000}
rate=${3:-0.2}
swift build -c release --scratch-path .build-release >/dev/null
dir=.build-release/release
work=$(mktemp -d)
"$dir/github_simulator" --seats="$seats" --fault-rate="$rate" >"$work/sim" &
sim=$!
exporter=""
trap 'kill $sim $exporter 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
port=$((20000 + RANDOM % 20000))
GITHUB_TOKEN="$token" "$dir/copilot_exporter" --github.api-url="$url" --github.org=acme-corp --github.org=acme-labs \
  --github.enterprise=acme --web.listen-address=127.0.0.1:$port --github.request-timeout=2s \
  --collector.seats.interval=15s --collector.billing.interval=15s --collector.premium_requests.interval=15s \
  --collector.ai_credits.interval=15s --collector.usage_metrics.interval=30s --log.level=warn 2>"$work/exporter.log" &
exporter=$!
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/-/healthy" && break; sleep 0.1; done
end=$(( $(date +%s) + minutes * 60 ))
scrapes=0
failed=0
next_sample=0
echo "minute rss_mb" >"$work/rss"
while [ "$(date +%s)" -lt "$end" ]; do
  if curl -sf -o /dev/null --max-time 5 -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics"; then
    scrapes=$((scrapes + 1))
  else
    failed=$((failed + 1))
  fi
  now=$(date +%s)
  if [ "$now" -ge "$next_sample" ]; then
    kill -0 "$exporter" 2>/dev/null || { echo "the exporter died"; tail -5 "$work/exporter.log"; exit 1; }
    awk -v t="$now" -v e="$end" -v m="$minutes" '/VmRSS/ {printf "%.2f %.1f\n", (m*60 - (e - t)) / 60, $2/1024}' /proc/$exporter/status >>"$work/rss"
    next_sample=$((now + 10))
  fi
  sleep 0.2
done
kill -0 "$exporter" 2>/dev/null && alive=yes || alive=no
errors=$(grep -c 'level=error' "$work/exporter.log" || true)
mkdir -p bench/results
cp "$work/rss" "bench/results/soak-rss.txt"
awk -v s="$scrapes" -v f="$failed" -v a="$alive" -v e="$errors" 'NR > 1 {
    n++; if (n == 1 || $2 < min) min = $2; if ($2 > max) max = $2; v[n] = $2 }
  END {
    q = int(n / 4); first = 0; last = 0
    for (i = 1; i <= q; i++) first += v[i]; for (i = n - q + 1; i <= n; i++) last += v[i]
    printf "samples=%d rss_min_mb=%.1f rss_max_mb=%.1f rss_first_quarter_mb=%.1f rss_last_quarter_mb=%.1f scrapes_ok=%d scrapes_failed=%d alive=%s logged_errors=%d\n",
      n, min, max, first / q, last / q, s, f, a, e }' "$work/rss"
