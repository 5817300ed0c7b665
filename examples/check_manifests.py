#!/usr/bin/env python3
"""Checks what kubernetes-validate and Docker cannot check here.

- Kubernetes: kubernetes-validate has no schema for the Prometheus Operator's ServiceMonitor, so
  each ServiceMonitor is cross-checked against the Services in the same files: its selector must
  match a Service's labels and its endpoint port must be one of that Service's port names. Every
  container must run as non-root with a read-only root filesystem, all capabilities dropped,
  probes on /-/healthy and /-/ready (exporter) and resource requests and limits.
- The exporter serves per-user data: beside Prometheus in one pod (a sidecar) it must listen on
  127.0.0.1 only (and so has no kubelet HTTP probes, which could not reach it); listening on the
  pod network, a NetworkPolicy must select its pods and admit only selected pods to its port.
- Operator objects: ServiceMonitor and PrometheusRule carry the `release` label
  kube-prometheus-stack selects on, and the ServiceMonitor sets the job the rules match.
- Alert rules: each has `for`, a severity, summary, description, a dashboard link and a
  runbook_url whose section exists in docs/runbook.md.
- docker compose cannot run without a Docker engine: every path the compose file mounts or
  builds from must exist, and every image must carry a pinned tag.
"""
import glob
import os
import re
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
problems = []
docs = []
for path in sorted(glob.glob(os.path.join(here, "kubernetes", "*.yaml"))):
    docs += [(os.path.basename(path), d) for d in yaml.safe_load_all(open(path)) if d]

services = [d for _, d in docs if d["kind"] == "Service"]
for name, doc in docs:
    if doc["kind"] == "ServiceMonitor":
        wanted = doc["spec"]["selector"]["matchLabels"]
        matching = [s for s in services if all(s["metadata"].get("labels", {}).get(k) == v for k, v in wanted.items())]
        if not matching:
            problems.append("%s: ServiceMonitor %s selects no Service" % (name, doc["metadata"]["name"]))
        for endpoint in doc["spec"]["endpoints"]:
            if not any(endpoint["port"] in [p.get("name") for p in s["spec"]["ports"]] for s in matching):
                problems.append("%s: ServiceMonitor port %s is not a port name of the Service" % (name, endpoint["port"]))
    if doc["kind"] == "Service":
        pods = [d for _, d in docs if d["kind"] == "Deployment"
                and all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in doc["spec"]["selector"].items())]
        if not pods:
            problems.append("%s: Service %s selects no Deployment's pods" % (name, doc["metadata"]["name"]))
    if doc["kind"] == "Deployment":
        pod = doc["spec"]["template"]["spec"]
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            problems.append("%s: %s does not set runAsNonRoot" % (name, doc["metadata"]["name"]))
        for c in pod["containers"]:
            sc = c.get("securityContext", {})
            if not sc.get("readOnlyRootFilesystem") or sc.get("capabilities", {}).get("drop") != ["ALL"] or sc.get("allowPrivilegeEscalation") is not False:
                problems.append("%s: container %s is not read-only, capability-free and without privilege escalation" % (name, c["name"]))
            if not c.get("resources", {}).get("requests") or not c.get("resources", {}).get("limits"):
                problems.append("%s: container %s lacks resource requests or limits" % (name, c["name"]))
            if "copilot" in c["image"]:
                listen = ([a.split("=", 1)[1] for a in c.get("args", []) if a.startswith("--web.listen-address=")] or [":9185"])[-1]
                host, port = listen.rsplit(":", 1)
                loopback = host in ("127.0.0.1", "localhost", "[::1]")
                sidecar = any("prometheus" in other["image"] for other in pod["containers"])
                paths = (c.get("readinessProbe", {}).get("httpGet", {}).get("path"), c.get("livenessProbe", {}).get("httpGet", {}).get("path"))
                if sidecar and not loopback:
                    problems.append("%s: the sidecar exporter listens on %s, not 127.0.0.1: other pods could read it" % (name, listen))
                if loopback and paths != (None, None):
                    problems.append("%s: the exporter listens on loopback, which the kubelet's HTTP probes cannot reach" % name)
                if not loopback and paths != ("/-/ready", "/-/healthy"):
                    problems.append("%s: exporter container probes are %s, not /-/ready and /-/healthy" % (name, paths))
                if not loopback:
                    labels = doc["spec"]["template"]["metadata"]["labels"]
                    guarded = [p for _, p in docs if p["kind"] == "NetworkPolicy"
                               and p["metadata"].get("namespace") == doc["metadata"].get("namespace")
                               and all(labels.get(k) == v for k, v in p["spec"]["podSelector"].get("matchLabels", {}).items())
                               and p["spec"]["podSelector"].get("matchLabels")
                               and "Ingress" in p["spec"].get("policyTypes", [])
                               and p["spec"].get("ingress")
                               and all(rule.get("from") and all(peer.get("podSelector", {}).get("matchLabels") for peer in rule["from"])
                                       and int(port) in [q.get("port") for q in rule.get("ports", [])]
                                       for rule in p["spec"]["ingress"])]
                    if not guarded:
                        problems.append("%s: no NetworkPolicy limits who may reach exporter %s on port %s" % (name, doc["metadata"]["name"], port))
                mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
                if "/tmp" not in mounts:
                    problems.append("%s: exporter container has no writable /tmp (the URLSession fallback's report downloads)" % name)

