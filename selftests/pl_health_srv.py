#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# A backend's health endpoint for the health-check tests:
#
#   pl_health_srv.py --port PORT --code FILE --log FILE --ready FILE
#
# answers every GET with the status that FILE holds (200 when it does not
# exist), and logs "PEER-IP PATH HOST" per request.

import argparse
import http.server
import os


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--ready", required=True)
    args = p.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            try:
                with open(args.code) as f:
                    code = int(f.read().strip())
            except (OSError, ValueError):
                code = 200
            with open(args.log, "a") as f:
                f.write(f"{self.client_address[0]} {self.path} "
                        f"{self.headers.get('Host', '')}\n")
            body = f"{code}\n".encode()
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("0.0.0.0", args.port), Handler)
    with open(args.ready, "w"):
        pass
    srv.serve_forever()


if __name__ == "__main__":
    os.umask(0o022)
    main()
