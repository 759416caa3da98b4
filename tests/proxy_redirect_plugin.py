"""A proxy.py plugin for tests/test_network_settings.py: requests the proxy receives for
127.0.0.1:<PIXXEL_PROXY_DEAD_PORT> (where nothing listens) are forwarded to 127.0.0.1:<PIXXEL_PROXY_LIVE_PORT>
(the simulator). A client talking to the dead port therefore succeeds only through the proxy, which
proves that every successful call went through it."""

import os

from proxy.http.proxy import HttpProxyBasePlugin


class RedirectDeadPortPlugin(HttpProxyBasePlugin):
    def before_upstream_connection(self, request):
        dead = int(os.environ.get("PIXXEL_PROXY_DEAD_PORT") or 0)
        live = int(os.environ.get("PIXXEL_PROXY_LIVE_PORT") or 0)
        if dead and live and not request.is_https_tunnel and request.port == dead:
            request.set_url(b"http://127.0.0.1:%d%s" % (live, request.path or b"/"))
            if request.has_header(b"Host"):
                request.del_header(b"Host")
            request.add_header(b"Host", b"127.0.0.1:%d" % live)
        return request