rules = yaml.safe_load(open(os.path.join(here, "alerts", "copilot-exporter.rules.yml")))
for name, doc in docs:
    if doc["kind"] == "ConfigMap" and "copilot-exporter.rules.yml" in doc.get("data", {}):
        if yaml.safe_load(doc["data"]["copilot-exporter.rules.yml"]) != rules:
            problems.append("%s: the ConfigMap's rules differ from alerts/copilot-exporter.rules.yml" % name)
        config = yaml.safe_load(doc["data"]["prometheus.yml"])
        if "/etc/prometheus/copilot-exporter.rules.yml" not in config.get("rule_files", []):
            problems.append("%s: prometheus.yml does not load the rules" % name)
    if doc["kind"] == "PrometheusRule" and doc["spec"] != rules:
        problems.append("%s: PrometheusRule differs from alerts/copilot-exporter.rules.yml" % name)

runbook = open(os.path.join(os.path.dirname(here), "docs", "runbook.md")).read()
anchors = {re.sub(r"[^a-z0-9-]", "", line[3:].strip().lower().replace(" ", "-")) for line in runbook.splitlines() if line.startswith("## ")}
job_matchers = set()
for group in rules["groups"]:
    for rule in group["rules"]:
        if "alert" not in rule:
            continue
        job_matchers.update(re.findall(r'up\{job=~"([^"]+)"\}', rule["expr"]))
        missing = [k for k in ("summary", "description", "runbook_url", "dashboard") if not rule.get("annotations", {}).get(k)]
        if "for" not in rule:
            missing.append("for")
        if not rule.get("labels", {}).get("severity"):
            missing.append("severity")
        if missing:
            problems.append("alert %s lacks %s" % (rule["alert"], ", ".join(missing)))
        anchor = rule.get("annotations", {}).get("runbook_url", "").rpartition("#")[2]
        if "docs/runbook.md#" not in rule.get("annotations", {}).get("runbook_url", "") or anchor not in anchors:
            problems.append("alert %s: runbook_url has no section in docs/runbook.md" % rule["alert"])
for name, doc in docs:
    if doc["kind"] in ("ServiceMonitor", "PrometheusRule") and "release" not in doc["metadata"].get("labels", {}):
        problems.append("%s: %s has no release label for kube-prometheus-stack's selectors" % (name, doc["kind"]))
    if doc["kind"] == "ServiceMonitor":
        for endpoint in doc["spec"]["endpoints"]:
            jobs = [r.get("replacement") for r in endpoint.get("relabelings", []) if r.get("targetLabel") == "job"]
            job = jobs[-1] if jobs else doc["metadata"]["name"]
            if not any(re.fullmatch(m, job) for m in job_matchers):
                problems.append("%s: ServiceMonitor gives job %s, which the alert rules' up{job=~...} does not match" % (name, job))

compose = yaml.safe_load(open(os.path.join(here, "docker-compose.yml")))
for service, spec in compose["services"].items():
    if "build" in spec:
        context = os.path.normpath(os.path.join(here, spec["build"]["context"]))
        if not os.path.isfile(os.path.join(context, spec["build"].get("dockerfile", "Dockerfile"))):
            problems.append("compose %s: no Dockerfile in build context %s" % (service, context))
    if "image" in spec and (":" not in spec["image"] or spec["image"].endswith(":latest")):
        problems.append("compose %s: image %s is not pinned" % (service, spec["image"]))
    for volume in spec.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("."):
            if not os.path.exists(os.path.normpath(os.path.join(here, source))):
                problems.append("compose %s: %s does not exist" % (service, source))
        elif source not in compose.get("volumes", {}):
            problems.append("compose %s: volume %s is not declared" % (service, source))

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok: %d Kubernetes objects cross-checked (ServiceMonitor, Service, Deployment security and probes, exporter "
      "reachable only from loopback or through a NetworkPolicy, release labels, job name); "
      "alert annotations and runbook sections; "
      "docker-compose.yml paths, build context and image tags checked" % len(docs))
