#!/usr/bin/env python3
"""Proves the dashboards and alert rules work against real data: starts copilot_exporter in
--demo, starts a real Prometheus scraping it (with the example alert rules), then evaluates,
through Prometheus' HTTP API, every query of every dashboard panel (each must return data) and
every alert expression (each must evaluate, and every metric and recorded series it reads must
return data; firing is proven by `promtool test rules`). Two exporters are scraped, under the
two job names the layouts give (copilot_exporter, and copilot-exporter from a ServiceMonitor
without relabeling), so every query must also cope with two instances.

Usage: examples/check_stack.py BINARY [PROMETHEUS]    (PROMETHEUS defaults to `prometheus` on PATH)
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
binary = sys.argv[1]
prometheus = sys.argv[2] if len(sys.argv) > 2 else shutil.which("prometheus")
VARIABLES = {"$org": ".+", "$enterprise": ".+", "$job": "copilot[_-]exporter", "$instance": ".+", "$product": ".+", "$seat_price": "19", "$idle_days": "30",
             "$period": ".+", "$ide": ".+", "$language": ".+", "$model": ".+", "$feature": ".+", "$__rate_interval": "1m",
             "$__interval": "15s", "$__range": "1h"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


def query(expr):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (prom_port, urllib.parse.urlencode({"query": expr}))
    try:
        _, body = get(url)
    except urllib.error.HTTPError as e:
        return {"status": "error", "error": e.read().decode()}
    return json.loads(body)


def wait(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.2)
    sys.exit("timed out waiting for " + what)


work = tempfile.mkdtemp()
procs = []
try:
    # Each exporter listens on a port the kernel picks (port 0) and names it in its log: a port
    # chosen here and released could be taken by a demo's own simulator in between.
    logs = [os.path.join(work, "exporter%d.log" % index) for index in range(2)]
    for log in logs:
        procs.append(subprocess.Popen([binary, "--demo", "--web.listen-address=127.0.0.1:0"],
                                      stdout=subprocess.DEVNULL, stderr=open(log, "w")))

    def listening_port(log):
        found = re.search(r'msg=Listening\. address=127\.0\.0\.1:(\d+)', open(log).read())
        return int(found.group(1)) if found else None

    wait(lambda: all(listening_port(log) for log in logs), 60, "the exporters to listen")
    exporter_ports, prom_port = [listening_port(log) for log in logs], free_port()
    # Ready once every job was attempted; a request GitHub (here the simulator) never answers
    # is given up after the client's timeout and watchdog (60 s), hence the margin.
    for port, log in zip(exporter_ports, logs):
        try:
            wait(lambda: get("http://127.0.0.1:%d/-/ready" % port)[0] == 200, 150, "the exporter to be ready")
        except SystemExit:
            sys.stderr.write(open(log).read()[-4000:])
            raise
    shutil.copytree(os.path.join(HERE, "alerts"), os.path.join(work, "alerts"))
    config = {"global": {"scrape_interval": "2s", "evaluation_interval": "2s"}, "rule_files": ["alerts/copilot-exporter.rules.yml"],
              "scrape_configs": [{"job_name": job, "static_configs": [{"targets": ["127.0.0.1:%d" % port]}]}
                                 for job, port in zip(["copilot_exporter", "copilot-exporter"], exporter_ports)]}
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        yaml.safe_dump(config, f)
    procs.append(subprocess.Popen([prometheus, "--config.file=" + os.path.join(work, "prometheus.yml"),
                                   "--storage.tsdb.path=" + os.path.join(work, "data"), "--web.listen-address=127.0.0.1:%d" % prom_port],
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "prometheus.log"), "w")))
    wait(lambda: len([r for r in query('count_over_time(github_copilot_exporter_build_info[1m]) >= 4')["data"]["result"]]) == 2
         and query('budget_scope_budget_entity:github_billing_budget_amount_usd:ai_credits')["data"]["result"], 90,
         "Prometheus to scrape both exporters four times and evaluate the recording rules")

    failures, checked = [], 0
    for name in sorted(os.listdir(os.path.join(ROOT, "grafana", "dashboards"))):
        dashboard = json.load(open(os.path.join(ROOT, "grafana", "dashboards", name)))
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                expr = target["expr"]
                for variable, value in sorted(VARIABLES.items(), key=lambda kv: -len(kv[0])):
                    expr = expr.replace(variable, value)
                result = query(expr)
                checked += 1
                if result.get("status") != "success" or not result["data"]["result"]:
                    failures.append("%s / %s / %s: %s" % (name, panel["title"], target["refId"], result.get("error", "no data")))
    print("dashboards: %d panel queries evaluated" % checked)
    # One idle rule: the Idle users table (and the chargeback's reclaim candidates) list as many
    # users as the Idle seats stat counts.
    for name, prefix in [("copilot-cost-and-seats.json", "Idle users"), ("copilot-chargeback.json", "Reclaim candidates")]:
        board = json.load(open(os.path.join(ROOT, "grafana", "dashboards", name)))
        idle_table = [p for p in board["panels"] if p["title"].startswith(prefix)][0]["targets"][0]["expr"]
        for variable, value in sorted(VARIABLES.items(), key=lambda kv: -len(kv[0])):
            idle_table = idle_table.replace(variable, value)
        listed = query("count(%s)" % idle_table)["data"]["result"]
        counted = query("sum(github_copilot_seats_idle)")["data"]["result"]
        if not listed or not counted or listed[0]["value"][1] != counted[0]["value"][1]:
            failures.append("%s table lists %s users, Idle seats counts %s" % (prefix, listed and listed[0]["value"][1], counted and counted[0]["value"][1]))
        else:
            print("dashboards: the %s table and the Idle seats stat agree (%s)" % (prefix, counted[0]["value"][1]))

    rules = yaml.safe_load(open(os.path.join(HERE, "alerts", "copilot-exporter.rules.yml")))
    alerts = 0
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "alert" not in rule:
                result = query(rule["expr"])
                if result.get("status") != "success" or not result["data"]["result"]:
                    failures.append("recording rule %s: %s" % (rule["record"], result.get("error", "no data")))
                continue
            alerts += 1
            expr = " ".join(rule["expr"].split())
            full = query(expr)
            if full.get("status") != "success":
                failures.append("alert %s: %s" % (rule["alert"], full.get("error")))
                continue
            for name in sorted(set(re.findall(r"\b(up|github_\w+|process_\w+|\w+:\w+:\w+)\b", expr))):
                result = query(name)
                if result.get("status") != "success" or not result["data"]["result"]:
                    failures.append("alert %s: %s: %s" % (rule["alert"], name, result.get("error", "no data")))
            state = "fires now" if full["data"]["result"] else "quiet"
            print("alert %-38s evaluates; signal has data; %s in the demo" % (rule["alert"], state))
    print("alerts: %d expressions evaluated" % alerts)
    # Families measured per scrape reach Prometheus ahead of the snapshot, in a second gzip member.
    for expr in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_max_fds",
                 "process_start_time_seconds", "process_virtual_memory_bytes", 'github_copilot_scrape_requests_total{code="200"}']:
        result = query(expr)
        if result.get("status") != "success" or len(result["data"]["result"]) != 2:
            failures.append("self-metric %s: not scraped from both exporters: %s" % (expr, result))
    if failures:
        print("\n".join("FAIL " + f for f in failures))
        sys.exit(1)
    print("ok: every dashboard query returns data and every alert expression evaluates on a real Prometheus")
finally:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
