#!/usr/bin/env bash
# Proves the Swift encoder's golden files are byte-identical to what Prometheus' own Go encoder
# (prometheus/common expfmt, Debian's golang packages, GOPATH mode) writes for the same families.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
GOPATH=/usr/share/gocode GO111MODULE=off go run Tests/GoReference/reference.go "$out" >/dev/null
diff -u "$out/families.prom" Tests/PrometheusExpositionTests/Golden/families.prom
diff -u "$out/families.openmetrics" Tests/PrometheusExpositionTests/Golden/families.openmetrics
echo "golden files: identical to prometheus/common expfmt (text 0.0.4 and OpenMetrics 1.0.0)"
