#!/usr/bin/env python3
"""Slopes of a soak's memory (bench/soak.sh's CSV), in MiB per hour, by least squares.

Over the second half of the run, and over the last two hours when the run lasted at least two
and a half hours (issue 17's criterion; see soak_windows.py), for: RSS at every scrape; the
lowest RSS of each minute (the floor under the per-poll sawtooth); glibc's heap in use (live
allocations, which neither fragmentation nor trimming moves), and glibc's live allocations
wherever they are (in use plus chunks mapped on their own; CSVs from 2026-12-04 on). One line
per window.
Usage: bench/soak_summary.py soak.csv
"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_windows import slope, windows  # noqa: E402

rows = list(csv.DictReader(open(sys.argv[1])))
if len(rows) < 2:
    sys.exit("too few samples")
end = float(rows[-1]["time_s"])
for name, start in windows(end):
    window = [r for r in rows if float(r["time_s"]) >= start]
    rss = [(float(r["time_s"]), float(r["rss_mb"])) for r in window]
    heap = [(float(r["time_s"]), float(r["heap_in_use_mb"])) for r in window if r.get("heap_in_use_mb")]
    live = [(float(r["time_s"]), float(r["heap_live_mb"])) for r in window if r.get("heap_live_mb")]
    floors = {}
    for t, v in rss:
        minute = int(t // 60)
        floors[minute] = min(v, floors.get(minute, v))
    floor_points = [(m * 60 + 30, v) for m, v in sorted(floors.items())]
    print(
        f"window={name.replace(' ', '_')} window_from_min={start / 60:.0f} window_to_min={end / 60:.0f} "
        f"rss_slope_mib_per_hour={slope(rss):.3f} rss_minute_floor_slope_mib_per_hour={slope(floor_points):.3f} "
        f"heap_in_use_slope_mib_per_hour={slope(heap):.3f}"
        + (f" heap_live_slope_mib_per_hour={slope(live):.3f}" if live else "")
    )
