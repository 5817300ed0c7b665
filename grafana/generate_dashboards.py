#!/usr/bin/env python3
"""Writes grafana/dashboards/*.json. Edit the panels here, run it, commit both.
CI checks that the committed JSON is what this script writes."""
import json
import os

DS = {"type": "prometheus", "uid": "${datasource}"}
ORG = 'org=~"$org"'
ENT = 'enterprise=~"$enterprise"'


def variables(extra=()):
    def label_var(name, label):
        query = "label_values(github_copilot_collector_success, %s)" % name
        return {"name": name, "label": label, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
                "definition": query, "refresh": 2, "includeAll": True, "multi": True, "allValue": ".+",
                "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1, "hide": 0}
    return {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus", "current": {}, "hide": 0,
         "refresh": 1, "regex": "", "options": []},
        label_var("org", "Organization"),
        label_var("enterprise", "Enterprise"),
    ] + list(extra)}


def custom(name, label, values, default):
    options = [{"text": v, "value": v, "selected": v == default} for v in values]
    return {"name": name, "label": label, "type": "custom", "query": ",".join(values), "options": options,
            "current": {"text": default, "value": default, "selected": True}, "hide": 0}


class Layout:
    def __init__(self):
        self.panels, self.x, self.y, self.row_h = [], 0, 0, 0

    def add(self, kind, title, targets, w=8, h=8, unit=None, description="", table=False, extra=None):
        if self.x + w > 24:
            self.x, self.y = 0, self.y + self.row_h
            self.row_h = 0
        panel = {"id": len(self.panels) + 1, "type": kind, "title": title, "description": description, "datasource": DS,
                 "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
                 "targets": [dict({"refId": chr(65 + i), "datasource": DS, "expr": expr, "legendFormat": legend},
                                  **({"instant": True, "format": "table"} if table else {"range": True}))
                             for i, (expr, legend) in enumerate(targets)],
                 "fieldConfig": {"defaults": {"unit": unit} if unit else {}, "overrides": []}, "options": {}}
        if extra:
            panel.update(extra)
        self.panels.append(panel)
        self.x += w
        self.row_h = max(self.row_h, h)


def dashboard(uid, title, description, panels, extra_vars=(), tags=()):
    return {"uid": uid, "title": title, "description": description, "tags": ["copilot", "github", *tags], "timezone": "utc",
            "editable": True, "graphTooltip": 1, "schemaVersion": 39, "version": 1, "refresh": "5m",
            "time": {"from": "now-7d", "to": "now"}, "templating": variables(extra_vars), "panels": panels,
            "annotations": {"list": []}, "links": []}


def both(metric_expr, legend_org, legend_ent):
    """The same query for organizations and for enterprises (never summed together: an
    enterprise already includes its organizations)."""
    return [(metric_expr.replace("SCOPE", ORG), legend_org), (metric_expr.replace("SCOPE", ENT), legend_ent)]


cost = Layout()
cost.add("stat", "Seats billed", both("sum by (org, enterprise) (github_copilot_seats{SCOPE})", "{{org}}", "{{enterprise}}"), w=6, h=5,
         description="Copilot seats currently billed (seat_breakdown.total, or total_seats for an enterprise).")
cost.add("stat", "Idle seats", both("github_copilot_seats_idle{SCOPE}", "{{org}}", "{{enterprise}}"), w=6, h=5,
         description="Seats whose last activity (or, never used, assignment) is older than --collector.seats.idle-days.")
cost.add("stat", "Never-active seats", both("github_copilot_seats_never_active{SCOPE}", "{{org}}", "{{enterprise}}"), w=6, h=5)
cost.add("stat", "Idle seats cost per month", both("github_copilot_seats_idle{SCOPE} * $seat_price", "{{org}}", "{{enterprise}}"),
         w=6, h=5, unit="currencyUSD", description="Idle seats times the seat price variable (per-seat plans).")
cost.add("timeseries", "Net cost month to date, by product and SKU",
         both("sum by (org, enterprise, product, sku) (github_billing_net_amount_usd{SCOPE})", "{{org}} {{product}} / {{sku}}",
              "{{enterprise}} {{product}} / {{sku}}"), w=12, unit="currencyUSD")
cost.add("bargauge", "Projected month-end net cost, by product and SKU",
         both("github_billing_projected_net_amount_usd{SCOPE}", "{{org}} {{product}} / {{sku}}", "{{enterprise}} {{product}} / {{sku}}"),
         w=12, unit="currencyUSD", extra={"options": {"displayMode": "gradient", "orientation": "horizontal"}})
cost.add("timeseries", "AI credits month to date, by model",
         both("github_copilot_ai_credits{SCOPE}", "{{org}} {{model}}", "{{enterprise}} {{model}}"), w=8)
cost.add("timeseries", "AI credits net cost, by model",
         both("github_copilot_ai_credits_net_amount_usd{SCOPE}", "{{org}} {{model}}", "{{enterprise}} {{model}}"), w=8, unit="currencyUSD")
cost.add("timeseries", "Premium requests month to date, by model",
         both("github_copilot_premium_requests{SCOPE}", "{{org}} {{model}}", "{{enterprise}} {{model}}"), w=8)
