#!/usr/bin/env python3
"""Writes grafana/dashboards/*.json. Edit the panels here, run it, commit both.
CI checks that the committed JSON is what this script writes."""
import json
import os

DS = {"type": "prometheus", "uid": "${datasource}"}
TARGET = 'job=~"$job", instance=~"$instance"'
ORG = 'org=~"$org", ' + TARGET
ENT = 'enterprise=~"$enterprise", ' + TARGET
PRODUCT = 'product=~"$product"'
# Panels that show a current value read it with an instant query: a range query with
# "last not null" would show series that vanished days ago (last month's SKUs) for the whole range.
INSTANT_KINDS = ("stat", "gauge", "bargauge", "piechart", "table")
IDLE_AFTER = 'scalar(max(github_copilot_seats_idle_threshold_seconds{%s}))' % TARGET


def variables(extra=()):
    def query_var(name, label, query, include_all=True):
        return {"name": name, "label": label, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
                "definition": query, "refresh": 2, "includeAll": include_all, "multi": True, "allValue": ".+",
                "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1, "hide": 0}
    return {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus", "current": {}, "hide": 0,
         "refresh": 1, "regex": "", "options": []},
        query_var("job", "Job", 'label_values(github_copilot_exporter_build_info, job)'),
        query_var("instance", "Instance", 'label_values(github_copilot_exporter_build_info{job=~"$job"}, instance)'),
        query_var("org", "Organization", 'label_values(github_copilot_collector_success{%s}, org)' % TARGET),
        query_var("enterprise", "Enterprise", 'label_values(github_copilot_collector_success{%s}, enterprise)' % TARGET),
    ] + list(extra)}


def custom(name, label, values, default):
    options = [{"text": v, "value": v, "selected": v == default} for v in values]
    return {"name": name, "label": label, "type": "custom", "query": ",".join(values), "options": options,
            "current": {"text": default, "value": default, "selected": True}, "hide": 0}


def steps(*pairs):
    """Threshold steps: (None, base colour), then (value, colour) upwards."""
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in pairs]}


NEUTRAL = steps((None, "blue"))


