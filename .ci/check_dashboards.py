#!/usr/bin/env python3
"""JSON check of every dashboard: valid JSON; the datasource is a dashboard variable (no
__inputs), so file provisioning works; every panel and target uses it; org and enterprise
variables exist, and job and instance ones that every query uses; every panel has a
description, a unit and thresholds; panels showing a current value (stat, gauge, bar gauge, pie,
table) use instant queries; cost panels filter by the product variable; ids and uids are unique;
and the committed files are what grafana/generate_dashboards.py writes."""
import json
import os
import re
import subprocess
import sys
import tempfile
import shutil

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
folder = os.path.join(root, "grafana", "dashboards")
problems, uids, panels = [], set(), 0
for name in sorted(os.listdir(folder)):
    d = json.load(open(os.path.join(folder, name)))
    if "__inputs" in d:
        problems.append("%s: has __inputs (breaks file provisioning)" % name)
    if d["uid"] in uids:
        problems.append("%s: duplicate uid %s" % (name, d["uid"]))
    uids.add(d["uid"])
    names = [v["name"] for v in d["templating"]["list"]]
    for wanted in ("datasource", "job", "instance", "org", "enterprise"):
        if wanted not in names:
            problems.append("%s: no %s variable" % (name, wanted))
    ids = [p["id"] for p in d["panels"]]
    if len(ids) != len(set(ids)):
        problems.append("%s: duplicate panel ids" % name)
    for p in d["panels"]:
        panels += 1
        if p.get("datasource", {}).get("uid") != "${datasource}":
            problems.append("%s / %s: datasource is not the variable" % (name, p["title"]))
        if not p.get("targets"):
            problems.append("%s / %s: no query" % (name, p["title"]))
        defaults = p.get("fieldConfig", {}).get("defaults", {})
        if not p.get("description") or not defaults.get("unit") or not defaults.get("thresholds", {}).get("steps"):
            problems.append("%s / %s: lacks a description, unit or thresholds" % (name, p["title"]))
        for t in p.get("targets", []):
            if p["type"] in ("stat", "gauge", "bargauge", "piechart", "table") and (not t.get("instant") or t.get("range")):
                problems.append("%s / %s / %s: a current value read with a range query" % (name, p["title"], t.get("refId")))
            if '$job' not in t.get("expr", "") or '$instance' not in t.get("expr", ""):
                problems.append("%s / %s / %s: query ignores the job or instance variable" % (name, p["title"], t.get("refId")))
            if re.search(r"github_billing_(net|projected_net|cost_center_net)_amount_usd", t.get("expr", "")) and "$product" not in t["expr"]:
                problems.append("%s / %s / %s: cost query without the product filter" % (name, p["title"], t.get("refId")))
            if t.get("datasource", {}).get("uid") != "${datasource}" or not t.get("expr"):
                problems.append("%s / %s / %s: target without the datasource variable or expr" % (name, p["title"], t.get("refId")))

scratch = tempfile.mkdtemp()
try:
    shutil.copytree(os.path.join(root, "grafana"), os.path.join(scratch, "grafana"))
    subprocess.run([sys.executable, os.path.join(scratch, "grafana", "generate_dashboards.py")], check=True)
    for name in os.listdir(folder):
        if open(os.path.join(folder, name)).read() != open(os.path.join(scratch, "grafana", "dashboards", name)).read():
            problems.append("%s differs from what grafana/generate_dashboards.py writes; run it and commit" % name)
finally:
    shutil.rmtree(scratch)
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok: %d dashboards, %d panels: valid JSON, datasource, job, instance, org and enterprise variables, descriptions, "
      "units, thresholds, instant queries for current values, product filter on cost, generated" % (len(uids), panels))
