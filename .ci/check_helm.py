#!/usr/bin/env python3
"""Renders the Helm chart of examples/helm/ with Helm's own engine (PyPI helm-python-sdk: Helm's
Go SDK through a C library, no helm binary), with its default values and with ci/full-values.yaml,
then checks what the output must hold and hands it to `kubernetes-validate --strict`.

- `helm lint --strict` finds nothing; the chart's copies of the alert rules and dashboards equal
  examples/alerts/ and grafana/dashboards/ (Helm cannot read files outside the chart).
- Both renderings: Recreate strategy, one replica, today's security context, resources; the
  ServiceMonitor carries its extra labels and relabels the job to serviceMonitor.jobLabel; the
  PrometheusRule is the rules file with the chart's links; a NetworkPolicy guards the pods; one
  ConfigMap per dashboard with Grafana's sidecar label.
"""
import filecmp
import glob
import json
import os
import subprocess
import sys
import tempfile

import helm_python as helm
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHART = os.path.join(ROOT, "examples", "helm", "copilot-exporter")
problems = []

report = helm.lint(CHART, strict=True)
for message in report.get("messages", []):
    if message.get("severity", 0) >= 2:
        problems.append("helm lint: %s %s" % (message.get("path"), message.get("error")))

if not filecmp.cmp(os.path.join(ROOT, "examples", "alerts", "copilot-exporter.rules.yml"),
                   os.path.join(CHART, "files", "copilot-exporter.rules.yml"), shallow=False):
    problems.append("chart files/copilot-exporter.rules.yml differs from examples/alerts/")
sources = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "grafana", "dashboards", "*.json")))
copies = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CHART, "files", "dashboards", "*.json")))
if sources != copies or not all(filecmp.cmp(os.path.join(ROOT, "grafana", "dashboards", n),
                                            os.path.join(CHART, "files", "dashboards", n), shallow=False) for n in sources):
    problems.append("chart files/dashboards/ differs from grafana/dashboards/ (copy them)")
rules = yaml.safe_load(open(os.path.join(ROOT, "examples", "alerts", "copilot-exporter.rules.yml")))

chart = helm.Chart.load(CHART)
out = tempfile.mkdtemp()
renderings = {"default values": {}, "ci/full-values.yaml": yaml.safe_load(open(os.path.join(CHART, "ci", "full-values.yaml")))}
for label, values in renderings.items():
    merged = chart.merge_values(values)
    manifests = chart.render(values, name="copilot", namespace="monitoring", is_install=True)
    docs = []
    for path, text in sorted(manifests.items()):
        if path.endswith(".yaml"):
            docs += [d for d in yaml.safe_load_all(text) if d]
    kinds = sorted(d["kind"] for d in docs)
    name = "rendered-%s.yaml" % ("default" if not values else "full")
    with open(os.path.join(out, name), "w") as f:
        yaml.safe_dump_all([d for d in docs if d["kind"] not in ("ServiceMonitor", "PrometheusRule")], f)
    def one(kind):
        found = [d for d in docs if d["kind"] == kind]
        if len(found) != 1:
            problems.append("%s: %d %s objects, not 1" % (label, len(found), kind))
            return {}
        return found[0]
    deployment = one("Deployment")
    spec = deployment.get("spec", {})
    if spec.get("strategy", {}).get("type") != "Recreate" or spec.get("replicas") != 1:
        problems.append("%s: the Deployment is not one replica with the Recreate strategy" % label)
    pod = spec.get("template", {}).get("spec", {})
    container = (pod.get("containers") or [{}])[0]
    if not pod.get("securityContext", {}).get("runAsNonRoot") or container.get("securityContext") != merged["securityContext"]:
        problems.append("%s: the security context is not today's (non-root, read-only, no capabilities)" % label)
    if not container.get("resources", {}).get("limits", {}).get("memory"):
        problems.append("%s: no memory limit" % label)
    monitor = one("ServiceMonitor")
    for key, value in merged["serviceMonitor"]["labels"].items():
        if monitor.get("metadata", {}).get("labels", {}).get(key) != value:
            problems.append("%s: ServiceMonitor lacks label %s=%s" % (label, key, value))
    jobs = [r.get("replacement") for e in monitor.get("spec", {}).get("endpoints", []) for r in e.get("relabelings", []) if r.get("targetLabel") == "job"]
    if jobs != [merged["serviceMonitor"]["jobLabel"]]:
        problems.append("%s: ServiceMonitor relabels job to %s" % (label, jobs))
    rule = one("PrometheusRule")
    if [g["name"] for g in rule.get("spec", {}).get("groups", [])] != [g["name"] for g in rules["groups"]]:
        problems.append("%s: PrometheusRule groups differ from the rules file" % label)
    for group in rule.get("spec", {}).get("groups", []):
        for r in group["rules"]:
            if "alert" in r and not r["annotations"]["runbook_url"].startswith(merged["prometheusRule"]["runbookURL"] + "#"):
                problems.append("%s: %s runbook_url %s" % (label, r["alert"], r["annotations"]["runbook_url"]))
    policy = one("NetworkPolicy")
    if policy.get("spec", {}).get("podSelector", {}).get("matchLabels") != spec.get("selector", {}).get("matchLabels"):
        problems.append("%s: the NetworkPolicy does not select the exporter's pods" % label)
    dashboards = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"].get("labels", {}).get("grafana_dashboard") == "1"]
    if len(dashboards) != len(sources):
        problems.append("%s: %d dashboard ConfigMaps for %d dashboards" % (label, len(dashboards), len(sources)))
    for d in dashboards:
        for key, text in d["data"].items():
            json.loads(text)
    print("%s: %s" % (label, ", ".join(kinds)))

result = subprocess.run(["kubernetes-validate", "--strict", "--quiet"] + sorted(glob.glob(os.path.join(out, "*.yaml"))))
if result.returncode != 0:
    problems.append("kubernetes-validate --strict rejected the rendered chart")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok: helm lint --strict clean; the chart renders with default and full values; kubernetes-validate --strict accepts "
      "the output (ServiceMonitor and PrometheusRule checked here, having no schema there)")