class Layout:
    def __init__(self):
        self.panels, self.x, self.y, self.row_h = [], 0, 0, 0

    def add(self, kind, title, targets, description, w=8, h=8, unit="none", thresholds=NEUTRAL, mappings=(), extra=None,
            table_format=False):
        if self.x + w > 24:
            self.x, self.y = 0, self.y + self.row_h
            self.row_h = 0
        instant = kind in INSTANT_KINDS
        mode = {"instant": True, "range": False} if instant else {"range": True, "instant": False}
        if kind == "table" or table_format:
            mode["format"] = "table"
        panel = {"id": len(self.panels) + 1, "type": kind, "title": title, "description": description, "datasource": DS,
                 "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
                 "targets": [dict({"refId": chr(65 + i), "datasource": DS, "expr": expr, "legendFormat": legend}, **mode)
                             for i, (expr, legend) in enumerate(targets)],
                 "fieldConfig": {"defaults": {"unit": unit, "thresholds": thresholds, "mappings": list(mappings),
                                              "color": {"mode": "thresholds" if kind in ("stat", "gauge", "bargauge", "table") else "palette-classic"}},
                                 "overrides": []},
                 "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}} if instant and kind != "table" else {}}
        if kind == "table":
            panel["transformations"] = [{"id": "organize", "options": {"excludeByName": {"Time": True, "__name__": True, "job": True}}}]
        if extra:
            for key, value in extra.items():
                if isinstance(value, dict) and isinstance(panel.get(key), dict):
                    panel[key] = {**panel[key], **value}
                else:
                    panel[key] = value
        self.panels.append(panel)
        self.x += w
        self.row_h = max(self.row_h, h)


def dashboard(uid, title, description, panels, extra_vars=(), tags=()):
    return {"uid": uid, "title": title, "description": description, "tags": ["copilot", "github", *tags], "timezone": "utc",
            "editable": True, "graphTooltip": 1, "schemaVersion": 39, "version": 1, "refresh": "5m",
            "time": {"from": "now-7d", "to": "now"}, "templating": variables(extra_vars), "panels": panels,
            "annotations": {"list": []}, "links": []}


def either(metric_expr):
    """Organizations and enterprises in one query (a table or stat shows one frame), each series
    keeping its own scope label: never summed together, as an enterprise already includes its
    organizations."""
    return "(%s) or (%s)" % (metric_expr.replace("SCOPE", ORG), metric_expr.replace("SCOPE", ENT))


def scope_legend(rest=""):
    return "{{org}}{{enterprise}}" + (" " + rest if rest else "")


cost = Layout()
cost.add("stat", "Seats billed", [(either("sum by (org, enterprise) (github_copilot_seats{SCOPE})"), scope_legend())],
         "Copilot seats currently billed, per organization and enterprise (seat_breakdown.total, or total_seats for an enterprise).",
         w=6, h=5)
cost.add("stat", "Idle seats", [(either("sum by (org, enterprise) (github_copilot_seats_idle{SCOPE})"), scope_legend())],
         "Seats whose last activity (or, never used, assignment) is older than the exporter's --collector.seats.idle-days: "
         "the same rule as the Idle users table.", w=6, h=5, thresholds=steps((None, "green"), (1, "yellow")))
cost.add("stat", "Never-active seats", [(either("sum by (org, enterprise) (github_copilot_seats_never_active{SCOPE})"), scope_legend())],
         "Seats whose user has never used Copilot (last_activity_at is null).", w=6, h=5, thresholds=steps((None, "green"), (1, "yellow")))
cost.add("stat", "Idle seats cost per month",
         [("(%s) * $seat_price" % either("sum by (org, enterprise) (github_copilot_seats_idle{SCOPE})"), scope_legend())],
         "Idle seats times the seat price variable (per-seat plans).", w=6, h=5, unit="currencyUSD",
         thresholds=steps((None, "green"), (1, "yellow"), (1000, "red")))
cost.add("timeseries", "Net cost month to date, by product and SKU",
         [(either("sum by (org, enterprise, product, sku) (github_billing_net_amount_usd{SCOPE, %s})" % PRODUCT),
           scope_legend("{{product}} / {{sku}}"))],
         "Net (after discounts) cost of the current UTC month so far, filtered by the product variable.", w=12, unit="currencyUSD")
cost.add("bargauge", "Projected month-end net cost, by product and SKU",
         [(either("sum by (org, enterprise, product, sku) (github_billing_projected_net_amount_usd{SCOPE, %s})" % PRODUCT),
           scope_legend("{{product}} / {{sku}}"))],
         "Month-end projection from the month-to-date rate; unreliable in the first days of a month.", w=12, unit="currencyUSD",
         thresholds=steps((None, "green"), (10000, "red")), extra={"options": {"displayMode": "gradient", "orientation": "horizontal"}})
cost.add("timeseries", "AI credits month to date, by model",
         [(either("github_copilot_ai_credits{SCOPE}"), scope_legend("{{model}}"))],
         "Gross AI credits used this UTC month, per model.", w=8)
cost.add("timeseries", "AI credits net cost, by model",
         [(either("github_copilot_ai_credits_net_amount_usd{SCOPE}"), scope_legend("{{model}}"))],
         "Net cost of AI credits this UTC month, per model.", w=8, unit="currencyUSD")
cost.add("timeseries", "Premium requests month to date, by model",
         [(either("github_copilot_premium_requests{SCOPE}"), scope_legend("{{model}}"))],
         "Gross premium requests this UTC month, per model.", w=8)
cost.add("table", "Top users by AI credits, month to date",
         [("topk(20, %s)" % either("github_copilot_user_ai_credits_used_month_to_date{SCOPE}"), "")],
         "The 20 users with the most AI credits used this UTC month (usage-metrics reports).", w=12, h=10)
cost.add("table", "Idle users: days since last activity or assignment",
         [("(%s) / 86400 > %s / 86400" % (
             either("(time() - github_copilot_seat_last_activity_timestamp_seconds{SCOPE}) or "
                    "((time() - github_copilot_seat_assigned_timestamp_seconds{SCOPE}) unless on (org, enterprise, user) "
                    "github_copilot_seat_last_activity_timestamp_seconds{SCOPE})"), IDLE_AFTER), "")],
         "Users idle by the exporter's rule (github_copilot_seats_idle_threshold_seconds): last activity, or assignment when "
         "never active, longer ago than the threshold. Its row count matches the Idle seats stat.", w=12, h=10, unit="d",
         thresholds=steps((None, "yellow"), (90, "red")))
cost.add("table", "Never-active users: days since assignment",
         [("(%s) / 86400" % either("(time() - github_copilot_seat_assigned_timestamp_seconds{SCOPE}) unless on (org, enterprise, user) "
                                  "github_copilot_seat_last_activity_timestamp_seconds{SCOPE}"), "")],
         "Seated users who never used Copilot, with the days since their seat was assigned.", w=12, h=10, unit="d",
         thresholds=steps((None, "green"), (14, "yellow"), (30, "red")))
cost.add("timeseries", "Active users", [(either("github_copilot_active_users{SCOPE}"), scope_legend("{{period}}"))],
         "Daily, weekly and monthly active users on the newest usage-metrics report day.", w=12, h=10)
cost.add("piechart", "Organization seats by editor of last activity",
         [("sum by (editor) (github_copilot_seats_by_editor{%s})" % ORG, "{{editor}}")],
         "Seats of the selected organizations by the editor of their last activity (none: never active).", w=6, h=10)
cost.add("piechart", "Enterprise seats by editor of last activity",
         [("sum by (editor) (github_copilot_seats_by_editor{%s})" % ENT, "{{editor}}")],
         "Seats of the selected enterprises by editor; shown apart from organizations, which an enterprise contains.", w=6, h=10)
cost.add("bargauge", "Organization seats by state", [("github_copilot_seats_by_state{%s}" % ORG, "{{org}} {{state}}")],
         "The organization seat breakdown GitHub reports for the billing cycle.", w=8,
         extra={"options": {"displayMode": "basic", "orientation": "horizontal"}})
cost.add("table", "Enterprise net cost by cost center, month to date",
         [("sum by (enterprise, cost_center) (github_billing_cost_center_net_amount_usd{%s, %s})" % (ENT, PRODUCT), "")],
         "Net cost of the current UTC month per enterprise cost center, filtered by the product variable.", w=8, unit="currencyUSD")
cost.add("table", "Budgets", [(either("github_billing_budget_amount_usd{SCOPE}"), "")],
         "Configured monthly budgets by scope, entity and SKU.", w=12, unit="currencyUSD")
cost.add("stat", "Newest usage report day",
         [("(%s) * 1000" % either("max by (org, enterprise) (github_copilot_usage_report_day_timestamp_seconds{SCOPE})"), scope_legend())],
         "The newest usage-metrics report day shown (GitHub publishes a day's report after it ends).", w=12,
         unit="dateTimeAsIsoNoDateIfToday")

SUCCESS = [{"type": "value", "options": {"0": {"text": "failing", "color": "red", "index": 0},
                                         "1": {"text": "ok", "color": "green", "index": 1}}}]
health = Layout()
health.add("stat", "Exporter version", [("github_copilot_exporter_build_info{%s}" % TARGET, "")],
           "Version, revision and Swift version of each exporter instance.", w=6, h=5, table_format=True,
           extra={"options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "/^(version|revision)$/", "values": True},
                              "textMode": "value"}})
