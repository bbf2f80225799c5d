#!/usr/bin/python3
"""webhook_sink.py - a webhook receiver for tests: http.server on 127.0.0.1.

usage: webhook_sink.py PORT_FILE OUT_DIR

Listens on a free port and writes its number to PORT_FILE. Each POST is answered 204 and
written to OUT_DIR/post-N.txt (N from 1; written whole, then renamed into place): the
X-Lantern-Signature and X-Lantern-Timestamp headers, one a line, a blank line, then the body
exactly as received. While OUT_DIR/fail exists, every POST is answered 500 and not written.
"""
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port_file, out = sys.argv[1:3]
count = [0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if os.path.exists(os.path.join(out, "fail")):
            self.send_response(500)
            self.end_headers()
            return
        count[0] += 1
        path = os.path.join(out, "post-%d.txt" % count[0])
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Lantern-Signature: %s\n" % self.headers.get("X-Lantern-Signature", "")).encode())
            f.write(("X-Lantern-Timestamp: %s\n\n" % self.headers.get("X-Lantern-Timestamp", "")).encode())
            f.write(body)
        os.rename(path + ".tmp", path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, fmt, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
