#!/usr/bin/env python3
"""Slopes of a soak's memory (bench/soak.sh's CSV), in MiB per hour, by least squares.

Over the last two hours (or the second half, when the run is shorter than four hours), for:
RSS at every scrape; the lowest RSS of each minute (the floor under the per-poll sawtooth);
glibc's heap in use (live allocations, which neither fragmentation nor trimming moves).
Usage: bench/soak_summary.py soak.csv
"""
import csv
import sys


def slope(points):
    if len(points) < 2:
        return float("nan")
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (v - mv) for t, v in points) / den * 3600 if den else float("nan")


rows = list(csv.DictReader(open(sys.argv[1])))
end = float(rows[-1]["time_s"])
start = end - 7200 if end >= 4 * 3600 else end / 2
window = [r for r in rows if float(r["time_s"]) >= start]
rss = [(float(r["time_s"]), float(r["rss_mb"])) for r in window]
heap = [(float(r["time_s"]), float(r["heap_in_use_mb"])) for r in window if r.get("heap_in_use_mb")]
floors = {}
for t, v in rss:
    minute = int(t // 60)
    floors[minute] = min(v, floors.get(minute, v))
floor_points = [(m * 60 + 30, v) for m, v in sorted(floors.items())]
print(
    f"window_from_min={start / 60:.0f} window_to_min={end / 60:.0f} "
    f"rss_slope_mib_per_hour={slope(rss):.3f} rss_minute_floor_slope_mib_per_hour={slope(floor_points):.3f} "
    f"heap_in_use_slope_mib_per_hour={slope(heap):.3f}"
)