health.add("stat", "Token expires in", [("(github_copilot_token_expiry_timestamp_seconds{%s} - time()) / 86400" % TARGET, "{{instance}}")],
           "Days until the GitHub token expires (only for tokens GitHub reports an expiry for).", w=6, h=5, unit="d",
           thresholds=steps((None, "red"), (7, "yellow"), (14, "green")))
health.add("gauge", "Rate limit remaining",
           [("github_copilot_api_rate_limit_remaining{%s} / github_copilot_api_rate_limit_limit{%s}" % (TARGET, TARGET), "{{resource}}")],
           "Share of the token's GitHub rate-limit window left, per resource.", w=6, h=5, unit="percentunit",
           thresholds=steps((None, "red"), (0.1, "yellow"), (0.3, "green")),
           extra={"fieldConfig": {"defaults": {"min": 0, "max": 1, "unit": "percentunit", "mappings": [],
                                               "thresholds": steps((None, "red"), (0.1, "yellow"), (0.3, "green")),
                                               "color": {"mode": "thresholds"}}, "overrides": []}})
health.add("stat", "Requests per hour, by code",
           [("sum by (code) (increase(github_copilot_api_requests_total{%s}[1h]))" % TARGET, "{{code}}")],
           "GitHub API responses in the last hour by status; the default budget is 2,400 an hour.", w=6, h=5, unit="short",
           thresholds=steps((None, "green"), (2400, "yellow"), (4500, "red")))
health.add("table", "Collector success", [(either("github_copilot_collector_success{SCOPE}"), "")],
           "Whether each collector's last attempt for each scope succeeded.", w=12, h=9, mappings=SUCCESS,
           thresholds=steps((None, "red"), (1, "green")), extra={"fieldConfig": {"overrides": [], "defaults": {
               "unit": "none", "mappings": SUCCESS, "thresholds": steps((None, "red"), (1, "green")), "color": {"mode": "thresholds"},
               "custom": {"cellOptions": {"type": "color-background"}}}}})
health.add("timeseries", "Age of last success, in intervals",
           [(either("(time() - github_copilot_collector_last_success_timestamp_seconds{SCOPE}) / github_copilot_collector_interval_seconds{SCOPE}"),
             "{{collector}} " + scope_legend())],
           "Time since each collector's last success divided by its interval: above 2, CopilotCollectorStale fires.", w=12, h=9,
           thresholds=steps((None, "green"), (1.5, "yellow"), (2, "red")),
           extra={"fieldConfig": {"defaults": {"unit": "none", "mappings": [], "thresholds": steps((None, "green"), (1.5, "yellow"), (2, "red")),
                                               "color": {"mode": "palette-classic"}, "custom": {"thresholdsStyle": {"mode": "line"}}},
                                  "overrides": []}})
health.add("timeseries", "Failures by reason",
           [("sum by (collector, reason) (increase(github_copilot_collector_failures_total{%s}[1h])) or on () vector(0)" % TARGET,
             "{{collector}} {{reason}}")],
           "Failed attempts in the last hour by collector and reason (unauthorized, not_found, rate_limited, server_error, ...); "
           "a flat 0 when nothing failed.",
           w=8, unit="short")
health.add("timeseries", "Collector duration", [(either("github_copilot_collector_duration_seconds{SCOPE}"), "{{collector}} " + scope_legend())],
           "Duration of each collector's last attempt.", w=8, unit="s")
health.add("timeseries", "Collector interval (stretched to fit the request budget)",
           [(either("github_copilot_collector_interval_seconds{SCOPE}"), "{{collector}} " + scope_legend())],
           "Seconds between regular polls; default intervals stretch to keep within the hourly request budget.", w=8, unit="s")
health.add("timeseries", "GitHub API responses by collector",
           [("sum by (collector, code) (rate(github_copilot_api_requests_total{%s}[$__rate_interval]))" % TARGET, "{{collector}} {{code}}")],
           "GitHub API responses per second by collector and status.", w=8, unit="reqps")
