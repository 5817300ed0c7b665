#!/usr/bin/env bash
# Every benchmark in one run, printing the figures bench/README.md tables: start-up, scrapes
# side by side with Go's promhttp and Python's prometheus_client at 1,000, 10,000 and 100,000
# seats, a 100,000-seat refresh, a 100,000-user report, parsing alone, and the API budget.
# About 30 minutes on a 2-core machine; run it on an otherwise idle machine. The output is also
# written to bench/results/latest.txt.
# Usage: bench/run.sh [RUNS]        (medians of RUNS runs where a script takes them; default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
swift build -c release --scratch-path .build-release >/dev/null
dir=.build-release/release
mkdir -p bench/results
{
  echo "# bench/run.sh $runs on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "## start-up (--demo, 300 seats), $runs runs"
  for _ in $(seq 1 "$runs"); do bash bench/startup.sh "$dir/copilot_exporter"; done
  for seats in 1000 10000 100000; do
    echo "## scrape, $seats seats"
    bash bench/scrape.sh "$seats" 10 "$runs"
  done
  echo "## refresh, 100,000 seats"
  bash bench/refresh.sh 100000 "$dir" "$runs"
  echo "## users report, 100,000 and 400,000 users (download, parse, render)"
  bash bench/report.sh 100000 "$dir/copilot_exporter"
  bash bench/report.sh 400000 "$dir/copilot_exporter"
  echo "## parsing alone"
  bash bench/parse.sh "$dir"
  echo "## API budget at the default intervals"
  bash bench/api_budget.sh "$dir/copilot_exporter"
} 2>&1 | tee bench/results/latest.txt
