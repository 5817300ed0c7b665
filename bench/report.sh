#!/usr/bin/env bash
# Time and peak memory for the exporter to process one users report of N users (default
# 100,000), downloaded from a local server and read as a stream.
# Usage: bench/report.sh [USERS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
bin=${2:-}
if [ -z "$bin" ]; then
  swift build -c release --scratch-path .build-release >/dev/null
  bin=.build-release/release/copilot_exporter
fi
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$users" "$work/report.ndjson" <<'PY'
import json, sys, datetime as dt
users, path = int(sys.argv[1]), sys.argv[2]
day = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()
with open(path, "w") as f:
    for i in range(users):
        record = {"ai_credits_used": (i % 97) / 4, "code_acceptance_activity_count": i % 13, "code_generation_activity_count": i % 31,
                  "day": day, "enterprise_id": "1", "loc_added_sum": i % 50, "loc_deleted_sum": i % 7, "loc_suggested_to_add_sum": i % 60,
                  "loc_suggested_to_delete_sum": 0,
                  "totals_by_cli": {"last_known_cli_version": {"cli_version": "1.0.8", "sampled_at": day + "T00:01:43.000Z"}, "prompt_count": 2,
                                    "request_count": 2, "session_count": 2, "token_usage": {"avg_tokens_per_request": 4400.0, "output_tokens_sum": 5000, "prompt_tokens_sum": 3800}},
                  "totals_by_feature": [{"code_acceptance_activity_count": 1, "code_generation_activity_count": 1, "feature": f, "loc_added_sum": 8,
                                         "loc_deleted_sum": 0, "loc_suggested_to_add_sum": 10, "loc_suggested_to_delete_sum": 0,
                                         "user_initiated_interaction_count": 0} for f in ("code_completion", "chat_panel_agent_mode")],
                  "totals_by_ide": [{"code_acceptance_activity_count": 1, "code_generation_activity_count": 1, "ide": "vscode",
                                     "last_known_ide_version": {"ide_version": "1.85.0", "sampled_at": day + "T00:00:02.000Z"},
                                     "last_known_plugin_version": {"plugin": "copilot-chat", "plugin_version": "0.23.2", "sampled_at": day + "T00:00:02.000Z"},
                                     "loc_added_sum": 8, "loc_deleted_sum": 0, "loc_suggested_to_add_sum": 10, "loc_suggested_to_delete_sum": 0,
                                     "user_initiated_interaction_count": 0}],
                  "totals_by_language_feature": [{"code_acceptance_activity_count": 1, "code_generation_activity_count": 1, "feature": "code_completion",
                                                  "language": "swift", "loc_added_sum": 8, "loc_deleted_sum": 0, "loc_suggested_to_add_sum": 10,
                                                  "loc_suggested_to_delete_sum": 0}],
                  "totals_by_language_model": [], "totals_by_model_feature": [], "used_agent": True, "used_chat": False,
                  "user_id": 1000000 + i, "user_initiated_interaction_count": i % 9, "user_login": "user-%06d" % i}
        f.write(json.dumps(record) + "\n")
PY
bytes=$(stat -c %s "$work/report.ndjson")
python3 bench/report_server.py "$work/report.ndjson" "$work/port" &
server=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
/usr/bin/time -f "%e %M %U %S" -o "$work/time" env GITHUB_TOKEN=bench ${WRAP:-} "$bin" --once --github.org=bench \
  --github.api-url="http://127.0.0.1:$port" --no-collector.seats --no-collector.billing --no-collector.premium_requests \
  --no-collector.ai_credits --log.level=error ${EXTRA:-} >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
read -r wall rss_kb user sys <"$work/time"
series=$(grep -c '^github_copilot_user_ai_credits_used{' "$work/out" || true)
awk -v u="$users" -v b="$bytes" -v w="$wall" -v r="$rss_kb" -v us="$user" -v sy="$sys" -v s="$series" 'BEGIN {
  printf "users=%d report_mb=%.1f wall_s=%.2f cpu_s=%.2f peak_rss_mb=%.1f parse_mb_per_s=%.1f user_series=%d\n", u, b/1e6, w, us+sy, r/1024, b/1e6/w, s }'
