#!/usr/bin/env python3
"""An independent fake GitHub (Python's http.server, HTTP/1.0, no rate-limit headers or ETags)
serving a scenario generated afresh on every run, and a checker that computes every seat family
independently and compares it, value by value, with `copilot_exporter --once`.

Billing as GitHub's REST docs describe it: budgets paged in the body (`page`, `per_page`,
`has_next_page`, `total_count`; organizations at most 10 a page, enterprises 100), cost centers
listed in both states when `state` is absent (one deleted, names shared), the enterprise model
endpoints' default `cost_center_id` drawn at random ("all" or "none": GitHub documents neither),
and one report day of the month not published (a late day) that must not count. Teams: the user-teams
report (one team per organization under GitHub's 5-member threshold, absent; users in two teams; a
slug shared by both organizations), joined here with the users report on user id and day.

The enterprise AI usage report export (`report_type` `ai_credit`): POST answers 202 `processing`,
the first status check `completed` with download URLs; the CSV is
written with its own column order, quotes where a field needs them, and rows the exporter must
not count (another unit, last month, no user).

Usage: independent_fake_github.py BINARY [SEED]
"""
import datetime as dt
import json
import random
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

binary = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 30)
rng = random.Random(seed)
NOW = dt.datetime.now(dt.timezone.utc)
IDLE_DAYS = rng.choice([7, 14, 30, 45])
TOKEN = "ghp_independentFakeToken%06d" % rng.randrange(10**6)
EDITORS = ["vscode/1.96.2/copilot/1.250", "JetBrains-IC/2024.3/copilot-intellij/1.5", "Neovim/0.10/copilot.vim/1.4",
           "copilot-cli/0.0.330", "VisualStudio/17.12/copilot-vs/1.2", "Xcode/16/copilot-xcode/0.3"]


def stamp(moment):
    """GitHub writes several shapes: Z, an offset, fractional seconds. Returns the text and the
    moment it denotes (whole seconds unless fractional)."""
    kind = rng.randrange(3)
    if kind == 0:
        whole = moment.replace(microsecond=0)
        return whole.strftime("%Y-%m-%dT%H:%M:%SZ"), whole
    if kind == 1:
        whole = moment.replace(microsecond=0)
        offset = dt.timezone(dt.timedelta(hours=rng.choice([-6, -3, 2, 5, 9])))
        return whole.astimezone(offset).isoformat(timespec="seconds"), whole
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000), moment


def away_from_threshold(days_ago):
    """Moments at least 2 hours from the idle threshold, so the check cannot flake."""
    moment = NOW - dt.timedelta(days=days_ago, seconds=rng.randrange(86400))
    threshold = NOW - dt.timedelta(days=IDLE_DAYS)
    if abs((moment - threshold).total_seconds()) < 7200:
        moment -= dt.timedelta(hours=5)
    return moment.replace(microsecond=rng.randrange(1000) * 1000)


# Teams and plans come from a second generator, so the rest of a seed's data stays as it was.
rng_teams = random.Random(seed + 1)


def chargeback(seat):
    """A granting team (or a direct grant) and a plan (or none)."""
    team = rng_teams.choice([None, "alpha", "beta", "gamma-team"])
    seat["assigning_team"] = None if team is None else {"id": len(team), "slug": team, "name": team.title(), "parent": None}
    plan = rng_teams.choice(["business", "business", "enterprise", "unknown", None])
    if plan is None:
        seat.pop("plan_type", None)
    else:
        seat["plan_type"] = plan


users = ["user-%s-%d" % ("".join(rng.choice("abcdefghijklmnop") for _ in range(4)), i) for i in range(rng.randrange(150, 400))]
orgs = {"org-%d" % rng.randrange(1000): [], "team-%d" % rng.randrange(1000, 2000): []}
for user in users:
    for org in rng.sample(list(orgs), rng.choice([1, 1, 1, 2])):
        created = away_from_threshold(rng.randrange(0, 400))
        active = rng.random() > 0.15
        last = away_from_threshold(rng.randrange(0, min(120, max(1, (NOW - created).days + 1)))) if active else None
        if last is not None and last < created:
            last = created
        created_text, created = stamp(created)
        last_text, last = stamp(last) if last else (None, None)
        seat = {"created_at": created_text, "updated_at": created_text, "pending_cancellation_date": None,
                "last_activity_at": last_text,
                "last_activity_editor": rng.choice(EDITORS) if active and rng.random() > 0.05 else None,
                "last_authenticated_at": None, "plan_type": "business",
                "assignee": {"login": user, "id": rng.randrange(10**7), "type": "User", "site_admin": False},
                "organization": {"login": org, "id": 1}, "assigning_team": None,
                "_created": created, "_last": last}
        chargeback(seat)
        orgs[org].append(seat)
for org in orgs:  # a deleted account's seat
    if rng.random() < 0.7:
        created = away_from_threshold(rng.randrange(60, 300))
        created_text, created = stamp(created)
        orgs[org].append({"created_at": created_text, "assignee": None, "last_activity_at": None,
                          "last_activity_editor": None, "organization": {"login": org, "id": 1},
                          "_created": created, "_last": None})
ENTERPRISE = "ent-%d" % rng.randrange(1000)
enterprise_grants = []  # granted by an enterprise team: no organization
for user in rng_teams.sample(users, 3) + ["user-enterprise-only"]:
    created = (NOW - dt.timedelta(days=rng_teams.choice([3, 10, 50, 150]))).replace(microsecond=0)
    created_text = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    enterprise_grants.append({"created_at": created_text, "last_activity_at": None, "last_activity_editor": None,
                              "plan_type": "enterprise", "assignee": {"login": user, "id": 5, "type": "User"},
                              "organization": None, "assigning_team": {"id": 9, "slug": "ent-pilots", "name": "Pilots"},
                              "_created": created, "_last": None})
