"""QGIS's network settings reach every request: a real proxy on loopback (proxy.py, with and without proxy
authentication), the excluded URL lists, the simulator over HTTPS with a test CA (trustme) trusted or not in
QGIS's authentication manager, a per-server SSL exception, QGIS's timeout and SOCKS5 without PySocks.

The settings are written where QGIS's Options dialog writes them (QgsSettings ``proxy/...``, the auth
database) and the client is built as the panel builds it (core.connection.make_client).
"""

import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pixxel_qgis.client.errors import PixxelConnectionError
from pixxel_qgis.core import connection, diagnostics, network
from pixxel_qgis.core.tasks.tasks import user_message
from qgis.core import (
    QgsApplication,
    QgsAuthCertUtils,
    QgsAuthConfigSslServer,
    QgsNetworkAccessManager,
    QgsSettings,
)
from qgis.PyQt.QtNetwork import QSslCertificate, QSslSocket

KEY = "network-test-key-5f1e"
PROXY_USER, PROXY_PASSWORD = "proxyuser", "pr0xy-s3cret-pw"
PROXY_KEYS = ("proxyEnabled", "proxyType", "proxyHost", "proxyPort", "proxyUser", "proxyPassword",
              "proxyExcludedUrls", "noProxyUrls", "authcfg")
FAST = {"retry_budget_s": 0.0, "max_retries": 0}


