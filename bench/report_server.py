#!/usr/bin/env python3
"""Serves one big users-1-day report for benchmarks: yesterday's links point at FILE (served as a
static file, without the token); every other day, and the organization report, answer 204.
Usage: report_server.py FILE PORT_FILE"""
import datetime as dt
import json
import os
import sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

path, port_file = sys.argv[1], sys.argv[2]
yesterday = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/file.ndjson":
            size = os.path.getsize(path)
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    self.wfile.write(chunk)
            return
        day = parse_qs(url.query).get("day", [""])[0]
        if url.path.endswith("/users-1-day") and day == yesterday:
            body = json.dumps({"download_links": ["http://127.0.0.1:%d/file.ndjson" % self.server.server_port], "report_day": day}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