breakdowns = {org: {k: rng.randrange(0, 500) for k in ["total", "added_this_cycle", "pending_invitation",
                                                       "pending_cancellation", "active_this_cycle", "inactive_this_cycle"]}
              for org in orgs}


DOWNLOADS = {"with token": 0, "without token": 0}
BUDGET_PAGES = {}  # owner -> highest page asked for
ASKED_DAYS = set()  # report days asked for
EXPORTS = {}  # id -> {"checks": n, "start": day, "end": day}
EXPORT_POSTS = []


def public(seat):
    return {k: v for k, v in seat.items() if not k.startswith("_")}


# ---- billing: rows by day across last month and this month; one org has no summary endpoint,
# one has no premium-request endpoint; enterprise rows get cost centers.
TODAY = NOW.date()
MONTH_START = TODAY.replace(day=1)
PREV_MONTH_DAY = MONTH_START - dt.timedelta(days=3)
PRODUCTS = [("Actions", "actions_linux", "minutes", 0.008, None, None), ("Copilot", "Copilot AI Credits", "credits", 0.01, "ai", None),
            ("Copilot", "Copilot Premium Request", "requests", 0.04, "premium", None), ("Packages", "packages_storage", "gigabyte-hours", 0.0008, None, None),
            ("Copilot", "Copilot Business", "user-months", 19.0, None, None)]
MODELS = ["GPT-5", "Claude Sonnet 4.5", "Gemini 2.5 Pro"]
COST_CENTERS = [{"id": "cc-%d-%d" % (i, rng.randrange(10**4)), "name": rng.choice(["Platform", "Data"]),
                 "state": "deleted" if i == 0 else "active"} for i in range(rng.randrange(2, 5))]
MODEL_DEFAULT = rng.choice(["all", "none"])
billing_rows = []
org_list = list(orgs)
for org in org_list:
    for day in [PREV_MONTH_DAY] + [MONTH_START + dt.timedelta(days=d) for d in range((TODAY - MONTH_START).days + 1)]:
        for product, sku, unit, price, meter, _ in PRODUCTS:
            if rng.random() < 0.3:
                continue
            quantity = rng.randrange(1, 500)
            row = {"day": day.isoformat(), "org": org, "product": product, "sku": sku, "unit": unit, "price": price,
                   "quantity": quantity, "discount": rng.randrange(0, quantity + 1) if rng.random() < 0.5 else 0,
                   "model": rng.choice(MODELS) if meter else None, "meter": meter,
                   "cc": rng.choice(COST_CENTERS)["id"] if rng.random() < 0.6 else None}
            billing_rows.append(row)
NO_SUMMARY = org_list[0]
NO_PREMIUM = org_list[1]


def make_budgets(owner, count):
    out = []
    for i in range(count):
        scope = rng.choice(["enterprise", "organization", "cost_center", "repository"]) if owner == ENTERPRISE else rng.choice(["organization", "repository"])
        entity = {"enterprise": ENTERPRISE, "organization": owner if owner != ENTERPRISE else rng.choice(org_list),
                  "cost_center": rng.choice(COST_CENTERS)["name"], "repository": "%s/repo%d" % (org_list[0], i)}[scope]
        out.append({"id": "bud-%s-%d" % (owner, i), "budget_type": rng.choice(["BundlePricing", "ProductPricing"]),
                    "budget_product_sku": rng.choice(["ai_credits", "actions", "copilot"]), "budget_scope": scope,
                    "budget_entity_name": entity, "budget_amount": rng.randrange(1, 9000),
                    "prevent_further_usage": False, "budget_alerting": {"will_alert": True, "alert_recipients": []}})
    return out


BUDGETS = {ENTERPRISE: make_budgets(ENTERPRISE, rng.randrange(95, 230))}
for org in org_list:
    BUDGETS[org] = make_budgets(org, rng.randrange(0, 35))


def month_rows(scope_orgs, cost_center=None, filter_cc=False):
    prefix = TODAY.strftime("%Y-%m-")
    return [r for r in billing_rows if r["org"] in scope_orgs and r["day"].startswith(prefix)
            and (not filter_cc or r["cc"] == cost_center)]


# ---- usage-metrics reports: per user per day credits; one scope's yesterday is not published.
report_days = [TODAY - dt.timedelta(days=d) for d in range(1, 40)]
user_days = {}  # (org, day) -> {login: credits or None}
for org in org_list:
    members = sorted({s["assignee"]["login"] for s in orgs[org] if s["assignee"]})
    for day in report_days:
        chosen = {u: (round(rng.random() * 40, 1) if rng.random() > 0.1 else None) for u in members if rng.random() < 0.3}
        user_days[(org, day.isoformat())] = chosen
LATE_ORG = org_list[1]  # its yesterday report answers 204
USER_IDS = dict(zip(users, rng.sample(range(10**6, 10**7), len(users))))  # one id per user, in every report
# Per (org, day, user) activity counters; a field may be absent, and some records show none.
activity = {}
for (org, day), chosen in user_days.items():
    for user in chosen:
        record = {"code_generation_activity_count": rng.choice([0, 0, 1, 4]), "used_chat": rng.random() < 0.3}
        if rng.random() > 0.1:
            record["user_initiated_interaction_count"] = rng.choice([0, 2, 7, 30])
        if rng.random() > 0.1:
            record["code_acceptance_activity_count"] = rng.choice([0, 1, 5])
        activity[(org, day, user)] = record