@pytest.fixture
def qgis_proxy(qgis_app, monkeypatch):
    """Write QGIS's proxy settings (as Settings > Options > Network does); all removed afterwards. The
    environment's proxy variables are cleared so only QGIS's settings count."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    settings = QgsSettings()

    def configure(kind="HttpProxy", host="127.0.0.1", port=0, user="", password="", excluded=(), no_proxy=(),
                  enabled=True):
        settings.setValue("proxy/proxyEnabled", enabled)
        settings.setValue("proxy/proxyType", kind)
        settings.setValue("proxy/proxyHost", host)
        settings.setValue("proxy/proxyPort", str(port))
        settings.setValue("proxy/proxyUser", user)
        settings.setValue("proxy/proxyPassword", password)
        settings.setValue("proxy/proxyExcludedUrls", list(excluded))
        settings.setValue("proxy/noProxyUrls", list(no_proxy))

    timeout_before = QgsNetworkAccessManager.timeout()
    yield configure
    for key in PROXY_KEYS:
        settings.remove(f"proxy/{key}")
    QgsNetworkAccessManager.setTimeout(timeout_before)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProxyServer:
    """proxy.py on a free loopback port, in its own process; ``requests()`` reads its access log.

    With ``live_port``, requests it receives for ``127.0.0.1:<dead_port>`` (nothing listens there) go to
    ``127.0.0.1:<live_port>`` (tests/proxy_redirect_plugin.py): a client using ``dead_url`` only succeeds
    through the proxy."""

    def __init__(self, tmp_path: Path, basic_auth: str = "", live_port: int = 0):
        self.dead_port = _free_port()
        self.dead_url = f"http://127.0.0.1:{self.dead_port}"
        self.log = tmp_path / "proxy.log"
        port_file = tmp_path / "proxy.port"
        cmd = [sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0", "--port-file",
               str(port_file), "--num-workers", "1", "--num-acceptors", "1", "--log-file", str(self.log),
               "--log-level", "INFO"]
        if basic_auth:
            cmd += ["--basic-auth", basic_auth]
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent),
                   PIXXEL_PROXY_DEAD_PORT=str(self.dead_port), PIXXEL_PROXY_LIVE_PORT=str(live_port))
        if live_port:
            cmd += ["--plugins", "proxy_redirect_plugin.RedirectDeadPortPlugin"]
        self.proc = subprocess.Popen(cmd, cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        end = time.monotonic() + 30
        while time.monotonic() < end and not (port_file.exists() and port_file.read_text().strip()):
            assert self.proc.poll() is None, "proxy.py exited at start"
            time.sleep(0.05)
        self.port = int(port_file.read_text().strip())
        self._wait_listening()

    def _wait_listening(self):
        import socket

        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("proxy.py is not listening")

    def connections(self, settle: float = 1.0) -> list:
        """Access-log lines (proxy.py writes one per client connection, whatever it carried)."""
        time.sleep(settle)
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [ln for ln in text.splitlines() if "access_log" in ln]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def proxy_factory(tmp_path):
    started = []

    def make(basic_auth="", live_port=0):
        folder = tmp_path / f"proxy{len(started)}"
        folder.mkdir()
        p = ProxyServer(folder, basic_auth, live_port)
        started.append(p)
        return p

    yield make
    for p in started:
        p.stop()


def _api_calls(base_url):
    client = connection.make_client(connection.Connection(base_url, KEY), **FAST)
    client.ping()
    client.list_projects(page_num=1, page_size=5)
    client.all_aois()
    return client


def _ok(sim):
    return [(m, p) for m, p, status in sim.request_log if status == 200]


def test_every_call_goes_through_the_http_proxy_qgis_names(qgis_proxy, proxy_factory, sim_factory):
    sim = sim_factory(api_keys=(KEY,), seed_aois=2)
    proxy = proxy_factory(live_port=sim.port)
    # Without the proxy the client cannot reach anything at dead_url: only the proxy knows the way.
    with pytest.raises(PixxelConnectionError):
        connection.make_client(connection.Connection(proxy.dead_url, KEY), **FAST).ping()
    qgis_proxy("HttpProxy", port=proxy.port)
    _api_calls(proxy.dead_url)
    assert len(_ok(sim)) >= 3 and len(_ok(sim)) == len(sim.request_log)
    assert proxy.connections()


def test_proxy_with_authentication(qgis_proxy, proxy_factory, sim_factory):
    sim = sim_factory(api_keys=(KEY,))
    proxy = proxy_factory(basic_auth=f"{PROXY_USER}:{PROXY_PASSWORD}", live_port=sim.port)
    # without the credentials QGIS would send, the proxy refuses (HTTP 407)
    qgis_proxy("HttpProxy", port=proxy.port)
    with pytest.raises(PixxelConnectionError) as refused:
        connection.make_client(connection.Connection(proxy.dead_url, KEY), **FAST).list_projects()
    assert "407" in str(refused.value) and "Settings > Options > Network" in str(refused.value)
    assert sim.request_log == []

    qgis_proxy("HttpProxy", port=proxy.port, user=PROXY_USER, password=PROXY_PASSWORD)
    _api_calls(proxy.dead_url)
    assert len(_ok(sim)) >= 3
    # the report names the proxy and the user, never the password (nor the key)
    report = diagnostics.report(key=KEY)
    assert f"HTTP proxy 127.0.0.1:{proxy.port}" in report and PROXY_USER in report
    assert PROXY_PASSWORD not in report and KEY not in report


@pytest.mark.parametrize("which", ["no_proxy", "excluded"])
def test_excluded_urls_bypass_the_proxy(qgis_proxy, proxy_factory, sim_factory, which):
    """'No proxy for' URLs go direct; 'excluded' URLs use the system proxy (none here: direct too)."""
    sim = sim_factory(api_keys=(KEY,))
    other = sim_factory(api_keys=(KEY,))
    proxy = proxy_factory(live_port=other.port)
    qgis_proxy("HttpProxy", port=proxy.port, **{which: [sim.url + "/"]})
    _api_calls(sim.url)
    assert len(_ok(sim)) >= 3
    assert proxy.connections() == []  # the proxy was never contacted
    # a URL not on the list still goes through the proxy
    _api_calls(proxy.dead_url)
    assert len(_ok(other)) >= 3 and proxy.connections()


def test_proxy_disabled_in_qgis_means_direct_even_with_environment_proxy(qgis_proxy, proxy_factory, sim_factory,
                                                                         monkeypatch):
    sim = sim_factory(api_keys=(KEY,))
    proxy = proxy_factory()
    qgis_proxy(enabled=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    _api_calls(sim.url)
    assert proxy.connections() == []


def test_default_proxy_mode_uses_the_system_proxy(qgis_proxy, proxy_factory, sim_factory, monkeypatch):
    """QGIS's "Default proxy" is the system's: for requests the environment's proxy variables."""
    sim = sim_factory(api_keys=(KEY,))
    proxy = proxy_factory(live_port=sim.port)
    qgis_proxy("DefaultProxy")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("no_proxy", "")
    _api_calls(proxy.dead_url)
    assert len(_ok(sim)) >= 3


