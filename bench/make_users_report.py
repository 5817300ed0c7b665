#!/usr/bin/env python3
"""Writes a users report (NDJSON) of N users for yesterday, with the fields and nesting of
GitHub's documented users-report record. Usage: make_users_report.py USERS PATH"""
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