# ---- teams (user-teams-1-day): each org has a few teams; a seated user is in 0 to 2 of them (so
# some are in two); one team per org is under GitHub's 5-member threshold; one slug is shared by
# both orgs (a team known across the enterprise, its members those of both).
SHARED_TEAM = "shared-%d" % rng.randrange(100)
team_members = {}  # (org, slug) -> set of logins
for org in org_list:
    seated = sorted({s["assignee"]["login"] for s in orgs[org] if s["assignee"]})
    slugs = ["team-%s-%d" % (org, i) for i in range(rng.randrange(3, 6))] + [SHARED_TEAM]
    for user in seated:
        for slug in rng.sample(slugs, rng.choice([0, 1, 1, 2])):
            team_members.setdefault((org, slug), set()).add(user)
    small = "small-%s" % org
    team_members[(org, small)] = set(rng.sample(seated, min(len(seated), rng.randrange(1, 5))))
TEAM_IDS = {slug: rng.randrange(10**6) for _, slug in team_members}


def scope_teams(scope_orgs):
    """slug -> members, for the teams GitHub reports at this scope (5 or more seated members)."""
    merged = {}
    for (org, slug), members in team_members.items():
        if org in scope_orgs:
            merged.setdefault(slug, set()).update(members)
    return {slug: members for slug, members in merged.items() if len(members) >= 5}


def scope_activity(scope_orgs, day, user):
    """The user's merged counters in this scope's users report of `day` (None: no record)."""
    records = [activity[(org, day, user)] for org in scope_orgs if (org, day, user) in activity]
    if not records:
        return None
    out = {"used_chat": any(r["used_chat"] for r in records)}
    for field in ("code_generation_activity_count", "user_initiated_interaction_count", "code_acceptance_activity_count"):
        values = [r[field] for r in records if field in r]
        if values:
            out[field] = sum(values)
    return out
# A day of this month older than the revision window that nobody has published yet.
LATE_DAY = TODAY - dt.timedelta(days=4) if TODAY - dt.timedelta(days=4) >= MONTH_START else None


def scope_user_day(scope_orgs, day):
    merged = {}
    for org in scope_orgs:
        for user, credits in user_days.get((org, day), {}).items():
            if user not in merged:
                merged[user] = credits
            elif credits is not None:
                merged[user] = (merged[user] or 0) + credits
    return merged


def published(kind, slug, day):
    d = dt.date.fromisoformat(day)
    if d >= TODAY or d == LATE_DAY:
        return False
    if kind == "orgs" and slug == LATE_ORG and d == TODAY - dt.timedelta(days=1):
        return False
    return True


def summarize(rows, by_model=False):
    groups = {}
    for r in rows:
        key = (r["product"], r["sku"], r["unit"], r["price"]) + ((r["model"],) if by_model else ())
        g = groups.setdefault(key, {"grossQuantity": 0, "discountQuantity": 0})
        g["grossQuantity"] += r["quantity"]
        g["discountQuantity"] += r["discount"]
    items = []
    for key, g in groups.items():
        item = {"product": key[0], "sku": key[1], "unitType": key[2], "pricePerUnit": key[3], "grossQuantity": g["grossQuantity"],
                "grossAmount": g["grossQuantity"] * key[3], "discountQuantity": g["discountQuantity"],
                "discountAmount": g["discountQuantity"] * key[3], "netQuantity": g["grossQuantity"] - g["discountQuantity"],
                "netAmount": (g["grossQuantity"] - g["discountQuantity"]) * key[3], "extraField": {"ignored": True}}
        if by_model:
            item["model"] = key[4]
        items.append(item)
    return items


AI_PRICE = rng.choice([0.01, 0.04, 0.25])
AI_INCLUDED = rng.choice([0, 5, 50])


