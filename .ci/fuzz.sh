#!/usr/bin/env bash
# Fuzzes the HTTP request parser, the web-config YAML reader and the JSON reader with libFuzzer for a bounded
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
  Sources/CopilotExporter/Collectors/UsageMetrics/ReportPayloads.swift fuzz/FuzzTargets.swift; do
  sed -E '/^(public )?import (GitHubAPI|WebServer|PrometheusExposition|CopilotExporter)$/d' "$f" >"$work/src/$(basename "$f")"
done
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzHTTP "$work"/src/*.swift \
  -o "$work/fuzz" 2>&1 | grep -v "warning:" || true
[ -x "$work/fuzz" ] || { echo "the fuzz target did not build"; exit 1; }
mkdir -p "$work/corpus"
printf 'GET /metrics HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n' >"$work/corpus/get"
printf 'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.0\r\n\r\n' >"$work/corpus/pipelined"
printf 'tls_server_config:\n  cert_file: a\n  key_file: "b"\nbasic_auth_users:\n  alice: x # c\n' >"$work/corpus/yaml"
printf '{"total_seats":1,"seats":[{"created_at":"2021-08-03T18:00:00-06:00","assignee":{"login":"a\\u00e9","id":1},"x":[1.5e3,true,null]}]}' >"$work/corpus/seats"
printf '{"user_login":"u","day":"2026-11-22","ai_credits_used":2.5,"totals_by_ide":[{"ide":"vscode"}]}' >"$work/corpus/record"
printf ' 1E6666666666666666666666666666666' >"$work/corpus/big-number"  # found by this fuzzer once
printf '["\\ud83d\\ude00","\\u00e9"]' >"$work/corpus/surrogates"
"$work/fuzz" "$work/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  >"$work/log" 2>&1 || { tail -n 40 "$work/log"; exit 1; }
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo "?")
echo "ok: libFuzzer ran the request parser, YAML reader and JSON reader $runs times in ${seconds}s without a crash, hang or sanitizer error"
