#!/usr/bin/env python3
"""Serves the series of an exposition file with Python's prometheus_client, the way a user
would write an exporter with it: a custom collector that yields the families on every scrape.
Usage: serve_python.py EXPOSITION PORT"""
import sys
import time
from prometheus_client import start_http_server
from prometheus_client.core import CollectorRegistry, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

families = list(text_string_to_metric_families(open(sys.argv[1]).read()))


class Replay:
    def collect(self):
        for family in families:
            if family.type == "counter":
                out = CounterMetricFamily(family.name, family.documentation, labels=None)
                for s in family.samples:
                    if s.name.endswith("_total"):
                        out.add_sample(s.name, s.labels, s.value)
            else:
                out = GaugeMetricFamily(family.name, family.documentation)
                for s in family.samples:
                    out.add_sample(s.name, s.labels, s.value)
            yield out


# A registry of its own, as the Go side uses: the replayed exposition already carries the
# exporter's process_* families, which the default registry's process collector would repeat.
registry = CollectorRegistry()
registry.register(Replay())
start_http_server(int(sys.argv[2]), addr="127.0.0.1", registry=registry)
while True:
    time.sleep(3600)