def test_socks5_without_pysocks_says_what_to_install(qgis_proxy, monkeypatch):
    qgis_proxy("Socks5Proxy", port=1080, user="u", password=PROXY_PASSWORD)
    opts = network.client_options("https://api.pixxel.space")
    assert opts["proxies"]["https"].startswith("socks5h://u:")  # PySocks is in the dev venv
    monkeypatch.setattr(network, "_socks_available", lambda: False)
    with pytest.raises(connection.ConnectionSetupError) as err:
        connection.make_client(connection.Connection("https://api.pixxel.space", KEY))
    assert "SOCKS5" in str(err.value) and "PySocks" in str(err.value)
    assert "-m pip install --target " in str(err.value) and str(err.value).rstrip(".").endswith("HTTP proxy in QGIS)")
    assert PROXY_PASSWORD not in str(err.value)


def test_qgis_network_timeout_becomes_the_client_timeout(qgis_proxy):
    qgis_proxy(enabled=False)
    QgsNetworkAccessManager.setTimeout(7500)  # what Settings > Options > Network sets
    client = connection.make_client(connection.Connection("https://api.pixxel.space", KEY))
    assert client._t.timeout == 7.5


# ----------------------------------------------------------------------------------------------- TLS
@pytest.fixture
def tls_simulator(sim_factory):
    import trustme
    from pixxel_simulator import SimConfig, Simulator

    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    sim = Simulator(SimConfig(api_keys=(KEY,)), host="127.0.0.1", port=0, ssl_context=ctx).start()
    yield sim, ca
    sim.stop()


@pytest.fixture
def auth_db(clean_connection):
    am = QgsApplication.authManager()
    added = []
    yield am, added
    for kind, ident in added:
        if kind == "ca":
            am.removeCertAuthority(ident)
        else:
            am.removeSslCertCustomConfig(*ident)
    am.rebuildCaCertsCache()
    am.rebuildTrustedCaCertsCache()


def test_https_works_only_once_the_ca_is_trusted_in_qgis(qgis_proxy, tls_simulator, auth_db):
    qgis_proxy(enabled=False)
    sim, ca = tls_simulator
    am, added = auth_db
    assert sim.url.startswith("https://127.0.0.1:")
    with pytest.raises(PixxelConnectionError) as err:
        connection.make_client(connection.Connection(sim.url, KEY), **FAST).ping()
    text = user_message(err.value)
    assert "certificate verify failed" in text
    assert "Certificate Manager > Authorities > Import" in text

    [cert] = QSslCertificate.fromData(ca.cert_pem.bytes())
    assert am.storeCertAuthority(cert)
    added.append(("ca", cert))
    am.rebuildCaCertsCache()
    am.rebuildTrustedCaCertsCache()
    client = connection.make_client(connection.Connection(sim.url, KEY), **FAST)
    bundle = client._t.session.verify
    assert isinstance(bundle, str) and oct(os.stat(bundle).st_mode & 0o777) == "0o600"
    assert client.ping()
    client.list_projects(page_num=1, page_size=1)


# urllib3 warns about every unverified request: expected here, the user made that exception in QGIS
@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_ssl_server_exception_in_qgis_applies_to_that_server_only(qgis_proxy, tls_simulator, auth_db):
    qgis_proxy(enabled=False)
    sim, ca = tls_simulator
    am, added = auth_db
    [server_cert] = QSslCertificate.fromData(ca.issue_cert("127.0.0.1").cert_chain_pems[0].bytes())
    config = QgsAuthConfigSslServer()
    config.setSslCertificate(server_cert)
    config.setSslHostPort(f"127.0.0.1:{sim.port}")
    config.setSslPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyNone)
    assert am.storeSslCertCustomConfig(config)
    added.append(("ssl", (QgsAuthCertUtils.shaHexForCert(server_cert), config.sslHostPort())))
    client = connection.make_client(connection.Connection(sim.url, KEY), **FAST)
    assert client.ping()
    assert network.insecure_hosts(f"https://127.0.0.1:{sim.port + 1}") == ()


