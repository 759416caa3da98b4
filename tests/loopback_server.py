"""A tiny threaded loopback HTTP server for tests that need answers the simulator cannot give."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pixxel_simulator.recording import RequestRecorder


class Server:
    """A tiny threaded HTTP server; `handler(method, path, query, headers, body)` -> (status, headers, bytes)."""

    def __init__(self, handler):
        self.handler = handler
        self.seen = []  # (method, path, headers dict)
        self.recorder = RequestRecorder()  # every request whole (headers, URL, body) and every connection
        self.inflight = 0
        self.max_inflight = 0
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _go(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.recorder.record(self, body)
                with outer.lock:
                    outer.seen.append((self.command, parts.path, dict(self.headers)))
                    outer.inflight += 1
                    outer.max_inflight = max(outer.max_inflight, outer.inflight)
                try:
                    status, headers, payload = outer.handler(self.command, parts.path,
                                                             {k: v[0] for k, v in parse_qs(parts.query).items()},
                                                             self.headers, body)
                finally:
                    with outer.lock:
                        outer.inflight -= 1
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = _go

        class S(ThreadingHTTPServer):
            def process_request(self, request, client_address):
                outer.recorder.count_connection()
                super().process_request(request, client_address)

        self.httpd = S(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.recorder.server_url = self.url

    @property
    def requests(self):
        """Every request received, whole: a list of pixxel_simulator.recording.RecordedRequest."""
        return self.recorder.requests

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
