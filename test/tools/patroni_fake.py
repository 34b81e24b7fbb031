#!/usr/bin/env python3
"""patroni_fake.py - a tiny stand-in for Patroni's REST API (and a quiet
backend web server) for the checker tests. Python 3 stdlib only.

  patroni_fake.py ADDRESS PORT ROLE_FILE

ROLE_FILE holds the node's role ("primary", "replica", or anything else =
not running); it is read on every request, so a test flips a node's role by
rewriting the file. Like Patroni (docs: REST API, health check endpoints):
  GET/HEAD /primary (/master, /leader)  200 if the role is primary, else 503
  GET/HEAD /replica                     200 if the role is replica, else 503
  GET/HEAD /health                      200 if the role is primary or replica
  GET/HEAD /                            200, body "ok" (a plain backend)
The body is JSON: {"role": "...", "state": "running"}.
"""
import http.server
import json
import socketserver
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    role_file = None

    def role(self):
        try:
            with open(self.role_file) as f:
                return f.read().strip()
        except OSError:
            return ""

    def answer(self, with_body):
        role = self.role()
        path = self.path.split("?")[0]
        if path in ("/primary", "/master", "/leader"):
            ok = role == "primary"
        elif path == "/replica":
            ok = role == "replica"
        elif path == "/health":
            ok = role in ("primary", "replica")
        else:
            ok = True
        if path == "/":
            body = b"ok\n"
        else:
            body = json.dumps({"role": role, "state": "running"}).encode() + b"\n"
        self.send_response(200 if ok else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self.answer(True)

    def do_HEAD(self):
        self.answer(False)

    def log_message(self, fmt, *args):
        pass  # quiet: thousands of checks


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # health checkers reset connections; that is not an error


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    Handler.role_file = sys.argv[3]
    Server((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()


if __name__ == "__main__":
    main()