health.add("timeseries", "Rate limit remaining", [("github_copilot_api_rate_limit_remaining{%s}" % TARGET, "{{instance}} {{resource}}")],
           "Requests left in each rate-limit window.", w=8, unit="short")
health.add("timeseries", "Rate limit resets at",
           [("github_copilot_api_rate_limit_reset_timestamp_seconds{%s} * 1000" % TARGET, "{{instance}} {{resource}}")],
           "When each rate-limit window resets.", w=8, unit="dateTimeAsIso")
health.add("timeseries", "Scrapes by code",
           [("sum by (instance, code) (rate(github_copilot_scrape_requests_total{%s}[$__rate_interval]))" % TARGET, "{{instance}} {{code}}")],
           "Requests for the metrics path by status; 503s mean the server's connection or in-flight limits refused them.",
           w=8, unit="reqps")
health.add("timeseries", "Exporter memory", [("process_resident_memory_bytes{%s}" % TARGET, "{{instance}}")],
           "Resident memory of each exporter; the chart's limit is 384 MiB.", w=8, unit="bytes",
           thresholds=steps((None, "green"), (300 * 1024 * 1024, "red")))
health.add("timeseries", "Exporter CPU", [("rate(process_cpu_seconds_total{%s}[$__rate_interval])" % TARGET, "{{instance}}")],
           "CPU cores used by each exporter.", w=8, unit="short")
health.add("timeseries", "Exporter heap", [("github_copilot_exporter_heap_bytes{%s}" % TARGET, "{{instance}} {{state}}")],
           "glibc's heap after the last collector attempt: in use by allocations, free inside the heap, mapped on their own. "
           "A rising in_use across days, with flat cache entries, is a leak (alert CopilotExporterMemoryGrowing).",
           w=8, unit="bytes")
health.add("timeseries", "Cache entries", [("github_copilot_exporter_cache_entries{%s}" % TARGET, "{{instance}} {{cache}}")],
           "Entries in each cache or table the exporter keeps across polls; each is bounded (README, cache table), "
           "so a line that keeps rising past its bound is a bug. Logarithmic: `series` (the sample lines the jobs keep) "
           "is thousands of times the small tables.", w=8, unit="short")
health.panels[-1]["fieldConfig"]["defaults"]["custom"] = {"scaleDistribution": {"type": "log", "log": 10}}


def label_variable(name, label, metric, label_name=None):
    """A multi-value query variable over one label of one family ("All" matches any non-empty value)."""
    query = 'label_values(%s{%s}, %s)' % (metric, TARGET, label_name or name)
    return {"name": name, "label": label, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
            "definition": query, "refresh": 2, "includeAll": True, "multi": True, "allValue": ".+",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1, "hide": 0}


def merged_table(columns, first_column_sort=True):
    """Panel settings for a table of several instant queries joined on their labels (org or
    enterprise, team or user, instance): one column per query, renamed, each with its own unit;
    sorted by the first."""
    names = {"Value #%s" % chr(65 + i): title for i, (title, _) in enumerate(columns)}
    overrides = [{"matcher": {"id": "byName", "options": title}, "properties": [{"id": "unit", "value": unit}]}
                 for title, unit in columns]
    # Each query's frame has its own __name__: drop it (and Time, job) first, or merge joins no rows.
    hidden = {"Time": True, "__name__": True, "job": True}
    extra = {"transformations": [{"id": "organize", "options": {"excludeByName": hidden}},
                                 {"id": "merge", "options": {}},
                                 {"id": "organize", "options": {"excludeByName": hidden, "renameByName": names}}],
             "fieldConfig": {"overrides": overrides}}
    if first_column_sort:
        extra["options"] = {"sortBy": [{"displayName": columns[0][0], "desc": True}]}
    return extra


def rate_by(label, numerator, denominator, filters):
    """numerator / denominator per scope and label, skipping a zero denominator (no 0/0 NaN)."""
    return either("sum by (org, enterprise, %s) (%s{SCOPE, %s}) / (sum by (org, enterprise, %s) (%s{SCOPE, %s}) > 0)"
                  % (label, numerator, filters, label, denominator, filters))


