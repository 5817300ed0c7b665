#!/usr/bin/env bash
# Scrape benchmark, side by side in one run: copilot_exporter (polling a separate simulator),
# Python's prometheus_client and Go's client library (promhttp) serving the same series (read
# from the exporter's own exposition), each hit by wrk with 8 connections, plain and gzip.
# Prints requests/s, p50/p99 latency, bytes per response and RSS, with ratios.
# Usage: bench/scrape.sh [SEATS] [SECONDS] [RUNS]        (defaults: 10000 10 1)
# BIN_DIR=... measures binaries built elsewhere (an older commit, for side-by-side figures).
# ONLY_OURS=1 skips Go and Python (at 100,000 seats their windows take about 20 minutes each).
set -euo pipefail
cd "$(dirname "$0")/.."
seats=${1:-10000}
seconds=${2:-10}
runs=${3:-1}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
python3 -c "import prometheus_client" 2>/dev/null || pip install -q prometheus-client
dir=${BIN_DIR:-}
if [ -z "$dir" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  dir=.build-release/release
fi
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
"$dir/github_simulator" --seats="$seats" >"$work/sim" &
pids+=($!)
for _ in $(seq 1 600); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
ours=$(port)
GITHUB_TOKEN="$token" "$dir/copilot_exporter" --github.api-url="$url" --github.org=acme-corp --github.org=acme-labs \
  --github.enterprise=acme --web.listen-address=127.0.0.1:"$ours" --log.level=error &
pids+=($!)
exporter=$!
for _ in $(seq 1 3000); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ours/-/ready")" = 200 ] && break; sleep 0.1; done
curl -s "http://127.0.0.1:$ours/metrics" >"$work/exposition.prom"
series=$(grep -vc '^#' "$work/exposition.prom")
python_port=""
python_pid=""
go_port=""
go_pid=""
if [ "${ONLY_OURS:-0}" != 1 ]; then
python_port=$(port)
python3 bench/alternatives/serve_python.py "$work/exposition.prom" "$python_port" &
pids+=($!)
python_pid=$!
if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/prometheus/client_golang ]; then
  (cd "$work" && GOPATH=/usr/share/gocode GO111MODULE=off go build -o serve_go "$OLDPWD/bench/alternatives/serve_go.go")
  go_port=$(port)
  "$work/serve_go" "$work/exposition.prom" "$go_port" &
  pids+=($!)
  go_pid=$!
fi
fi
for p in $python_port $go_port; do
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$p/metrics" && break; sleep 0.1; done
done
# One wrk run: requests/s, p50, p99, bytes per response, RSS afterwards. A server that takes
# longer per scrape than the window allows gets a window long enough for every connection to
# finish about two scrapes (from a timed single scrape), so slow servers are measured, not
# timed out: the same 8 connections for all.
single() { # port -> seconds for one plain scrape (the slowest of the two encodings is similar)
  curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$1/metrics"
}
run() { # name port pid encoding
  local window=$seconds once
  once=$(single "$2")
  window=$(awk -v s="$seconds" -v t="$once" 'BEGIN { w = 8 * t * 2.5; if (w < s) w = s; printf "%d", w + 0.999 }')
  local timeout=$(awk -v w="$window" 'BEGIN { printf "%d", w + 30 }')
  local args=(-t2 -c8 -d"${window}s" --latency --timeout "${timeout}s")
  [ "$4" = gzip ] && args+=(-H "Accept-Encoding: gzip")
  local rates=() p50s=() p99s=() size rss i
  for i in $(seq 1 "$runs"); do
    wrk "${args[@]}" "http://127.0.0.1:$2/metrics" >"$work/wrk" 2>&1 || true
    rates+=("$(awk '/Requests\/sec/ {print $2}' "$work/wrk")")
    p50s+=("$(awk '$1 == "50%" {print $2}' "$work/wrk" | to_ms)")
    p99s+=("$(awk '$1 == "99%" {print $2}' "$work/wrk" | to_ms)")
  done
  # Body bytes of one response in this encoding (wrk's transfer rate is rounded and counts headers).
  if [ "$4" = gzip ]; then
    size=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$2/metrics")
  else
    size=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$2/metrics")
  fi
  local rps p50 p99
  rps=$(median "${rates[@]}")
  p50=$(median "${p50s[@]}")
  p99=$(median "${p99s[@]}")
  rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$3/status")
  printf "%-18s %-5s %12s %10s %10s %12s %8s %8s\n" "$1" "$4" "${rps:-0}" "${p50}ms" "${p99}ms" \
    "$size" "$rss" "${window}s"
  echo "$1 $4 ${rps:-0}" >>"$work/rates"
}
to_ms() { awk '{ v = $1; n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "seats=$seats series=$series wrk: 2 threads, 8 connections, ${seconds}s each (longer for slow servers), median of $runs run(s)"
printf "%-18s %-5s %12s %10s %10s %12s %8s %8s\n" server enc "requests/s" p50 p99 "bytes/resp" "rss_mb" window
for enc in plain gzip; do
  run copilot_exporter "$ours" "$exporter" "$enc"
  [ -n "$go_port" ] && run go_promhttp "$go_port" "$go_pid" "$enc"
  if [ -n "$python_port" ]; then run python_client "$python_port" "$python_pid" "$enc"; fi
done
awk '{ r[$1 " " $2] = $3 } END {
  split("plain gzip", encs, " ")
  for (i = 1; i <= 2; i++) { x = encs[i]; o = r["copilot_exporter " x]
    g = r["go_promhttp " x]; p = r["python_client " x]
    printf "ratio %-5s copilot_exporter/go_promhttp=%s copilot_exporter/python_client=%s\n", x,
      (g > 0 ? sprintf("%.0f", o / g) : "n/a"), (p > 0 ? sprintf("%.0f", o / p) : "n/a (0 requests completed)") } }' "$work/rates"
