"""Per-server certificate exceptions in client/transport.py (issue 16, mutation target), on a loopback HTTPS
server with a certificate from a private CA (trustme): the exception the user made for one host:port turns
verification off for that server only.

Not a pure test module: trustme comes with the QGIS venv's requirements-dev.txt, not with the pure tests'
requirements-pure.txt (so under `make test-py39` this module is not collected, rather than skipped).
"""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme
from pixxel_qgis.client import PixxelConnectionError
from pixxel_qgis.client import transport as tr

KEY = "tls-exceptions-key-81f0"


# ----------------------------------------------------------------------------- certificate exceptions
@pytest.fixture
def https_api(tmp_path):
    """A loopback HTTPS server whose certificate no CA bundle trusts (a private CA, trustme)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            body = b'{"via": "tls"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_a_certificate_exception_lets_that_server_be_reached(https_api):
    t = tr.Transport(KEY, f"https://127.0.0.1:{https_api}", max_retries=0,
                     insecure_hosts=[f"127.0.0.1:{https_api}"])
    assert t.request("GET", "/ping", op="ping") == {"via": "tls"}, (
        "the user made a certificate exception for this host:port (QGIS SSL server exception): its "
        "certificate must not be verified")


def test_a_certificate_exception_for_another_server_does_not_turn_verification_off(https_api):
    t = tr.Transport(KEY, f"https://127.0.0.1:{https_api}", max_retries=0,
                     insecure_hosts=[f"127.0.0.1:{https_api + 1}", f"localhost:{https_api}"])
    with pytest.raises(PixxelConnectionError, match="(?i)certificate"):
        t.request("GET", "/ping", op="ping")