def test_panel_applies_a_changed_qgis_setting_to_the_next_request(qgis_proxy, qgis_iface, clean_connection,
                                                                  proxy_factory, sim_factory):
    """The panel keeps its client between requests, but rebuilds it when QGIS's network settings change."""
    from pixxel_qgis.ui.dock import PixxelDockWidget

    sim = sim_factory(api_keys=(KEY,))
    proxy = proxy_factory(live_port=sim.port)
    qgis_proxy(enabled=False)
    dock = PixxelDockWidget(qgis_iface)
    try:
        dock.connection.base_url_edit.setText(proxy.dead_url)
        dock.connection.api_key_edit.setText(KEY)
        section = dock.connection
        first = section.client()
        assert section.client() is first
        qgis_proxy("HttpProxy", port=proxy.port)
        second = section.client()
        assert second is not first
        assert second.ping()  # dead_url is only reachable through the proxy
    finally:
        dock.shutdown()
        dock.deleteLater()


def test_proxy_credentials_from_a_qgis_auth_config(qgis_proxy, proxy_factory, sim_factory, auth_db):
    """QGIS can keep the proxy's user and password in an authentication configuration (proxy/authcfg)."""
    from qgis.core import QgsAuthMethodConfig

    am, _added = auth_db
    sim = sim_factory(api_keys=(KEY,))
    proxy = proxy_factory(basic_auth=f"{PROXY_USER}:{PROXY_PASSWORD}", live_port=sim.port)
    cfg = QgsAuthMethodConfig("Basic")
    cfg.setName("proxy credentials")
    cfg.setConfig("username", PROXY_USER)
    cfg.setConfig("password", PROXY_PASSWORD)
    ok = am.storeAuthenticationConfig(cfg)
    assert (ok[0] if isinstance(ok, tuple) else ok) and cfg.id()
    try:
        qgis_proxy("HttpProxy", port=proxy.port)
        QgsSettings().setValue("proxy/authcfg", cfg.id())
        _api_calls(proxy.dead_url)
        assert len(_ok(sim)) >= 3
        assert PROXY_PASSWORD not in diagnostics.report()
    finally:
        am.removeAuthenticationConfig(cfg.id())


@pytest.mark.parametrize("auth", [False, True], ids=["no-auth", "user-password"])
def test_every_call_goes_through_the_socks5_proxy_qgis_names(qgis_proxy, sim_factory, auth):
    from pixxel_qgis.tests.socks5_server import Socks5Server

    sim = sim_factory(api_keys=(KEY,), seed_aois=1)
    dead = _free_port()
    server = Socks5Server(*((PROXY_USER, PROXY_PASSWORD) if auth else ()), redirect={dead: sim.port})
    try:
        qgis_proxy("Socks5Proxy", port=server.port, **({"user": PROXY_USER, "password": PROXY_PASSWORD} if auth else {}))
        _api_calls(f"http://127.0.0.1:{dead}")  # nothing listens there: only the SOCKS proxy knows the way
        assert len(_ok(sim)) >= 3 and server.connections >= 1
        assert server.credentials == ([PROXY_USER] * server.connections if auth else [])
        if auth:  # a wrong password is refused by the proxy, and the password never shows
            qgis_proxy("Socks5Proxy", port=server.port, user=PROXY_USER, password="wrong-" + PROXY_PASSWORD)
            with pytest.raises(PixxelConnectionError) as err:
                connection.make_client(connection.Connection(f"http://127.0.0.1:{dead}", KEY), **FAST).ping()
            assert server.refused >= 1 and PROXY_PASSWORD not in str(err.value)
    finally:
        server.close()