cost.add("table", "Top users by AI credits, month to date",
         both("topk(20, github_copilot_user_ai_credits_used_month_to_date{SCOPE})", "", ""), w=12, h=10, table=True)
cost.add("table", "Idle users: days since last activity",
         [("(time() - github_copilot_seat_last_activity_timestamp_seconds{%s}) / 86400 > $idle_days" % s, "") for s in (ORG, ENT)],
         w=12, h=10, unit="d", table=True)
cost.add("table", "Never-active users: days since assignment",
         [("(time() - github_copilot_seat_assigned_timestamp_seconds{%s}) / 86400 unless on (org, enterprise, user) "
           "github_copilot_seat_last_activity_timestamp_seconds" % s, "") for s in (ORG, ENT)], w=12, h=10, unit="d", table=True)
cost.add("timeseries", "Active users", both("github_copilot_active_users{SCOPE}", "{{org}} {{period}}", "{{enterprise}} {{period}}"),
         w=12, h=10, description="Daily, weekly and monthly active users on the newest usage-metrics report day.")
cost.add("piechart", "Seats by editor of last activity", both("sum by (editor) (github_copilot_seats_by_editor{SCOPE})", "{{editor}}", "{{editor}}"),
         w=8)
cost.add("bargauge", "Organization seats by state", [("github_copilot_seats_by_state{%s}" % ORG, "{{org}} {{state}}")], w=8,
         extra={"options": {"displayMode": "basic", "orientation": "horizontal"}})
cost.add("table", "Enterprise net cost by cost center, month to date",
         [("sum by (enterprise, cost_center) (github_billing_cost_center_net_amount_usd{%s})" % ENT, "")], w=8, unit="currencyUSD", table=True)
cost.add("table", "Budgets", [("github_billing_budget_amount_usd{%s} or github_billing_budget_amount_usd{%s}" % (ORG, ENT), "")], w=12,
         unit="currencyUSD", table=True)
cost.add("stat", "Newest usage report day",
         both("max by (org, enterprise) (github_copilot_usage_report_day_timestamp_seconds{SCOPE}) * 1000", "{{org}}", "{{enterprise}}"),
         w=12, unit="dateTimeAsIsoNoDateIfToday")

health = Layout()
health.add("stat", "Exporter version", [("github_copilot_exporter_build_info", "{{version}}")], w=6, h=5)
health.add("stat", "Token expires in", [("(github_copilot_token_expiry_timestamp_seconds - time()) / 86400", "days")], w=6, h=5, unit="d")
health.add("gauge", "Rate limit remaining",
           [("github_copilot_api_rate_limit_remaining / github_copilot_api_rate_limit_limit", "{{resource}}")], w=6, h=5, unit="percentunit")
health.add("stat", "Requests per hour, by code",
           [("sum by (code) (increase(github_copilot_api_requests_total[1h]))", "{{code}}")], w=6, h=5)
health.add("table", "Collector success (1 = last attempt succeeded)",
           both("github_copilot_collector_success{SCOPE}", "", ""), w=12, h=9, table=True)
health.add("timeseries", "Age of last success",
           both("time() - github_copilot_collector_last_success_timestamp_seconds{SCOPE}", "{{collector}} {{org}}", "{{collector}} {{enterprise}}"),
           w=12, h=9, unit="s")
health.add("timeseries", "Collector duration",
           both("github_copilot_collector_duration_seconds{SCOPE}", "{{collector}} {{org}}", "{{collector}} {{enterprise}}"), w=8, unit="s")
health.add("timeseries", "Collector interval (stretched to fit the request budget)",
           both("github_copilot_collector_interval_seconds{SCOPE}", "{{collector}} {{org}}", "{{collector}} {{enterprise}}"), w=8, unit="s")
health.add("timeseries", "GitHub API responses by code",
           [("sum by (code) (rate(github_copilot_api_requests_total[$__rate_interval]))", "{{code}}")], w=8, unit="reqps")
health.add("timeseries", "Rate limit remaining", [("github_copilot_api_rate_limit_remaining", "{{resource}}")], w=12)
health.add("timeseries", "Rate limit resets at",
           [("github_copilot_api_rate_limit_reset_timestamp_seconds * 1000", "{{resource}}")], w=12, unit="dateTimeAsIso")

here = os.path.dirname(os.path.abspath(__file__))
outputs = {
    "copilot-cost-and-seats.json": dashboard(
        "copilot-cost-seats", "Copilot cost and seats", "GitHub Copilot seats, idle seats, cost, AI credits and usage from copilot_exporter.",
        cost.panels, [custom("seat_price", "Seat price (USD a month)", ["19", "39"], "19"), custom("idle_days", "Idle after (days)", ["30", "14", "60", "90"], "30")],
        tags=["finops"]),
    "copilot-exporter-health.json": dashboard(
        "copilot-exporter-health", "Copilot exporter health", "Is copilot_exporter collecting, and what does it cost in GitHub API requests?",
        health.panels),
}
for name, content in outputs.items():
    with open(os.path.join(here, "dashboards", name), "w") as f:
        json.dump(content, f, indent=2, sort_keys=True)
        f.write("\n")
