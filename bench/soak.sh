#!/usr/bin/env bash
# Soak: the exporter (release build, every collector enabled, `--storage.path` in a temporary
# directory) polls a separate simulator that injects faults on a share of its requests (5xx,
# hangs past the timeout, truncated and malformed bodies, secondary rate limits) in the first half
# of every FAULT_PERIOD seconds, with short intervals, while a client scrapes continuously.
#
# Writes bench/results/soak.csv, one row per scrape as it is taken:
#   time_s, rss_mb, scrape_ms, ok (1/0), scrapes_ok, scrapes_failed, fault (1 inside a fault window),
#   cache_entries (the sum of github_copilot_exporter_cache_entries in that scrape, when present),
#   heap_in_use_mb (github_copilot_exporter_heap_bytes{state="in_use"}: glibc's live allocations
#   inside its heaps), heap_live_mb (in_use plus state="mapped", the live chunks mapped on their
#   own: whether a large block lands in one or the other moves with glibc's mmap threshold, so
#   only their sum compares across runs)
# then draws bench/results/soak.png with bench/plot_soak.py (matplotlib) when it can, and prints a
# summary: RSS range, least-squares slope of RSS over the second half of the run, failed scrapes,
# whether the process stayed up.
# Usage: bench/soak.sh [MINUTES] [SEATS] [FAULT_RATE] [FAULT_PERIOD_S]   (defaults: 30 1000 0.2 600)
# SCRAPE_RATE=N adds N scrapes a second on one keep-alive connection (default 18: about 20 a second
# with the measured ones, which open a connection each); their status codes are counted at the end.
# BIN_DIR=... runs binaries built elsewhere (a copy, so that rebuilding during a long soak
# cannot replace them); OUT=... writes the CSV and PNG under another name than bench/results/soak.
# EXPORTER_FLAGS=... adds flags after the script's own (the last of a repeated flag wins), for
# example longer intervals and timeouts for a run of 100,000 seats without faults; SAMPLE_SLEEP=S
# waits S seconds between recorded scrapes instead of 0.5 (each reads the whole exposition).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
seats=${2:-1000}
rate=${3:-0.2}
period=${4:-600}
out=${OUT:-bench/results/soak}
dir=${BIN_DIR:-}
if [ -z "$dir" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  dir=.build-release/release
fi
work=$(mktemp -d)
mkdir -p "$work/storage"
"$dir/github_simulator" --seats="$seats" --fault-rate="$rate" --fault-period="$period" --rate-limit=100000 >"$work/sim" &
sim=$!
exporter=""
trap 'kill $sim $exporter 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
port=$((20000 + RANDOM % 20000))
GITHUB_TOKEN="$token" "$dir/copilot_exporter" --github.api-url="$url" --github.org=acme-corp --github.org=acme-labs \
  --github.enterprise=acme --web.listen-address=127.0.0.1:$port --github.request-timeout=2s \
  --github.requests-per-hour=50000 --storage.path="$work/storage" \
  --collector.seats.interval=15s --collector.billing.interval=15s --collector.premium_requests.interval=15s \
  --collector.ai_credits.interval=15s --collector.usage_metrics.interval=30s --collector.teams.interval=30s \
  --collector.ai_usage_report.interval=60s --log.level=warn ${EXPORTER_FLAGS:-} 2>"$work/exporter.log" &
exporter=$!
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/-/healthy" && break; sleep 0.1; done
# The background load: one curl, a keep-alive connection, SCRAPE_RATE requests a second, gzip.
load_rate=${SCRAPE_RATE:-18}
loader=""
if [ "$load_rate" -gt 0 ]; then
  curl -s --compressed --rate "$load_rate/s" -w '%{stderr}%{http_code}\n' \
    "http://127.0.0.1:$port/metrics?load=[1-1000000000]" >/dev/null 2>"$work/load" &
  loader=$!
fi
trap 'kill $sim $exporter $loader 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
start=$(date +%s.%N)
end=$(( $(date +%s) + minutes * 60 ))
scrapes=0
failed=0
# Rows go to the output file as they are taken: a soak cut short (the machine or session ends
# first) keeps its samples, and `bench/soak_summary.py` and `bench/plot_soak.py` read it as is.
mkdir -p "$(dirname "$out")"
csv="$out.csv"
echo "time_s,rss_mb,scrape_ms,ok,scrapes_ok,scrapes_failed,fault,cache_entries,heap_in_use_mb,heap_live_mb" >"$csv"
while [ "$(date +%s)" -lt "$end" ]; do
  kill -0 "$exporter" 2>/dev/null || { echo "the exporter died"; tail -5 "$work/exporter.log"; exit 1; }
  if ms=$(curl -sf --compressed -o "$work/body" -w '%{time_total}' --max-time 5 -H 'Accept-Encoding: gzip' \
    "http://127.0.0.1:$port/metrics"); then
    scrapes=$((scrapes + 1)); ok=1
    entries=$(awk '/^github_copilot_exporter_cache_entries\{/ {s += $NF; n++} END {if (n) printf "%d", s}' "$work/body")
    heap=$(awk '/^github_copilot_exporter_heap_bytes\{state="in_use"\}/ {printf "%.2f", $NF / 1048576}' "$work/body")
    live=$(awk '/^github_copilot_exporter_heap_bytes\{state="(in_use|mapped)"\}/ {s += $NF; n++} END {if (n) printf "%.2f", s / 1048576}' "$work/body")
  else
    failed=$((failed + 1)); ok=0; ms=${ms:-0}; entries=""; heap=""; live=""
  fi
  now=$(date +%s.%N)
  rss=$(awk '/VmRSS/ {printf "%.2f", $2 / 1024}' /proc/$exporter/status)
  # The simulator faults in the first half of every period of the wall clock (epoch seconds
  # modulo the period), so the window of each row is known exactly, however long the run.
  awk -v now="$now" -v start="$start" -v p="$period" -v r="$rate" -v rss="$rss" -v ms="$ms" \
    -v ok="$ok" -v so="$scrapes" -v sf="$failed" -v ce="$entries" -v hp="$heap" -v hl="$live" 'BEGIN {
      t = now - start; phase = now - int(now / p) * p
      printf "%.1f,%s,%.2f,%d,%d,%d,%d,%s,%s,%s\n", t, rss, ms * 1000, ok, so, sf, (r > 0 && phase < p / 2) ? 1 : 0, ce, hp, hl }' >>"$csv"
  sleep "${SAMPLE_SLEEP:-0.5}"
