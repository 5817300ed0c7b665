#!/usr/bin/env bash
# Fuzzes the HTTP request parser, the web-config YAML reader, the JSON reader, the state-file
# reader (--storage.path) and the AI usage report's CSV reader with libFuzzer for a bounded
# time (default 60 s). Exits non-zero if libFuzzer finds a crash, a hang or a sanitizer error.
# Usage: .ci/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The sources are compiled as one module, so imports of the package's own modules are dropped.
mkdir -p "$work/src"
for f in Sources/WebServer/HTTPRequestParser.swift Sources/WebServer/HTTPMessages.swift \
  Sources/GitHubAPI/LinkHeader.swift Sources/WebServer/MiniYAML.swift \
  Sources/GitHubAPI/JSONReader.swift Sources/CopilotExporter/Collectors/SeatPayloads.swift \
  Sources/CopilotExporter/Collectors/UsageMetrics/ReportPayloads.swift \
  Sources/CopilotExporter/Collectors/UsageMetrics/UserDayRecord+Decoding.swift \
  Sources/CopilotExporter/Collectors/UsageMetrics/AdoptionDay.swift \
  Sources/CopilotExporter/Collectors/UsageMetrics/ActivityCounters.swift \
  Sources/PrometheusExposition/MetricFamily.swift Sources/PrometheusExposition/ExpositionClash.swift Sources/PrometheusExposition/Escaping.swift \
  Sources/CopilotExporter/Storage/StateCoding.swift \
  Sources/CopilotExporter/Support/CSVReader.swift Sources/CopilotExporter/Collectors/AIUsageReport/AIUsageCSV.swift \
  Sources/CopilotExporter/Collectors/AIUsageReport/AIUsageTable.swift fuzz/FuzzTargets.swift; do
  sed -E '/^(public )?import (GitHubAPI|WebServer|PrometheusExposition|CopilotExporter)$/d' "$f" >"$work/src/$(basename "$f")"
done
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzHTTP "$work"/src/*.swift \
  -o "$work/fuzz" 2>&1 | grep -v "warning:" || true
[ -x "$work/fuzz" ] || { echo "the fuzz target did not build"; exit 1; }
# The seeds live in fuzz/corpus/FuzzHTTP/ (one file an input; add what the fuzzer finds there).
# libFuzzer adds the inputs it finds to its first corpus directory and writes crash-*, leak-*,
# timeout-* and oom-* files to its artifact prefix: both point outside the tree.
cp -R fuzz/corpus/FuzzHTTP "$work/corpus"
artifacts=$(mktemp -d "${TMPDIR:-/tmp}/copilot-exporter-fuzz.XXXXXX")
"$work/fuzz" "$work/corpus" -artifact_prefix="$artifacts/" -max_total_time="$seconds" -max_len=4096 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=1 >"$work/log" 2>&1 || {
  tail -n 40 "$work/log"
  echo "the input that failed is in $artifacts; keep it as a seed in fuzz/corpus/FuzzHTTP/ once fixed"
  exit 1
}
rmdir "$artifacts" 2>/dev/null || true
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo "?")
echo "ok: libFuzzer ran the request parser, YAML, JSON, state-file and CSV readers $runs times in ${seconds}s without a crash, hang or sanitizer error"
