#!/usr/bin/env python3
"""Backfill end to end: github_simulator serves a fake GitHub; `copilot_exporter backfill` writes
the last 30 days as OpenMetrics; a real promtool turns each file into TSDB blocks; a real
Prometheus opens them; PromQL at each day's timestamp must return what the simulator's own
answers imply for that day (computed here from the simulator's reports and billing endpoints,
not from the exporter's output).

Usage: check_backfill.py BUILD_DIR  (holding copilot_exporter and github_simulator)
"""
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ORG = "acme-corp"
DAYS = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, token=None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        return response.status, body


class Simulator:
    """The simulator's own answers, read over HTTP with its token."""

    def __init__(self, url, token):
        self.url, self.token = url, token
        self.billing = {}

    def report_lines(self, report, day):
        status, body = get(f"{self.url}/orgs/{ORG}/copilot/metrics/reports/{report}?day={day}", self.token)
        if status != 200 or not body:
            return None
        lines = []
        for link in json.loads(body)["download_links"]:
            _, part = get(link)  # downloads go without the token
            lines += [json.loads(line) for line in part.decode().splitlines() if line.strip()]
        return lines

    def daily_active_users(self, day):
        for record in self.report_lines("organization-1-day", day) or []:
            # A 1-day record is the day's totals; a 28-day one nests them under day_totals.
            for totals in [record] + (record.get("day_totals") or []):
                if totals.get("day") == day:
                    return totals.get("daily_active_users")
        return None

    def credits(self, day):
        lines = self.report_lines("users-1-day", day) or []
        return sum(r["ai_credits_used"] for r in lines if r.get("day") == day and r.get("ai_credits_used") is not None)

    def net_amount(self, date):
        if date not in self.billing:
            query = urllib.parse.urlencode({"year": date.year, "month": date.month, "day": date.day})
            _, body = get(f"{self.url}/organizations/{ORG}/settings/billing/usage/summary?{query}", self.token)
            self.billing[date] = sum(item.get("netAmount") or 0 for item in json.loads(body)["usageItems"])
        return self.billing[date]


def promql(port, query, ts):
    q = urllib.parse.urlencode({"query": query, "time": ts})
    _, body = get(f"http://127.0.0.1:{port}/api/v1/query?{q}")
    result = json.loads(body)["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
    work = tempfile.mkdtemp(prefix="backfill-check-")
    processes = []
    try:
        sim_out = open(os.path.join(work, "sim"), "w+")
        processes.append(subprocess.Popen([os.path.join(build, "github_simulator"), "--seats=200"], stdout=sim_out))
        for _ in range(300):
            sim_out.seek(0)
            first = sim_out.readline().split()
            if len(first) == 2:
                break
            time.sleep(0.1)
        url, token = first
        today = datetime.datetime.now(datetime.timezone.utc).date()
        days = [today - datetime.timedelta(days=n) for n in range(DAYS, 0, -1)]
        out = os.path.join(work, "openmetrics")
        started = time.time()
        command = [
            os.path.join(build, "copilot_exporter"), "backfill", f"--from={days[0]}", f"--to={days[-1]}", f"--output={out}",
            f"--github.api-url={url}", f"--github.org={ORG}",
        ]
        first_run = subprocess.run(command, env=dict(os.environ, GITHUB_TOKEN=token), capture_output=True, text=True)
        if first_run.returncode != 0:
            raise SystemExit(f"backfill exited {first_run.returncode}:\n{first_run.stderr}")
        print(first_run.stderr.strip().splitlines()[-1])
        elapsed = time.time() - started
        files = sorted(os.listdir(out))
        assert files == [f"{d}.om" for d in days], files
        # A second run finds every day written and writes nothing.
        again = subprocess.run(command, env=dict(os.environ, GITHUB_TOKEN=token), check=True, capture_output=True, text=True)
        assert "written=0" in again.stderr and f"skipped={DAYS}" in again.stderr, again.stderr
        blocks = os.path.join(work, "data")
        for name in files:
            subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", os.path.join(out, name), blocks],
                           check=True, stdout=subprocess.DEVNULL)
        config = os.path.join(work, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1h\n")
        port = free_port()
        processes.append(subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={blocks}", "--storage.tsdb.retention.time=400d",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "prometheus.log"), "w")))
        for _ in range(300):
            try:
                if get(f"http://127.0.0.1:{port}/-/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("prometheus did not become ready")
        sim = Simulator(url, token)
        checked = 0
        for day in days:
            ts = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp()
            text = day.isoformat()
            month_days = [day.replace(day=n) for n in range(1, day.day + 1)]
            expected = {
                f'github_copilot_active_users{{org="{ORG}",period="daily"}}': sim.daily_active_users(text),
                f'sum(github_copilot_user_ai_credits_used_month_to_date{{org="{ORG}"}})':
                    sum(sim.credits(d.isoformat()) for d in month_days),
                f'sum(github_billing_net_amount_usd{{org="{ORG}"}})': sum(sim.net_amount(d) for d in month_days),
            }
            for query, want in expected.items():
                got = promql(port, query, ts)
                if want == 0 and got is None:
                    got = 0.0  # no usage that month yet: no series, as the exporter never invents a 0
                if not close(got, want):
                    raise SystemExit(f"FAIL {text} {query}: Prometheus says {got}, the simulator implies {want}")
                checked += 1
            # Between two days, past the 5-minute lookback, there is no sample: each day is a point.
            assert promql(port, f'github_copilot_active_users{{org="{ORG}",period="daily"}}', ts + 3600) is None
        print(f"ok: backfill of {DAYS} days in {elapsed:.1f} s, {len(files)} files, promtool blocks opened by Prometheus; "
              f"{checked} PromQL values at the days' timestamps equal the simulator's")
    finally:
        for p in processes:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
