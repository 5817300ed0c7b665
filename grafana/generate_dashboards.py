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
         [(either("sum by (org, enterprise) (github_copilot_seats_idle{SCOPE})") + " * $seat_price", scope_legend())],
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
         [(either("max by (org, enterprise) (github_copilot_usage_report_day_timestamp_seconds{SCOPE})") + " * 1000", scope_legend())],
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
}
for name, content in outputs.items():
    with open(os.path.join(here, "dashboards", name), "w") as f:
        json.dump(content, f, indent=2, sort_keys=True)
        f.write("\n")