done
kill -0 "$exporter" 2>/dev/null && alive=yes || alive=no
[ -n "$loader" ] && kill "$loader" 2>/dev/null
touch "$work/load"
load_ok=$(grep -c '^200$' "$work/load" || true)
load_failed=$(grep -vc '^200$' "$work/load" || true)
echo "background scrapes: ok=$load_ok failed=$load_failed (status 000 is a connection that failed)"
errors=$(grep -c 'level=error' "$work/exporter.log" || true)
if python3 -c 'import matplotlib' 2>/dev/null; then
  python3 bench/plot_soak.py "$out.csv" "$out.png" || echo "plot failed"
else
  echo "matplotlib missing (pip install matplotlib): no plot"
fi
awk -F, -v a="$alive" -v e="$errors" 'NR > 1 {
    n++; t[n] = $1; v[n] = $2; if (n == 1 || $2 < min) min = $2; if ($2 > max) max = $2; ok += $4; lat[n] = $3 }
  END {
    # Least squares over the second half of the samples, in MiB per hour.
    h = int(n / 2) + 1; m = 0; st = 0; sv = 0
    for (i = h; i <= n; i++) { m++; st += t[i]; sv += v[i] }
    st /= m; sv /= m; num = 0; den = 0
    for (i = h; i <= n; i++) { num += (t[i] - st) * (v[i] - sv); den += (t[i] - st) ^ 2 }
    slope = den > 0 ? num / den * 3600 : 0
    printf "samples=%d rss_min_mb=%.1f rss_max_mb=%.1f rss_last_mb=%.1f slope_second_half_mib_per_hour=%.3f scrapes_ok=%d scrapes_failed=%d alive=%s logged_errors=%d\n",
      n, min, max, v[n], slope, ok, n - ok, a, e }' "$out.csv"
python3 bench/soak_summary.py "$out.csv"
