"""The windows a soak's memory slope is judged over (shared by soak_summary.py and plot_soak.py).

Issue 17's criterion is the least-squares slope over the last two hours. A run must last at
least two and a half hours for that window to leave out the first half hour (start-up, the
first report downloads, the caches filling); shorter runs are judged over their second half.
Both are by time, not by number of samples.
"""

LAST_TWO_HOURS_S = 7200
SHORTEST_FOR_TWO_HOURS_S = 9000


def windows(end_s):
    """[(name, start_s)] for a run ending at end_s: the second half always, the last two hours
    when the run is long enough."""
    out = [("second half", end_s / 2)]
    if end_s >= SHORTEST_FOR_TWO_HOURS_S:
        out.append(("last two hours", end_s - LAST_TWO_HOURS_S))
    return out


def slope(points):
    """Least-squares slope of [(t_s, v)] in units of v per hour (nan when undefined)."""
    if len(points) < 2:
        return float("nan")
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (v - mv) for t, v in points) / den * 3600 if den else float("nan")
