#!/usr/bin/env bash
# Counts what one full poll (`copilot_exporter --once`, every collector, the --demo company at
# N seats) asks of the kernel: system calls by name (strace -f -c) and minor page faults. These
# counts barely change from run to run, unlike CPU time on a shared machine (±20 % here), so a
# change that saves system calls or faults shows even when refresh.sh's CPU figures cannot.
# strace slows the run down: read the counts, not its times.
# Usage: bench/syscalls.sh [SEATS] [BIN_DIR]        (defaults: 100000, a release build)
# Needs strace (apt-get install -y strace).
set -euo pipefail
cd "$(dirname "$0")/.."
seats=${1:-100000}
dir=${2:-}
command -v strace >/dev/null || { echo "bench/syscalls.sh needs strace: apt-get install -y strace" >&2; exit 2; }
if [ -z "$dir" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  dir=.build-release/release
fi
work=$(mktemp -d)
"$dir/github_simulator" --seats="$seats" --rate-limit=1000000 >"$work/sim" &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do [ -s "$work/sim" ] && break; sleep 0.1; done
read -r url token <"$work/sim"
GITHUB_TOKEN="$token" strace -f -c -o "$work/strace" /usr/bin/time -f "%R" -o "$work/faults" "$dir/copilot_exporter" --once \
  --github.api-url="$url" --github.org=acme-corp --github.org=acme-labs --github.enterprise=acme \
  --github.request-timeout=120s --log.level=error >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
# strace -c's table: "% time, seconds, usecs/call, calls, [errors], syscall"; the exporter's
# calls only (the time wrapper makes a handful).
awk -v faults="$(cat "$work/faults")" '
  $1 ~ /^[0-9.]+$/ && $NF != "total" { calls[$NF] = $4; total += $4 }
  END {
    printf "minor_faults=%d syscalls=%d", faults, total
    n = split("recvfrom poll sendto futex brk mmap munmap madvise", names, " ")
    for (i = 1; i <= n; i++) printf " %s=%d", names[i], calls[names[i]]
    printf "\n"
  }' "$work/strace"