def csv_field(value):
    text = str(value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def ai_usage_rows(start, end):
    """(user, model, credits, net) of the enterprise between two days, in date order."""
    used, rows = {}, []
    day = dt.date.fromisoformat(start)
    while day <= dt.date.fromisoformat(end):
        for user, credits in sorted(scope_user_day(org_list, day.isoformat()).items()):
            if not credits:
                continue
            free = max(0.0, min(credits, AI_INCLUDED - used.get(user, 0.0)))
            used[user] = used.get(user, 0.0) + credits
            model = "GPT-5" if (len(user) + day.day) % 2 else "Claude Opus 4.6, preview"
            rows.append((day.isoformat(), user, model, credits, (credits - free) * AI_PRICE, free * AI_PRICE))
        day += dt.timedelta(days=1)
    return rows


def ai_usage_csv(start, end):
    header = ["username", "model", "date", "product", "sku", "unit_type", "quantity", "applied_cost_per_quantity", "gross_amount",
              "discount_amount", "net_amount", "organization", "cost_center_name", "input", "output"]
    lines = [",".join(header)]
    for day, user, model, credits, net, discount in ai_usage_rows(start, end):
        lines.append(",".join(csv_field(v) for v in [user, model, day, "copilot", "copilot_ai_credit", "ai-credits", repr(credits),
                                                      AI_PRICE, repr(credits * AI_PRICE), repr(discount), repr(net), org_list[0],
                                                      'R&D, "North"', 1200, 300]))
    # Rows the exporter must leave out: premium requests, last month, no user.
    lines.append(",".join(["someone", "o3", end, "copilot", "copilot_premium_request", "requests", "7", "0.04", "0.28", "0", "0.28", "", "", "0", "0"]))
    lines.append(",".join(["someone", "o3", (MONTH_START - dt.timedelta(days=1)).isoformat(), "copilot", "copilot_ai_credit", "ai-credits",
                           "9", "0.04", "0.36", "0", "0.36", "", "", "0", "0"]))
    lines.append(",".join(["", "GPT-5", end, "copilot", "copilot_ai_credit", "ai-credits", "3", "0.04", "0.12", "0", "0.12", "", "", "0", "0"]))
    return ("\r\n".join(lines) + "\r\n").encode()


def export_object(export_id, port):
    export = EXPORTS[export_id]
    body = {"id": export_id, "report_type": "ai_credit", "start_date": export["start"], "end_date": export["end"],
            "status": "completed" if export["checks"] >= 1 else "processing", "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "actor": "fake-admin"}
    if body["status"] == "completed":
        body["download_urls"] = ["http://127.0.0.1:%d/dl/export/%s.csv?sig=abc" % (port, export_id)]
    return body


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urlparse(self.path)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"message": "Bad credentials"})
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if url.path != "/enterprises/%s/settings/billing/reports" % ENTERPRISE or body.get("report_type") != "ai_credit":
            return self.reply(404, {"message": "Not Found"})
        export_id = "fake-%d" % (len(EXPORTS) + 1)
        EXPORTS[export_id] = {"checks": 0, "start": body["start_date"], "end": body.get("end_date", TODAY.isoformat())}
        EXPORT_POSTS.append(body)
        return self.reply(202, export_object(export_id, self.server.server_port))

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if not url.path.startswith("/dl/") and self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"message": "Bad credentials"})
        m = re.fullmatch(r"/dl/export/([^/]+)\.csv", url.path)
        if m and m.group(1) in EXPORTS:
            DOWNLOADS["with token" if self.headers.get("Authorization") else "without token"] += 1
            if self.headers.get("Authorization"):
                return self.reply(403, {"error": "a signed URL takes no Authorization header"})
            data = ai_usage_csv(EXPORTS[m.group(1)]["start"], EXPORTS[m.group(1)]["end"])
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        m = re.fullmatch(r"/enterprises/([^/]+)/settings/billing/reports(?:/([^/]+))?", url.path)
        if m and m.group(1) == ENTERPRISE:
            if m.group(2) is None:
                return self.reply(200, {"usage_report_exports": [export_object(i, self.server.server_port) for i in EXPORTS]})
            if m.group(2) not in EXPORTS:
                return self.reply(404, {"message": "Not Found"})
            EXPORTS[m.group(2)]["checks"] += 1
            return self.reply(200, export_object(m.group(2), self.server.server_port))
        m = re.fullmatch(r"/orgs/([^/]+)/copilot/billing", url.path)
        if m and m.group(1) in orgs:
            return self.reply(200, {"seat_breakdown": breakdowns[m.group(1)], "seat_management_setting": "assign_selected"})
        m = re.fullmatch(r"/(orgs|enterprises)/([^/]+)/copilot/billing/seats", url.path)
        if m:
            if m.group(1) == "orgs" and m.group(2) in orgs:
                rows = orgs[m.group(2)]
            elif m.group(1) == "enterprises" and m.group(2) == ENTERPRISE:
                rows = [s for org in orgs for s in orgs[org]] + enterprise_grants
            else:
                return self.reply(404, {"message": "Not Found"})
            per = min(100, int(query.get("per_page", ["50"])[0]))
            page = int(query.get("page", ["1"])[0])
            last = max(1, (len(rows) + per - 1) // per)
            body = {"total_seats": len({s["assignee"]["login"] for s in rows if s["assignee"]}) + sum(1 for s in rows if not s["assignee"]),
                    "seats": [public(s) for s in rows[(page - 1) * per: page * per]]}
            links = []
            base = "http://127.0.0.1:%d%s?per_page=%d" % (self.server.server_port, url.path, per)
            if page < last:
                links += ['<%s&page=%d>; rel="next"' % (base, page + 1), '<%s&page=%d>; rel="last"' % (base, last)]
            if page > 1:
                links += ['<%s&page=1>; rel="first"' % base, '<%s&page=%d>; rel="prev"' % (base, page - 1)]
            return self.reply(200, body, [("Link", ", ".join(links))] if links else [])
        m = re.fullmatch(r"/dl/(orgs|enterprises)/([^/]+)/([^/]+)/([0-9-]+)/(\d+)of(\d+)\.ndjson", url.path)
        if m:
            DOWNLOADS["with token" if self.headers.get("Authorization") else "without token"] += 1
            if self.headers.get("Authorization"):
                return self.reply(403, {"error": "a signed URL takes no Authorization header"})
            kind, slug, report, day, part, parts = m.groups()
            scope_orgs = [slug] if kind == "orgs" else org_list
            lines = []
            if report == "users-1-day":
                for i, (user, credits) in enumerate(sorted(scope_user_day(scope_orgs, day).items())):
                    if i % int(parts) != int(part) - 1:
                        continue
                    record = {"day": day, "user_login": user, "user_id": USER_IDS[user], "totals_by_ide": [{"ide": "vscode", "x": [1, {"y": "z"}]}]}
                    record.update(scope_activity(scope_orgs, day, user))
                    if credits is not None:
                        record["ai_credits_used"] = credits
                    lines.append(json.dumps(record))
            elif report == "user-teams-1-day":
                # One line per membership and organization: a user in the shared team of both
                # organizations is listed twice at the enterprise.
                rows = []
                reported = scope_teams(scope_orgs)
                for (org, slug), members in sorted(team_members.items()):
                    if org in scope_orgs and slug in reported:
                        for user in sorted(members):
                            scope_field = ("organization_id", "7") if kind == "orgs" else ("enterprise_id", "1")
                            rows.append({"user_id": USER_IDS[user], "user_login": user, "day": day, scope_field[0]: scope_field[1],
                                         "team_id": TEAM_IDS[slug], "slug": slug})
                lines = [json.dumps(r) for i, r in enumerate(rows) if i % int(parts) == int(part) - 1]
            elif int(part) == 1:
                d = dt.date.fromisoformat(day)
                def active(days):
                    users = set()
                    for back in range(days):
                        users |= set(scope_user_day(scope_orgs, (d - dt.timedelta(days=back)).isoformat()))
                    return len(users)
                totals = {"day": day, "daily_active_users": active(1), "weekly_active_users": active(7), "monthly_active_users": active(28)}
                if kind == "enterprises":  # the 28-day shape, with day_totals
                    lines.append(json.dumps({"enterprise_id": "1", "report_start_day": day, "report_end_day": day, "day_totals": [totals]}))
                else:
                    lines.append(json.dumps(dict(totals, organization_id="7")))
            data = ("\n".join(lines) + ("\n" if lines else "")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        m = re.fullmatch(r"/(orgs|enterprises)/([^/]+)/copilot/metrics/reports/([a-z0-9-]+)", url.path)
        if m:
            kind, slug, report = m.groups()
            day = query.get("day", [""])[0]
            ASKED_DAYS.add(day)
            if not published(kind, slug, day):
                if kind == "orgs":
                    self.send_response(204)
                    self.end_headers()
                    return
                return self.reply(404, {"message": "Not Found"})
            parts = rng.choice([1, 2, 3])
            base = "http://127.0.0.1:%d/dl/%s/%s/%s/%s" % (self.server.server_port, kind, slug, report, day)
            return self.reply(200, {"download_links": ["%s/%dof%d.ndjson?sig=abc" % (base, i, parts) for i in range(1, parts + 1)], "report_day": day})
        m = re.fullmatch(r"/(organizations|enterprises)/([^/]+)/settings/billing/(.+)", url.path)
        if m:
            kind, slug, endpoint = m.groups()
            scope_orgs = [slug] if kind == "organizations" else org_list
            if kind == "organizations" and endpoint == "usage/summary" and slug == NO_SUMMARY:
                return self.reply(404, {"message": "Not Found"})
            if kind == "organizations" and endpoint == "premium_request/usage" and slug == NO_PREMIUM:
                return self.reply(404, {"message": "Not Found"})
            want = (int(query.get("year", ["0"])[0]), int(query.get("month", ["0"])[0]))
            if endpoint != "cost-centers" and endpoint != "budgets" and want != (TODAY.year, TODAY.month):
                return self.reply(400, {"message": "this fake only answers for the current month"})
            cc = query.get("cost_center_id", [None])[0]
            if kind == "enterprises" and "organization" in query and endpoint != "usage":
                scope_orgs = [o for o in org_list if o == query["organization"][0]]
            if endpoint == "usage/summary":
                if cc is not None:
                    rows = month_rows(scope_orgs, None if cc == "none" else cc, filter_cc=True)
                else:
                    rows = month_rows(scope_orgs)
                return self.reply(200, {"timePeriod": {"year": want[0], "month": want[1]}, "usageItems": summarize(rows)})
            if endpoint == "usage":
                rows = month_rows(scope_orgs)
                return self.reply(200, {"usageItems": [{"date": r["day"], "product": r["product"], "sku": r["sku"], "quantity": r["quantity"],
                                                        "unitType": r["unit"], "pricePerUnit": r["price"], "grossAmount": r["quantity"] * r["price"],
                                                        "discountAmount": r["discount"] * r["price"], "netAmount": (r["quantity"] - r["discount"]) * r["price"],
                                                        "organizationName": r["org"]} for r in rows]})
            if endpoint in ("premium_request/usage", "ai_credit/usage"):
                meter = "premium" if endpoint.startswith("premium") else "ai"
                if cc is not None:
                    rows = month_rows(scope_orgs, None if cc == "none" else cc, filter_cc=True)
                elif kind == "enterprises" and MODEL_DEFAULT == "none":
                    rows = month_rows(scope_orgs, None, filter_cc=True)
                else:
                    rows = month_rows(scope_orgs)
                rows = [r for r in rows if r["meter"] == meter]
                return self.reply(200, {"timePeriod": {"year": want[0]}, "usageItems": summarize(rows, by_model=True)})
            if endpoint == "cost-centers" and kind == "enterprises":
                state = query.get("state", [None])[0]
                return self.reply(200, {"costCenters": [dict(c, resources=[]) for c in COST_CENTERS if state in (None, c["state"])]})
            if endpoint == "budgets":
                largest, default = (10, 10) if kind == "organizations" else (100, 30)
                size = min(largest, int(query.get("per_page", [default])[0]))
                page = int(query.get("page", ["1"])[0])
                BUDGET_PAGES[slug] = max(BUDGET_PAGES.get(slug, 0), page)
                every = BUDGETS[slug]
                chunk = every[(page - 1) * size:page * size]
                return self.reply(200, {"budgets": chunk, "has_next_page": page * size < len(every), "total_count": len(every)})
            return self.reply(404, {"message": "Not Found"})
        return self.reply(404, {"message": "Not Found"})


def expected():
    threshold = NOW - dt.timedelta(days=IDLE_DAYS)
    out = {}

    def scope_values(label, rows):
        merged, anonymous = {}, 0
        for seat in rows:
            key = seat["assignee"]["login"] if seat["assignee"] else None
            if key is None:
                anonymous += 1
                key = "\0%d" % anonymous
            editor = "none" if seat["_last"] is None else ((seat.get("last_activity_editor") or "").split("/")[0] or "unknown")
            team = (seat.get("assigning_team") or {}).get("slug") or "none"
            org = (seat.get("organization") or {}).get("login") or "none"
            plan = seat.get("plan_type") if seat.get("plan_type") in ("business", "enterprise") else "unknown"
            current = merged.get(key)
            if current is None:  # a user's team, org and plan: those of the row with the newest activity, else the first
                merged[key] = {"assigned": seat["_created"], "last": seat["_last"], "editor": editor, "team": team, "org": org, "plan": plan}
                continue
            current["assigned"] = min(current["assigned"], seat["_created"])
            if seat["_last"] is not None and (current["last"] is None or seat["_last"] > current["last"]):
                current.update(last=seat["_last"], editor=editor, team=team, org=org, plan=plan)
        out['github_copilot_seats_idle{%s}' % label] = sum(1 for u in merged.values() if (u["last"] or u["assigned"]) < threshold)
        out['github_copilot_seats_never_active{%s}' % label] = sum(1 for u in merged.values() if u["last"] is None)
        editors = {}
        for u in merged.values():
            editors[u["editor"]] = editors.get(u["editor"], 0) + 1
        for editor, count in editors.items():
            out['github_copilot_seats_by_editor{editor="%s",%s}' % (editor, label)] = count
        for key, u in merged.items():
            if key.startswith("\0"):
                continue
            out['github_copilot_seat_assigned_timestamp_seconds{%s,user="%s"}' % (label, key)] = u["assigned"].timestamp()
            if u["last"] is not None:
                out['github_copilot_seat_last_activity_timestamp_seconds{%s,user="%s"}' % (label, key)] = u["last"].timestamp()
        out['github_copilot_collector_success{collector="seats",%s}' % label] = 1
        idle_cost = 0
        for u in merged.values():
            idle = (u["last"] or u["assigned"]) < threshold
            for family, name, value in (("by_team", "team", u["team"]), ("idle_by_team", "team", u["team"]), ("by_plan", "plan", u["plan"]),
                                        ("by_org", "org", u["org"])):
                if family == "by_org" and not label.startswith("enterprise="):
                    continue
                key = 'github_copilot_seats_%s{%s,%s="%s"}' % (family, label, name, value)
                out[key] = out.get(key, 0) + (idle if family == "idle_by_team" else 1)
            if idle:
                idle_cost += 39 if u["plan"] == "enterprise" else 19
        out['github_copilot_seats_idle_monthly_cost_usd{%s}' % label] = idle_cost

    for org, rows in orgs.items():
        label = 'org="%s"' % org
        out['github_copilot_seats{%s}' % label] = breakdowns[org]["total"]
        for state in ["active_this_cycle", "inactive_this_cycle", "pending_invitation", "pending_cancellation", "added_this_cycle"]:
            out['github_copilot_seats_by_state{%s,state="%s"}' % (label, state)] = breakdowns[org][state]
        scope_values(label, rows)
    # ---- money
    month_start = dt.datetime.combine(MONTH_START, dt.time(), dt.timezone.utc)
    next_month = (MONTH_START + dt.timedelta(days=32)).replace(day=1)
    month_seconds = (dt.datetime.combine(next_month, dt.time(), dt.timezone.utc) - month_start).total_seconds()
    elapsed = min(month_seconds, max(86400, (NOW - month_start).total_seconds()))

    def money(label, scope_orgs):
        groups = {}
        for r in month_rows(scope_orgs):
            g = groups.setdefault((r["product"], r["sku"]), {"gross": 0.0, "disc": 0.0, "q": {}})
            g["gross"] += r["quantity"] * r["price"]
            g["disc"] += r["discount"] * r["price"]
            g["q"][r["unit"]] = g["q"].get(r["unit"], 0) + r["quantity"]
        for (product, sku), g in groups.items():
            labels = '%s,product="%s",sku="%s"' % (label, product, sku)
            out["github_billing_gross_amount_usd{%s}" % labels] = g["gross"]
            out["github_billing_discount_amount_usd{%s}" % labels] = g["disc"]
            out["github_billing_net_amount_usd{%s}" % labels] = g["gross"] - g["disc"]
            out["github_billing_projected_net_amount_usd{%s}" % labels] = (g["gross"] - g["disc"]) * month_seconds / elapsed
            for unit, quantity in g["q"].items():
                out['github_billing_quantity{%s,unit_type="%s"}' % (labels, unit)] = quantity
        for meter, family in (("premium", "github_copilot_premium_requests"), ("ai", "github_copilot_ai_credits")):
            if meter == "premium" and label == 'org="%s"' % NO_PREMIUM:
                continue
            by_model = {}
            for r in month_rows(scope_orgs):
                if r["meter"] == meter:
                    q, n = by_model.get(r["model"], (0, 0.0))
                    by_model[r["model"]] = (q + r["quantity"], n + (r["quantity"] - r["discount"]) * r["price"])
            for model, (q, n) in by_model.items():
                out['%s{%s,model="%s"}' % (family, label, model)] = q
                out['%s_net_amount_usd{%s,model="%s"}' % (family, label, model)] = n
        for collector in ("billing", "premium_requests", "ai_credits", "usage_metrics"):
            out['github_copilot_collector_success{collector="%s",%s}' % (collector, label)] = 1

    # ---- teams: the user-teams report joined with the users report on user id and day
    def team_day(scope_orgs, day):
        credits_by_user = scope_user_day(scope_orgs, day)
        out_day = {}
        for slug, members in scope_teams(scope_orgs).items():
            values = {"members": len(members), "active": 0}
            for user in members:
                record = scope_activity(scope_orgs, day, user)
                if record is None:
                    continue
                credits = credits_by_user.get(user)
                counters = [record.get(f, 0) for f in ("code_generation_activity_count", "user_initiated_interaction_count",
                                                        "code_acceptance_activity_count")]
                if record["used_chat"] or any(c > 0 for c in counters) or (credits or 0) > 0:
                    values["active"] += 1
                for key, value in (("credits", credits), ("interactions", record.get("user_initiated_interaction_count")),
                                   ("acceptances", record.get("code_acceptance_activity_count"))):
                    if value is not None:
                        values[key] = values.get(key, 0) + value
            out_day[slug] = values
        return out_day

    def teams(label, scope_orgs, newest):
        for slug, values in team_day(scope_orgs, newest).items():
            series = '{%s,team="%s"}' % (label, slug)
            out["github_copilot_team_members" + series] = values["members"]
            out["github_copilot_team_active_users" + series] = values["active"]
            for key, family in (("credits", "ai_credits_used"), ("interactions", "interactions"), ("acceptances", "code_acceptances")):
                if key in values:
                    out["github_copilot_team_%s%s" % (family, series)] = values[key]
        mtd = {}
        day = MONTH_START
        while day.isoformat() <= newest:
            if day != LATE_DAY:
                for slug, values in team_day(scope_orgs, day.isoformat()).items():
                    if "credits" in values:
                        mtd[slug] = mtd.get(slug, 0) + values["credits"]
            day += dt.timedelta(days=1)
        for slug, credits in mtd.items():
            out['github_copilot_team_ai_credits_used_month_to_date{%s,team="%s"}' % (label, slug)] = credits
        out['github_copilot_collector_success{collector="teams",%s}' % label] = 1

    # ---- usage-metrics reports
    def reports(label, kind, slug, scope_orgs, aggregate):
        newest = None
        for back in (1, 2, 3):
            day = (TODAY - dt.timedelta(days=back)).isoformat()
            if published(kind, slug, day):
                newest = day
                break
        stamp = dt.datetime.fromisoformat(newest).replace(tzinfo=dt.timezone.utc).timestamp()
        for user, credits in scope_user_day(scope_orgs, newest).items():
            if credits is not None:
                out['github_copilot_user_ai_credits_used{%s,user="%s"}' % (label, user)] = credits
        mtd = {}
        day = MONTH_START
        while day.isoformat() <= newest:
            if day == LATE_DAY:  # unpublished: counts nothing until it appears
                day += dt.timedelta(days=1)
                continue
            for user, credits in scope_user_day(scope_orgs, day.isoformat()).items():
                if credits is not None:
                    mtd[user] = mtd.get(user, 0) + credits
            day += dt.timedelta(days=1)
        for user, credits in mtd.items():
            out['github_copilot_user_ai_credits_used_month_to_date{%s,user="%s"}' % (label, user)] = credits
        d = dt.date.fromisoformat(newest)
        for period, days in (("daily", 1), ("weekly", 7), ("monthly", 28)):
            users = set()
            for back in range(days):
                users |= set(scope_user_day(scope_orgs, (d - dt.timedelta(days=back)).isoformat()))
            out['github_copilot_active_users{%s,period="%s"}' % (label, period)] = len(users)
        out['github_copilot_usage_report_day_timestamp_seconds{%s,report="users-1-day"}' % label] = stamp
        teams(label, scope_orgs, newest)
        out['github_copilot_usage_report_day_timestamp_seconds{%s,report="%s"}' % (label, aggregate)] = stamp

    for org in orgs:
        money('org="%s"' % org, [org])
        reports('org="%s"' % org, "orgs", org, [org], "organization-1-day")
    money('enterprise="%s"' % ENTERPRISE, org_list)
    reports('enterprise="%s"' % ENTERPRISE, "enterprises", ENTERPRISE, org_list, "enterprise-1-day")
    for center in COST_CENTERS + [{"id": None, "name": "none"}]:
        groups = {}
        for r in month_rows(org_list, center["id"], filter_cc=True):
            groups[(r["product"], r["sku"])] = groups.get((r["product"], r["sku"]), 0.0) + (r["quantity"] - r["discount"]) * r["price"]
        for (product, sku), net in groups.items():
            out['github_billing_cost_center_net_amount_usd{cost_center="%s",cost_center_id="%s",enterprise="%s",product="%s",sku="%s"}'
                % (center["name"], center["id"] or "none", ENTERPRISE, product, sku)] = net
    out['github_copilot_collector_part_success{collector="billing",enterprise="%s",part="cost_centers"}' % ENTERPRISE] = 1
    # Per organization: those named in the month's usage report, each one's summary.
    for org in org_list:
        for item in summarize(month_rows([org])):
            out['github_billing_org_net_amount_usd{enterprise="%s",org="%s",product="%s",sku="%s"}'
                % (ENTERPRISE, org, item["product"], item["sku"])] = item["netAmount"]
    out['github_copilot_collector_part_success{collector="billing",enterprise="%s",part="organizations"}' % ENTERPRISE] = 1
    for owner, budgets in BUDGETS.items():
        scope = 'enterprise="%s"' % owner if owner == ENTERPRISE else 'org="%s"' % owner
        for b in budgets:
            out['github_billing_budget_amount_usd{budget_entity="%s",budget_id="%s",budget_scope="%s",budget_type="%s",%s,product_sku="%s"}'
                % (b["budget_entity_name"], b["id"], b["budget_scope"], b["budget_type"], scope, b["budget_product_sku"])] = b["budget_amount"]

    billed = {}
    for _, user, _, credits, net, _ in ai_usage_rows(MONTH_START.isoformat(), TODAY.isoformat()):
        total = billed.setdefault(user, [0.0, 0.0])
        total[0] += credits
        total[1] += net
    for user, (credits, net) in billed.items():
        out['github_copilot_user_ai_credits_month_to_date{enterprise="%s",user="%s"}' % (ENTERPRISE, user)] = credits
        out['github_copilot_user_ai_credits_net_amount_usd_month_to_date{enterprise="%s",user="%s"}' % (ENTERPRISE, user)] = net
    out['github_copilot_collector_success{collector="ai_usage_report",enterprise="%s"}' % ENTERPRISE] = 1

    rows = [s for org in orgs for s in orgs[org]] + enterprise_grants
    label = 'enterprise="%s"' % ENTERPRISE
    out['github_copilot_seats{%s}' % label] = len({s["assignee"]["login"] for s in rows if s["assignee"]}) + sum(1 for s in rows if not s["assignee"])
    scope_values(label, rows)
    # The idle rule itself, exported so dashboards apply the same one.
    out["github_copilot_seats_idle_threshold_seconds{}"] = IDLE_DAYS * 86400
    return out


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
args = [binary, "--once", "--github.api-url=http://127.0.0.1:%d" % server.server_port,
        "--github.enterprise=" + ENTERPRISE, "--collector.seats.idle-days=%d" % IDLE_DAYS] + ["--github.org=" + o for o in orgs]
result = subprocess.run(args, env={"GITHUB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120)
server.shutdown()
if result.returncode != 0:
    sys.exit("exit %d (seed %d): %s" % (result.returncode, seed, result.stderr))

FAMILIES = ("github_copilot_seats", "github_copilot_seat_", "github_copilot_collector_success", "github_copilot_collector_part_success", "github_billing_",
            "github_copilot_premium_requests", "github_copilot_ai_credits", "github_copilot_user_ai_credits", "github_copilot_active_users",
            "github_copilot_usage_report_day", "github_copilot_team_")
got = {}
for line in result.stdout.splitlines():
    if line.startswith("#") or not line.startswith(FAMILIES):
        continue
    key, value = line.rsplit(" ", 1)
    got[key] = float(value)
def normalize(key):
    """name{b="2",a="1"} -> name{a="1",b="2"}: the exposition sorts labels by name."""
    name, _, rest = key.partition("{")
    pairs = re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', rest)
    return name + "{" + ",".join('%s="%s"' % p for p in sorted(pairs)) + "}"


got = {normalize(k): v for k, v in got.items()}
want = {normalize(k): float(v) for k, v in expected().items()}
missing = sorted(set(want) - set(got))
extra = sorted(set(got) - set(want))
def close(key):
    tolerance = 1e-3 if "projected" in key else 1e-9
    return abs(want[key] - got[key]) <= tolerance * max(1.0, abs(want[key]))


wrong = sorted(k for k in set(want) & set(got) if not close(k))
pages = sum((len(r) + 99) // 100 for r in orgs.values()) + (sum(len(r) for r in orgs.values()) + 99) // 100
print("independent fake GitHub: seed %d, %d users, %d org rows, idle-days %d, %d series compared, ~%d seat pages"
      % (seed, len(users), sum(len(r) for r in orgs.values()), IDLE_DAYS, len(want), pages))
for title, keys in (("missing", missing), ("unexpected", extra), ("wrong", wrong)):
    for k in keys[:10]:
        print("  %s: %s want=%s got=%s" % (title, k, want.get(k), got.get(k)))
print("report downloads: %d without the token, %d with it" % (DOWNLOADS["without token"], DOWNLOADS["with token"]))
team_series = sorted(k for k in want if k.startswith("github_copilot_team_members"))
print("teams: %d team series (members), shared slug %s, small teams absent: %s"
      % (len(team_series), SHARED_TEAM, all("small-" not in k for k in got)))
if not team_series:
    sys.exit("no team series to compare (seed %d)" % seed)
print("budgets: %s; cost centers: %d (one deleted); model endpoints' default cost center: %s; late day: %s"
      % (", ".join("%s %d in %d pages" % (o, len(b), BUDGET_PAGES.get(o, 0)) for o, b in BUDGETS.items()),
         len(COST_CENTERS), MODEL_DEFAULT, LATE_DAY))
for owner, budgets in BUDGETS.items():
    largest = 10 if owner != ENTERPRISE else 100
    if budgets and BUDGET_PAGES.get(owner, 0) != (len(budgets) + largest - 1) // largest:
        sys.exit("budgets of %s: asked for %d pages, expected %d (seed %d)"
                 % (owner, BUDGET_PAGES.get(owner, 0), (len(budgets) + largest - 1) // largest, seed))
if [(p["start_date"], p["end_date"]) for p in EXPORT_POSTS] != [(MONTH_START.isoformat(), TODAY.isoformat())]:
    sys.exit("expected one AI usage report export for the month to date, got %s (seed %d)" % (EXPORT_POSTS, seed))
if LATE_DAY is not None and LATE_DAY.isoformat() not in ASKED_DAYS:
    sys.exit("the unpublished day %s was never asked for (seed %d)" % (LATE_DAY, seed))
if DOWNLOADS["with token"] or not DOWNLOADS["without token"]:
    sys.exit("report downloads must carry no Authorization header")
if missing or extra or wrong:
    sys.exit("families differ from the independent computation (seed %d)" % seed)
print("ok: every seat, billing, premium-request, AI-credit, usage-metrics, team and AI-usage-report family has the expected value "
      "for 2 organizations and 1 enterprise (amounts to 1e-9, projections to 1e-3 relative)")
