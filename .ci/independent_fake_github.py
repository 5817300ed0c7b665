#!/usr/bin/env python3
"""An independent fake GitHub (Python's http.server, HTTP/1.0, no rate-limit headers or ETags)
serving a scenario generated afresh on every run, and a checker that computes every seat family
independently and compares it, value by value, with `copilot_exporter --once`.

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
        orgs[org].append(seat)
for org in orgs:  # a deleted account's seat
    if rng.random() < 0.7:
        created = away_from_threshold(rng.randrange(60, 300))
        created_text, created = stamp(created)
        orgs[org].append({"created_at": created_text, "assignee": None, "last_activity_at": None,
                          "last_activity_editor": None, "organization": {"login": org, "id": 1},
                          "_created": created, "_last": None})
ENTERPRISE = "ent-%d" % rng.randrange(1000)
breakdowns = {org: {k: rng.randrange(0, 500) for k in ["total", "added_this_cycle", "pending_invitation",
                                                       "pending_cancellation", "active_this_cycle", "inactive_this_cycle"]}
              for org in orgs}


def public(seat):
    return {k: v for k, v in seat.items() if not k.startswith("_")}


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

    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"message": "Bad credentials"})
        url = urlparse(self.path)
        query = parse_qs(url.query)
        m = re.fullmatch(r"/orgs/([^/]+)/copilot/billing", url.path)
        if m and m.group(1) in orgs:
            return self.reply(200, {"seat_breakdown": breakdowns[m.group(1)], "seat_management_setting": "assign_selected"})
        m = re.fullmatch(r"/(orgs|enterprises)/([^/]+)/copilot/billing/seats", url.path)
        if m:
            if m.group(1) == "orgs" and m.group(2) in orgs:
                rows = orgs[m.group(2)]
            elif m.group(1) == "enterprises" and m.group(2) == ENTERPRISE:
                rows = [s for org in orgs for s in orgs[org]]
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
            current = merged.get(key)
            if current is None:
                merged[key] = {"assigned": seat["_created"], "last": seat["_last"], "editor": editor}
                continue
            current["assigned"] = min(current["assigned"], seat["_created"])
            if seat["_last"] is not None and (current["last"] is None or seat["_last"] > current["last"]):
                current["last"], current["editor"] = seat["_last"], editor
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

    for org, rows in orgs.items():
        label = 'org="%s"' % org
        out['github_copilot_seats{%s}' % label] = breakdowns[org]["total"]
        for state in ["active_this_cycle", "inactive_this_cycle", "pending_invitation", "pending_cancellation", "added_this_cycle"]:
            out['github_copilot_seats_by_state{%s,state="%s"}' % (label, state)] = breakdowns[org][state]
        scope_values(label, rows)
    rows = [s for org in orgs for s in orgs[org]]
    label = 'enterprise="%s"' % ENTERPRISE
    out['github_copilot_seats{%s}' % label] = len({s["assignee"]["login"] for s in rows if s["assignee"]}) + sum(1 for s in rows if not s["assignee"])
    scope_values(label, rows)
    return out


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
args = [binary, "--once", "--github.api-url=http://127.0.0.1:%d" % server.server_port,
        "--github.enterprise=" + ENTERPRISE, "--collector.seats.idle-days=%d" % IDLE_DAYS] + ["--github.org=" + o for o in orgs]
result = subprocess.run(args, env={"GITHUB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120)
server.shutdown()
if result.returncode != 0:
    sys.exit("exit %d (seed %d): %s" % (result.returncode, seed, result.stderr))

FAMILIES = ("github_copilot_seats", "github_copilot_seat_", "github_copilot_collector_success")
got = {}
for line in result.stdout.splitlines():
    if line.startswith("#") or not line.startswith(FAMILIES):
        continue
    key, value = line.rsplit(" ", 1)
    got[key] = float(value)
want = {k: float(v) for k, v in expected().items()}
missing = sorted(set(want) - set(got))
extra = sorted(set(got) - set(want))
wrong = sorted(k for k in set(want) & set(got) if abs(want[k] - got[k]) > 1e-6)
pages = sum((len(r) + 99) // 100 for r in orgs.values()) + (sum(len(r) for r in orgs.values()) + 99) // 100
print("independent fake GitHub: seed %d, %d users, %d org rows, idle-days %d, %d series compared, ~%d seat pages"
      % (seed, len(users), sum(len(r) for r in orgs.values()), IDLE_DAYS, len(want), pages))
for title, keys in (("missing", missing), ("unexpected", extra), ("wrong", wrong)):
    for k in keys[:10]:
        print("  %s: %s want=%s got=%s" % (title, k, want.get(k), got.get(k)))
if missing or extra or wrong:
    sys.exit("seat families differ from the independent computation (seed %d)" % seed)
print("ok: every seat family has exactly the expected value for 2 organizations and 1 enterprise")
