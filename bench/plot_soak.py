#!/usr/bin/env python3
"""Draws a soak's samples (bench/soak.sh's CSV) as a PNG: RSS, scrape latency and failed scrapes
over time, fault windows shaded (or, when they are too many to shade, the scrapes taken inside
one marked), and the least-squares lines of RSS and of the heap in use over the window the soak
is judged by (the last two hours of a run of 2.5 hours or more, the second half of a shorter
one: soak_windows.py) with their slopes in MiB per hour, so that a reader sees whether memory
is flat.

Usage: bench/plot_soak.py SOAK.csv OUT.png        (needs matplotlib: pip install matplotlib)
"""

import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_windows import windows as judged_windows  # noqa: E402

# More fault windows than this are drawn as marked scrapes: 5-second stripes over hours merge
# into one colour.
MAX_SHADED_WINDOWS = 120


def read(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "t": float(row["time_s"]) / 60,
                    "rss": float(row["rss_mb"]),
                    "ms": float(row["scrape_ms"]),
                    "ok": row["ok"] == "1",
                    "fault": row["fault"] == "1",
                    "entries": float(row["cache_entries"]) if row.get("cache_entries") else None,
                    # Live allocations wherever they are when the CSV has them (in use plus
                    # mapped chunks: only the sum compares across runs), else in use alone.
                    "heap": float(row["heap_live_mb"]) if row.get("heap_live_mb")
                    else float(row["heap_in_use_mb"]) if row.get("heap_in_use_mb") else None,
                    "heap_kind": "live" if row.get("heap_live_mb") else "in use",
                }
            )
    return rows


def slope(xs, ys):
    """Least squares: (slope, intercept)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    if den == 0:
        return 0.0, my
    k = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den
    return k, my - k * mx


def fault_windows(rows):
    windows, begin = [], None
    for row in rows:
        if row["fault"] and begin is None:
            begin = row["t"]
        elif not row["fault"] and begin is not None:
            windows.append((begin, row["t"]))
            begin = None
    if begin is not None:
        windows.append((begin, rows[-1]["t"]))
    return windows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = read(sys.argv[1])
    if len(rows) < 4:
        sys.exit("too few samples to plot")
    t = [r["t"] for r in rows]
    # The window the soak is judged over: its last (longest) entry, by time.
    window_name, window_start_s = judged_windows(t[-1] * 60)[-1]
    half = [r for r in rows if r["t"] >= window_start_s / 60]
    k, b = slope([r["t"] for r in half], [r["rss"] for r in half])
    per_hour = k * 60  # t is in minutes, RSS in MiB (soak.sh divides kB by 1024)

    has_entries = any(r["entries"] is not None for r in rows)
    heap = [r for r in rows if r["heap"] is not None]
    panels = 2 + (1 if has_entries else 0) + (1 if heap else 0)
    fig, axes = plt.subplots(panels, 1, sharex=True, figsize=(10, 2.8 * panels + 0.6))
    windows = fault_windows(rows)
    shaded = len(windows) <= MAX_SHADED_WINDOWS
    if shaded:
        for ax in axes:
            for i, (a, z) in enumerate(windows):
                ax.axvspan(a, z, color="tab:red", alpha=0.08, label="faults injected" if i == 0 else None)

    ax = axes[0]
    ax.plot(t, [r["rss"] for r in rows], color="tab:blue", linewidth=1, label="RSS")
    ht = [r["t"] for r in half]
    ax.plot(ht, [k * x + b for x in ht], color="black", linestyle="--", linewidth=1,
            label=f"{window_name}: {per_hour:+.2f} MiB/h (least squares)")
    floors = {}
    for r in rows:
        minute = int(r["t"])
        floors[minute] = min(r["rss"], floors.get(minute, r["rss"]))
    ax.plot([m + 0.5 for m in sorted(floors)], [floors[m] for m in sorted(floors)], color="tab:cyan",
            linewidth=1, label="lowest RSS of each minute")
    ax.set_ylabel("MiB")
    top = max(r["rss"] for r in rows)
    # Zoomed to the settled range (after the first tenth), so that a creep of a few MiB shows;
    # the axis keeps the absolute scale.
    bottom = min(r["rss"] for r in rows[len(rows) // 10 :]) * 0.8
    ax.set_ylim(bottom, top + (top - bottom) * 0.35)
    ax.legend(loc="lower right", fontsize=8)
    faults = "" if shaded else f", faults in {len(windows)} windows (scrapes inside them marked)"
    ax.set_title(f"soak: {len(rows)} scrapes over {t[-1]:.0f} min, "
                 f"{sum(not r['ok'] for r in rows)} failed{faults}")

    ax = axes[1]
    ok = [r for r in rows if r["ok"] and (shaded or not r["fault"])]
    ax.plot([r["t"] for r in ok], [r["ms"] for r in ok], ".", markersize=2, color="tab:green",
            label="scrape latency (gzip)" if shaded else "scrape latency (gzip), no faults injected")
    if not shaded:
        inside = [r for r in rows if r["ok"] and r["fault"]]
        ax.plot([r["t"] for r in inside], [r["ms"] for r in inside], ".", markersize=2, color="tab:red",
                alpha=0.5, label="scrape latency (gzip), faults injected")
    bad = [r for r in rows if not r["ok"]]
    if bad:
        ax.plot([r["t"] for r in bad], [max(r["ms"], 1) for r in bad], "x", color="tab:red",
                label="failed scrape")
    ax.set_yscale("log")
    ax.set_ylabel("ms")
    ax.legend(loc="upper right", fontsize=8)

    if has_entries:
        ax = axes[2]
        e = [r for r in rows if r["entries"] is not None]
        ax.plot([r["t"] for r in e], [r["entries"] for r in e], color="tab:purple", linewidth=1,
                label="sum of github_copilot_exporter_cache_entries")
        ax.set_ylabel("entries")
        ax.set_ylim(0, max(r["entries"] for r in e) * 1.15 + 1)
        ax.legend(loc="lower right", fontsize=8)

    if heap:
        ax = axes[-1]
        judged = [r for r in heap if r["t"] >= window_start_s / 60]
        hk, hb = slope([r["t"] for r in judged], [r["heap"] for r in judged])
        kind = ("glibc live allocations (in use + mapped)" if heap[-1]["heap_kind"] == "live"
                else "glibc heap in use")
        ax.plot([r["t"] for r in heap], [r["heap"] for r in heap], color="tab:orange", linewidth=1,
                label=f"{kind} after each collector attempt (zoomed)")
        hx = [r["t"] for r in judged]
        ax.plot(hx, [hk * x + hb for x in hx], color="black", linestyle="--", linewidth=1,
                label=f"{window_name}: {hk * 60:+.2f} MiB/h")
        ax.set_ylabel("MiB")
        # Zoomed on the values after the first tenth (before it: start-up and the first polls).
        settled = [r["heap"] for r in heap[len(heap) // 10 :]]
        ax.set_ylim(min(settled) - 0.5, max(settled) + 0.5)
        ax.legend(loc="lower right", fontsize=8)

    axes[-1].set_xlabel("minutes")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)
    print(f"wrote {sys.argv[2]}: {window_name} slope {per_hour:+.3f} MiB/h")


if __name__ == "__main__":
    main()