HORIZONTAL = {"options": {"displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True}}
RATE = steps((None, "red"), (0.2, "yellow"), (0.3, "green"))
IDE, LANGUAGE, MODEL, FEATURE, PERIOD = ('ide=~"$ide"', 'language=~"$language"', 'model=~"$model"', 'feature=~"$feature"',
                                         'period=~"$period"')
DAILY = " Values of the newest report day (GitHub publishes a day's report after the day ends), so the graph moves once a day."

adoption = Layout()
adoption.add("stat", "Daily active users", [(either('github_copilot_active_users{SCOPE, period="daily"}'), scope_legend())],
             "Users active with Copilot on the newest usage-metrics report day (daily_active_users)." + DAILY, w=6, h=5, unit="short")
adoption.add("stat", "Code acceptance rate",
             [(either("sum by (org, enterprise) (github_copilot_code_acceptances{SCOPE}) / "
                      "(sum by (org, enterprise) (github_copilot_code_generations{SCOPE}) > 0)"), scope_legend())],
             "code_acceptance_activity_count / code_generation_activity_count on the newest report day: the share of Copilot's "
             "code generations (completions, chat code blocks, edits) that users accepted." + DAILY,
             w=6, h=5, unit="percentunit", thresholds=RATE)
adoption.add("stat", "Lines accepted (added)", [(either('sum by (org, enterprise) (github_copilot_lines_accepted{SCOPE, change="added"})'),
                                                 scope_legend())],
             "Lines of code Copilot added that users kept on the newest report day (loc_added_sum)." + DAILY, w=6, h=5, unit="short")
adoption.add("stat", "Newest usage report day",
             [("(%s) * 1000" % either("max by (org, enterprise) (github_copilot_usage_report_day_timestamp_seconds{SCOPE})"), scope_legend())],
             "The newest usage-metrics report day every panel here shows. More than three days old: the CopilotUsageReportStale "
             "alert fires.", w=6, h=5, unit="dateTimeAsIsoNoDateIfToday")
adoption.add("timeseries", "Active users by surface",
             [(either("github_copilot_active_users_by_surface{SCOPE, %s}" % PERIOD), scope_legend("{{surface}} ({{period}})"))],
             "Active users of each Copilot surface (chat, agent, cli, cloud_agent, code review active and passive), for the periods "
             "GitHub reports for that surface (the period variable filters)." + DAILY, w=12, h=9, unit="short")
adoption.add("timeseries", "Agent and CLI adoption: share of active users",
             [(either('github_copilot_active_users_by_surface{SCOPE, surface=~"agent|cloud_agent|cli", %s} '
                      '/ ignoring (surface) group_left github_copilot_active_users{SCOPE}' % PERIOD),
               scope_legend("{{surface}} ({{period}})"))],
             "Active users of the agent, cloud (coding) agent and CLI surfaces divided by all active Copilot users of the same "
             "period." + DAILY, w=12, h=9, unit="percentunit")
adoption.add("timeseries", "Active users, all surfaces", [(either("github_copilot_active_users{SCOPE, %s}" % PERIOD),
                                                           scope_legend("{{period}}"))],
             "Daily, weekly and monthly active Copilot users: the denominator of the adoption shares." + DAILY, w=8, unit="short")
adoption.add("timeseries", "CLI sessions, requests and prompts",
             [(either("github_copilot_cli_sessions{SCOPE}"), scope_legend("sessions")),
              (either("github_copilot_cli_requests{SCOPE}"), scope_legend("requests")),
              (either("github_copilot_cli_prompts{SCOPE}"), scope_legend("prompts"))],
             "Copilot CLI use on the newest report day (totals_by_cli: session_count, request_count, prompt_count)." + DAILY,
             w=8, unit="short")
adoption.add("timeseries", "CLI tokens", [(either("github_copilot_cli_tokens{SCOPE}"), scope_legend("{{kind}}"))],
             "Prompt and output tokens of the Copilot CLI on the newest report day (totals_by_cli.token_usage)." + DAILY,
             w=8, unit="short")
adoption.add("bargauge", "Code acceptance rate by language",
             [(rate_by("language", "github_copilot_code_acceptances_by_language", "github_copilot_code_generations_by_language",
                       "%s, %s" % (LANGUAGE, FEATURE)), scope_legend("{{language}}"))],
             "Acceptances / generations per language, over the selected features (totals_by_language_feature)." + DAILY,
             w=8, h=10, unit="percentunit", thresholds=RATE, extra=HORIZONTAL)
adoption.add("bargauge", "Code acceptance rate by IDE",
             [(rate_by("ide", "github_copilot_code_acceptances_by_ide", "github_copilot_code_generations_by_ide", IDE),
               scope_legend("{{ide}}"))],
             "Acceptances / generations per IDE (totals_by_ide)." + DAILY, w=8, h=10, unit="percentunit", thresholds=RATE,
             extra=HORIZONTAL)
adoption.add("bargauge", "Code acceptance rate by model",
             [(rate_by("model", "github_copilot_code_acceptances_by_model", "github_copilot_code_generations_by_model",
                       "%s, %s" % (MODEL, FEATURE)), scope_legend("{{model}}"))],
             "Acceptances / generations per model, over the selected features (totals_by_model_feature; GitHub breaks down by "
             "model for chat features only, code completions are absent)." + DAILY, w=8, h=10, unit="percentunit",
             thresholds=RATE, extra=HORIZONTAL)
adoption.add("bargauge", "Code acceptance rate by feature",
             [(rate_by("feature", "github_copilot_code_acceptances_by_feature", "github_copilot_code_generations_by_feature",
                       FEATURE), scope_legend("{{feature}}"))],
             "Acceptances / generations per feature (code_completion, chat_panel_agent_mode, agent_edit, ...; totals_by_feature)."
             + DAILY, w=8, h=10, unit="percentunit", thresholds=RATE, extra=HORIZONTAL)
adoption.add("bargauge", "Lines accepted / suggested, by language",
             [(rate_by("language", "github_copilot_lines_accepted_by_language", "github_copilot_lines_suggested_by_language",
                       '%s, %s, change="added"' % (LANGUAGE, FEATURE)), scope_legend("{{language}}"))],
             "Added lines kept (loc_added_sum) / added lines suggested (loc_suggested_to_add_sum) per language. Agent edits that "
             "add lines without a suggestion can lift it above 100%." + DAILY, w=8, h=10, unit="percentunit", thresholds=RATE,
             extra=HORIZONTAL)
adoption.add("bargauge", "Lines accepted by language (top 15)",
             [("topk(15, %s)" % either('sum by (org, enterprise, language) (github_copilot_lines_accepted_by_language{SCOPE, %s, %s, '
                                       'change="added"})' % (LANGUAGE, FEATURE)), scope_legend("{{language}}"))],
             "Added lines kept per language on the newest report day, over the selected features." + DAILY, w=8, h=10,
             unit="short", extra=HORIZONTAL)
adoption.add("timeseries", "Acceptance rate over time",
             [(either("sum by (org, enterprise) (github_copilot_code_acceptances{SCOPE}) / "
                      "(sum by (org, enterprise) (github_copilot_code_generations{SCOPE}) > 0)"), scope_legend("code acceptances")),
              (either('sum by (org, enterprise) (github_copilot_lines_accepted{SCOPE, change="added"}) / '
                      '(sum by (org, enterprise) (github_copilot_lines_suggested{SCOPE, change="added"}) > 0)'),
               scope_legend("lines added / suggested"))],
             "Acceptances / generations, and added lines kept / suggested, day by day." + DAILY, w=12, unit="percentunit",
             thresholds=RATE)
adoption.add("timeseries", "Lines suggested and accepted",
             [(either("github_copilot_lines_suggested{SCOPE}"), scope_legend("suggested, {{change}}")),
              (either("github_copilot_lines_accepted{SCOPE}"), scope_legend("accepted, {{change}}"))],
             "Lines Copilot suggested to add and delete, and lines added and deleted with Copilot (loc_*_sum)." + DAILY,
             w=12, unit="short")
adoption.add("bargauge", "Interactions by feature",
             [(either("sum by (org, enterprise, feature) (github_copilot_interactions_by_feature{SCOPE, %s})" % FEATURE),
               scope_legend("{{feature}}"))],
             "User-initiated interactions (prompts) per feature on the newest report day (totals_by_feature)." + DAILY,
             w=8, h=9, unit="short", extra=HORIZONTAL)
adoption.add("timeseries", "Pull requests, and those with Copilot",
             [(either("github_copilot_pull_requests{SCOPE}"), scope_legend("{{state}}")),
              (either("github_copilot_pull_requests_with_copilot{SCOPE}"), scope_legend("{{state}} with Copilot as {{role}}"))],
             "Pull requests created, reviewed and merged on the newest report day, and those Copilot created (role author) or "
             "reviewed (role reviewer)." + DAILY, w=8, h=9, unit="short")
adoption.add("timeseries", "Median time to merge, with and without Copilot",
             [(either("github_copilot_pull_request_median_time_to_merge_seconds{SCOPE}"), scope_legend("copilot: {{copilot}}"))],
             "Median time from creation to merge of pull requests merged on the newest report day: copilot=none is GitHub's "
             "median_minutes_to_merge (all pull requests), author those Copilot created, reviewer those Copilot reviewed."
             + DAILY, w=8, h=9, unit="s")
adoption.add("timeseries", "Share of merged pull requests with Copilot",
             [(either('github_copilot_pull_requests_with_copilot{SCOPE, state="merged"} / ignoring (role) group_left () '
                      '(github_copilot_pull_requests{SCOPE, state="merged"} > 0)'), scope_legend("Copilot as {{role}}"))],
             "Merged pull requests Copilot created (author) or reviewed (reviewer), divided by all merged pull requests." + DAILY,
             w=8, h=9, unit="percentunit")
adoption.add("timeseries", "Code review suggestions and applied",
             [(either("github_copilot_review_suggestions{SCOPE}"), scope_legend("suggested ({{source}})")),
              (either("github_copilot_review_suggestions_applied{SCOPE}"), scope_legend("applied ({{source}})"))],
             "Review suggestions on pull requests, all and Copilot's (source), and how many were applied." + DAILY,
             w=8, h=10, unit="short")
adoption.add("bargauge", "Copilot review suggestions by comment type",
             [(either("github_copilot_review_suggestions_by_comment_type{SCOPE}"), scope_legend("{{comment_type}} suggested")),
              (either("github_copilot_review_suggestions_applied_by_comment_type{SCOPE}"), scope_legend("{{comment_type}} applied"))],
             "Copilot code-review suggestions and applied suggestions per comment type (copilot_suggestions_by_comment_type)."
             + DAILY, w=8, h=10, unit="short", extra=HORIZONTAL)
adoption.add("bargauge", "Applied share of Copilot review suggestions, by comment type",
             [(either("github_copilot_review_suggestions_applied_by_comment_type{SCOPE} / "
                      "(github_copilot_review_suggestions_by_comment_type{SCOPE} > 0)"), scope_legend("{{comment_type}}"))],
             "Applied / made Copilot review suggestions per comment type." + DAILY, w=8, h=10, unit="percentunit",
             thresholds=RATE, extra=HORIZONTAL)
adoption.add("table", "Users by IDE version", [(either("github_copilot_users_by_ide_version{SCOPE, %s}" % IDE), "")],
             "Users whose last known IDE version (last_known_ide_version in the users report) is that version: find users on old "
             "IDEs.", w=12, h=10, unit="short", extra={"options": {"sortBy": [{"displayName": "Value", "desc": True}]}})
adoption.add("table", "Users by plugin version", [(either("github_copilot_users_by_plugin_version{SCOPE}"), "")],
             "Users whose last known Copilot plugin version (last_known_plugin_version in the users report) is that version.",
             w=12, h=10, unit="short", extra={"options": {"sortBy": [{"displayName": "Value", "desc": True}]}})

NEVER_SUM = " A user in several teams counts in each team, so never sum these over team: the total exceeds the scope's."
chargeback = Layout()
chargeback.add("stat", "Copilot net cost, month to date",
               [(either("sum by (org, enterprise) (github_billing_net_amount_usd{SCOPE, %s})" % PRODUCT), scope_legend())],
               "Net (after discounts) cost of the current UTC month so far per scope, filtered by the product variable. An "
               "enterprise includes its organizations: do not add the two.", w=6, h=5, unit="currencyUSD")
chargeback.add("stat", "Billed AI credits net cost, month to date",
               [("sum by (enterprise) (github_copilot_user_ai_credits_net_amount_usd_month_to_date{%s})" % ENT, "{{enterprise}}")],
               "Sum over users of the net amount of their billed AI credits this UTC month (the enterprise AI usage report "
               "export). Empty with --no-metrics.per-user.", w=6, h=5, unit="currencyUSD")
chargeback.add("stat", "Idle seats", [(either("sum by (org, enterprise) (github_copilot_seats_idle{SCOPE})"), scope_legend())],
               "Seats idle longer than --collector.seats.idle-days (github_copilot_seats_idle_threshold_seconds).", w=6, h=5,
               unit="short", thresholds=steps((None, "green"), (1, "yellow")))
chargeback.add("stat", "Idle-seat cost per month", [(either("github_copilot_seats_idle_monthly_cost_usd{SCOPE}"), scope_legend())],
               "What the idle seats cost a month, each priced by its plan (business, enterprise) as the exporter's README "
               "describes: what reclaiming them saves.", w=6, h=5, unit="currencyUSD",
               thresholds=steps((None, "green"), (1, "yellow"), (1000, "red")))
chargeback.add("bargauge", "Net cost by organization, month to date",
               [("sum by (enterprise, org) (github_billing_org_net_amount_usd{%s, %s})" % (ENT, PRODUCT), "{{enterprise}} / {{org}}")],
               "Each organization's net cost this UTC month from the enterprise usage summary per organization, filtered by the "
               "product variable (all organizations of the selected enterprises, watched or not).", w=12, h=9,
               unit="currencyUSD", extra=HORIZONTAL)
chargeback.add("bargauge", "Net cost by cost center, month to date",
               [("sum by (enterprise, cost_center) (github_billing_cost_center_net_amount_usd{%s, %s})" % (ENT, PRODUCT),
                 "{{enterprise}} / {{cost_center}}")],
               "Each enterprise cost center's net cost this UTC month, filtered by the product variable.", w=12, h=9,
               unit="currencyUSD", extra=HORIZONTAL)
chargeback.add("timeseries", "Net cost by organization over the month",
               [("sum by (enterprise, org) (github_billing_org_net_amount_usd{%s, %s})" % (ENT, PRODUCT), "{{enterprise}} / {{org}}")],
               "Month-to-date net cost per organization as it grows; it starts again at 0 on the 1st (UTC).", w=12,
               unit="currencyUSD")
chargeback.add("timeseries", "Net cost by cost center over the month",
               [("sum by (enterprise, cost_center) (github_billing_cost_center_net_amount_usd{%s, %s})" % (ENT, PRODUCT),
                 "{{enterprise}} / {{cost_center}}")],
               "Month-to-date net cost per cost center as it grows; it starts again at 0 on the 1st (UTC).", w=12, unit="currencyUSD")
chargeback.add("table", "Seats by team",
               [(either("github_copilot_seats_by_team{SCOPE}"), ""), (either("github_copilot_seats_idle_by_team{SCOPE}"), ""),
                ("(%s) * $seat_price" % either("github_copilot_seats_by_team{SCOPE}"), "")],
               "Seats per assigning team (seat rows' assigning_team; none: assigned directly), idle seats among them, and their "
               "cost at the seat price variable. Each user counts once per scope, under one team, so these do add up to the "
               "scope's seats.", w=12, h=10, unit="short",
               extra=merged_table([("Seats", "short"), ("Idle seats", "short"), ("Seats cost per month", "currencyUSD")]))
chargeback.add("table", "Team usage (usage-metrics reports)",
               [(either("github_copilot_team_ai_credits_used_month_to_date{SCOPE}"), ""),
                (either("github_copilot_team_members{SCOPE}"), ""), (either("github_copilot_team_active_users{SCOPE}"), ""),
                (either("github_copilot_team_interactions{SCOPE}"), ""), (either("github_copilot_team_code_acceptances{SCOPE}"), "")],
               "Per team (user-teams report joined with the users report; GitHub leaves out teams under 5 seated users): AI "
               "credits used this UTC month (a usage signal, not the billed amount), members, active users, interactions and "
               "code acceptances on the newest report day." + NEVER_SUM, w=12, h=10, unit="short",
               extra=merged_table([("AI credits month to date", "short"), ("Members", "short"), ("Active users", "short"),
                                   ("Interactions", "short"), ("Code acceptances", "short")]))
chargeback.add("bargauge", "AI credits by team, month to date",
               [(either("github_copilot_team_ai_credits_used_month_to_date{SCOPE}"), scope_legend("{{team}}"))],
               "AI credits the team's members used this UTC month (usage-metrics ai_credits_used summed over the team's users)."
               + NEVER_SUM, w=8, h=10, unit="short", extra=HORIZONTAL)
chargeback.add("bargauge", "Seats by plan", [(either("github_copilot_seats_by_plan{SCOPE}"), scope_legend("{{plan}}"))],
               "Seats per plan_type (business, enterprise; unknown when GitHub gives none).", w=8, h=10, unit="short",
               extra=HORIZONTAL)
chargeback.add("bargauge", "Enterprise seats by organization",
               [("github_copilot_seats_by_org{%s}" % ENT, "{{enterprise}} / {{org}}")],
               "Enterprise seats per organization that grants them (none: granted at enterprise level).", w=8, h=10, unit="short",
               extra=HORIZONTAL)
TOP_CREDITS = "topk(20, github_copilot_user_ai_credits_month_to_date{%s})" % ENT
chargeback.add("table", "Top users by billed AI credits, month to date",
               [(TOP_CREDITS, ""),
                ("github_copilot_user_ai_credits_net_amount_usd_month_to_date{%s} and on (enterprise, user, instance) %s"
                 % (ENT, TOP_CREDITS), "")],
               "The 20 users with the most billed AI credits this UTC month and their net amount (enterprise AI usage report "
               "export, billed totals). Empty with --no-metrics.per-user.", w=12, h=10, unit="short",
               extra=merged_table([("AI credits", "short"), ("Net amount", "currencyUSD")]))
chargeback.add("table", "Reclaim candidates: idle users and days idle",
               [("(%s) / 86400 > %s / 86400" % (
                   either("(time() - github_copilot_seat_last_activity_timestamp_seconds{SCOPE}) or "
                          "((time() - github_copilot_seat_assigned_timestamp_seconds{SCOPE}) unless on (org, enterprise, user) "
                          "github_copilot_seat_last_activity_timestamp_seconds{SCOPE})"), IDLE_AFTER), "")],
               "Users idle by the exporter's rule (github_copilot_seats_idle_threshold_seconds): last activity, or assignment "
               "when never active, longer ago than the threshold, with the days since. The exporter publishes no per-user team "
               "label (seats by team are counts), so the team is not shown: look the user up in Seats by team's teams. Empty "
               "with --no-metrics.per-user.", w=12, h=10, unit="d", thresholds=steps((None, "yellow"), (90, "red")),
               extra={"options": {"sortBy": [{"displayName": "Value", "desc": True}]}})

here = os.path.dirname(os.path.abspath(__file__))
outputs = {
    "copilot-cost-and-seats.json": dashboard(
        "copilot-cost-seats", "Copilot cost and seats", "GitHub Copilot seats, idle seats, cost, AI credits and usage from copilot_exporter.",
        cost.panels, [custom("seat_price", "Seat price (USD a month)", ["19", "39"], "19"), {"name": "product", "label": "Product", "type": "query", "datasource": DS,
                       "query": {"query": 'label_values(github_billing_net_amount_usd{%s}, product)' % TARGET, "refId": "product"},
                       "definition": 'label_values(github_billing_net_amount_usd{%s}, product)' % TARGET, "refresh": 2,
                       "includeAll": True, "multi": True, "allValue": ".+",
                       "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1, "hide": 0}],
        tags=["finops"]),
    "copilot-exporter-health.json": dashboard(
        "copilot-exporter-health", "Copilot exporter health", "Is copilot_exporter collecting, and what does it cost in GitHub API requests?",
        health.panels),
    "copilot-adoption-and-impact.json": dashboard(
        "copilot-adoption-impact", "Copilot adoption and impact",
        "Who uses Copilot where, how much of its code is kept, and what it does to pull requests and reviews, from the "
        "usage-metrics reports (values of the newest report day).",
        adoption.panels, [label_variable("period", "Period", "github_copilot_active_users_by_surface"),
                          label_variable("ide", "IDE", "github_copilot_code_generations_by_ide"),
                          label_variable("language", "Language", "github_copilot_code_generations_by_language"),
                          label_variable("model", "Model", "github_copilot_code_generations_by_model"),
                          label_variable("feature", "Feature", "github_copilot_code_generations_by_feature")],
        tags=["adoption"]),
    "copilot-chargeback.json": dashboard(
        "copilot-chargeback", "Copilot chargeback",
        "Copilot cost by organization, cost center and team, billed AI credits per user, seats by team, plan and organization, "
        "and the idle seats to reclaim.",
        chargeback.panels, [custom("seat_price", "Seat price (USD a month)", ["19", "39"], "19"),
                            label_variable("product", "Product", "github_billing_net_amount_usd")],
        tags=["finops"]),
}
for name, content in outputs.items():
    with open(os.path.join(here, "dashboards", name), "w") as f:
        json.dump(content, f, indent=2, sort_keys=True)
        f.write("\n")
