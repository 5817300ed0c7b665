#!/usr/bin/env bash
# GitHub API requests per hour at the default intervals, for the --demo company (2 organizations
# and their enterprise) at several sizes: each collector is run once alone against the simulator
# and its requests are counted (github_copilot_api_requests_total); the hourly figure applies the
# default intervals and the exporter's max-min fair sharing of --github.requests-per-hour (2,400).
# Usage-metrics is counted at its steady state (the first poll of a month asks once per day so far).
# Usage: bench/api_budget.sh [BINARY] [SIZES...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
shift || true
sizes=${*:-1000 10000 100000}
if [ -z "$bin" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  bin=.build-release/release/copilot_exporter
fi
collectors="seats billing premium_requests ai_credits usage_metrics"
for n in $sizes; do
  line="$n"
  for c in $collectors; do
    off=""
    for o in $collectors; do [ "$o" = "$c" ] || off="$off --no-collector.$o"; done
    # shellcheck disable=SC2086
    count=$("$bin" --demo --demo.seats="$n" --once $off --log.level=error 2>/dev/null |
      awk '/^github_copilot_api_requests_total\{/ {s += $2} END {print s + 0}')
    line="$line $c=$count"
  done
  echo "$line"
done | python3 -c '
import sys
intervals = {"seats": 300, "billing": 3600, "premium_requests": 3600, "ai_credits": 3600, "usage_metrics": 21600}
budget = 2400.0  # the default of --github.requests-per-hour
print("%-8s %-45s %10s %s" % ("seats", "requests per poll (3 scopes)", "per hour", "seats interval"))
for line in sys.stdin:
    parts = line.split()
    n = int(parts[0])
    cost = {k: int(v) for k, v in (p.split("=") for p in parts[1:])}
    # usage_metrics steady state: 3 link requests per scope per poll (newest day, the other day of
    # the revision window, the active-users report).
    first_usage = cost["usage_metrics"]
    cost["usage_metrics"] = 3 * 3
    rates = sorted(((cost[c] * 3600 / intervals[c]), c) for c in cost)
    remaining, granted = budget, {}
    for i, (rate, c) in enumerate(rates):
        share = remaining / (len(rates) - i)
        granted[c] = min(rate, share)
        remaining -= granted[c]
    total = sum(granted.values())
    seats_interval = cost["seats"] * 3600 / granted["seats"] if granted["seats"] else 0
    desc = " ".join("%s=%d" % (c, cost[c]) for c in intervals) + " (usage first poll %d)" % first_usage
    print("%-8d %-45s %10.0f %.0f s" % (n, desc, total, max(300, seats_interval)))
'
