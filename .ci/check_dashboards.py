#!/usr/bin/env python3
"""JSON check of every dashboard: valid JSON; the datasource is a dashboard variable (no
__inputs), so file provisioning works; every panel and target uses it; org and enterprise
variables exist; ids and uids are unique; and the committed files are what
grafana/generate_dashboards.py writes."""
import json
import os
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
    for wanted in ("datasource", "org", "enterprise"):
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
        for t in p.get("targets", []):
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
print("ok: %d dashboards, %d panels: valid JSON, datasource variable, org and enterprise variables, generated" % (len(uids), panels))
