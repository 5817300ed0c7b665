#!/usr/bin/env python3
"""Draws a soak's samples (bench/soak.sh's CSV) as a PNG: RSS, scrape latency and failed scrapes
over time, fault windows shaded, and the least-squares line of RSS over the second half with its
slope in MiB per hour, so that a reader sees whether memory is flat.

Usage: bench/plot_soak.py SOAK.csv OUT.png        (needs matplotlib: pip install matplotlib)
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


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
                    "heap": float(row["heap_in_use_mb"]) if row.get("heap_in_use_mb") else None,
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
    half = rows[len(rows) // 2 :]
    k, b = slope([r["t"] for r in half], [r["rss"] for r in half])
    per_hour = k * 60  # t is in minutes, RSS in MB (MiB: soak.sh divides kB by 1024)

    has_entries = any(r["entries"] is not None for r in rows)
    heap = [r for r in rows if r["heap"] is not None]
    panels = 2 + (1 if has_entries else 0) + (1 if heap else 0)
    fig, axes = plt.subplots(panels, 1, sharex=True, figsize=(10, 2.8 * panels + 0.6))
    windows = fault_windows(rows)
    for ax in axes:
        for i, (a, z) in enumerate(windows):
            ax.axvspan(a, z, color="tab:red", alpha=0.08, label="faults injected" if i == 0 else None)

    ax = axes[0]
    ax.plot(t, [r["rss"] for r in rows], color="tab:blue", linewidth=1, label="RSS")
    ht = [r["t"] for r in half]
    ax.plot(ht, [k * x + b for x in ht], color="black", linestyle="--", linewidth=1,
            label=f"second half: {per_hour:+.2f} MiB/h (least squares)")
    floors = {}
    for r in rows:
        minute = int(r["t"])
        floors[minute] = min(r["rss"], floors.get(minute, r["rss"]))
    ax.plot([m + 0.5 for m in sorted(floors)], [floors[m] for m in sorted(floors)], color="tab:cyan",
            linewidth=1, label="lowest RSS of each minute")
    if heap:
        ax.plot([r["t"] for r in heap], [r["heap"] for r in heap], color="tab:orange", linewidth=1,
                label="glibc heap in use (mallinfo2)")
    ax.set_ylabel("MiB")
    top = max(r["rss"] for r in rows)
    ax.set_ylim(0, top * 1.15)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"soak: {len(rows)} scrapes over {t[-1]:.0f} min, "
                 f"{sum(not r['ok'] for r in rows)} failed")

    ax = axes[1]
    ok = [r for r in rows if r["ok"]]
    ax.plot([r["t"] for r in ok], [r["ms"] for r in ok], ".", markersize=2, color="tab:green",
            label="scrape latency (gzip)")
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
        hk, hb = slope([r["t"] for r in heap[len(heap) // 2 :]], [r["heap"] for r in heap[len(heap) // 2 :]])
        ax.plot([r["t"] for r in heap], [r["heap"] for r in heap], color="tab:orange", linewidth=1,
                label="glibc heap in use after each collector attempt (zoomed)")
        hx = [r["t"] for r in heap[len(heap) // 2 :]]
        ax.plot(hx, [hk * x + hb for x in hx], color="black", linestyle="--", linewidth=1,
                label=f"second half: {hk * 60:+.2f} MiB/h")
        ax.set_ylabel("MiB")
        # Zoomed on the values after the first tenth (before it: start-up and the first polls).
        settled = [r["heap"] for r in heap[len(heap) // 10 :]]
        ax.set_ylim(min(settled) - 0.5, max(settled) + 0.5)
        ax.legend(loc="lower right", fontsize=8)

    axes[-1].set_xlabel("minutes")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)
    print(f"wrote {sys.argv[2]}: second-half slope {per_hour:+.3f} MiB/h")


if __name__ == "__main__":
    main()
