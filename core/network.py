"""QGIS's network settings as plain parameters for the client: proxy, trusted CAs, SSL exceptions, timeout.

Read every time a client is built (so a change in Settings > Options > Network or in the authentication
manager applies to the next request); the client package receives only plain values (``proxies``,
``proxy_rules``, ``verify``, ``insecure_hosts``, ``timeout``) and never imports QGIS.

What QGIS does, and what is reproduced here (QgsNetworkAccessManager and its proxy factory):
- proxy disabled: no proxy at all (the environment's ``http_proxy`` is not used by QGIS either);
- proxy type ``DefaultProxy``: the system proxy (for requests: the environment / OS settings);
- ``HttpProxy`` / ``HttpCachingProxy``: an HTTP proxy; ``Socks5Proxy``: SOCKS5 (needs PySocks);
- user and password from the settings, or from the auth config ``proxy/authcfg``;
- ``proxy/noProxyUrls``: URLs starting with one of them go direct; ``proxy/proxyExcludedUrls``: URLs starting
  with one of them use the system proxy instead of the configured one;
- the CA certificates trusted in the authentication manager are added to certifi's (a private bundle file);
- a per-server SSL configuration whose peer verification is off ("ignore SSL errors" for host:port)
  turns verification off for that host and port only;
- QGIS's network timeout (Settings > Options > Network, in ms) becomes the client's timeout.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote, urlsplit
from urllib.request import getproxies

from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsSettings

DIRECT: Dict[str, Optional[str]] = {"http": None, "https": None, "all": None}


class NetworkSetupError(Exception):
    """QGIS's network settings cannot be applied; str() names the problem and the fix."""


@dataclass(frozen=True)
class NetworkSettings:
    mode: str  # "none", "system", "http" or "socks5"
    proxy_host: str = ""
    proxy_port: int = 0
    proxy_user: str = ""
    proxy_password: str = field(default="", repr=False)
    no_proxy: Tuple[str, ...] = ()  # URL prefixes sent without a proxy
    system_proxy_for: Tuple[str, ...] = ()  # URL prefixes sent through the system proxy
    timeout_s: float = 60.0

    @property
    def proxy_url(self) -> Optional[str]:
        """The proxy as a URL for requests, credentials included (never shown: see ``describe``)."""
        if self.mode not in ("http", "socks5") or not self.proxy_host:
            return None
        scheme = "socks5h" if self.mode == "socks5" else "http"
        auth = ""
        if self.proxy_user:
            auth = quote(self.proxy_user, safe="") + (
                ":" + quote(self.proxy_password, safe="") if self.proxy_password else "") + "@"
        port = f":{self.proxy_port}" if self.proxy_port else ""
        return f"{scheme}://{auth}{self.proxy_host}{port}"

    def describe(self) -> str:
        """For the diagnostics report: mode, host and port, whether a user is set; never the password."""
        if self.mode == "none":
            text = "no proxy (proxy disabled in QGIS)"
        elif self.mode == "system":
            text = "system proxy (QGIS: Default proxy)"
            env = {k: v for k, v in getproxies().items() if k in ("http", "https", "all")}
            if env:
                text += " -> " + ", ".join(f"{k}: {_strip_credentials(v)}" for k, v in sorted(env.items()))
        else:
            text = f"{self.mode.upper()} proxy {self.proxy_host}:{self.proxy_port}"
            if self.proxy_user:
                text += f" (user {self.proxy_user!r}, password {'set' if self.proxy_password else 'not set'})"
        if self.no_proxy:
            text += "; no proxy for: " + ", ".join(self.no_proxy)
        if self.system_proxy_for:
            text += "; system proxy for: " + ", ".join(self.system_proxy_for)
        return text


def _strip_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return parts._replace(netloc=netloc).geturl()
    return url


def _str_list(value) -> Tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(str(v).strip() for v in value if str(v).strip())


def read_settings() -> NetworkSettings:
    """QGIS's proxy and timeout settings as they are now."""
    s = QgsSettings()
    timeout_ms = QgsNetworkAccessManager.timeout()
    timeout_s = float(timeout_ms) / 1000.0 if timeout_ms and timeout_ms > 0 else 60.0
    enabled = s.value("proxy/proxyEnabled", False, type=bool)
    if not enabled:
        return NetworkSettings("none", timeout_s=timeout_s)
    kind = s.value("proxy/proxyType", "", type=str) or "DefaultProxy"
    no_proxy = _str_list(s.value("proxy/noProxyUrls", []))
    excluded = _str_list(s.value("proxy/proxyExcludedUrls", []))
    if kind == "DefaultProxy":
        return NetworkSettings("system", no_proxy=no_proxy, system_proxy_for=excluded, timeout_s=timeout_s)
    mode = {"Socks5Proxy": "socks5", "HttpProxy": "http", "HttpCachingProxy": "http"}.get(kind)
    if mode is None:  # FtpCachingProxy or an unknown value: QGIS would not use it for https either
        return NetworkSettings("none", no_proxy=no_proxy, timeout_s=timeout_s)
    host = s.value("proxy/proxyHost", "", type=str).strip()
    try:
        port = int(s.value("proxy/proxyPort", "0", type=str) or 0)
    except ValueError:
        port = 0
    user = s.value("proxy/proxyUser", "", type=str)
    password = s.value("proxy/proxyPassword", "", type=str)
    authcfg = s.value("proxy/authcfg", "", type=str)
    if authcfg:
        user, password = _proxy_credentials_from_authcfg(authcfg, user, password)
    return NetworkSettings(mode, host, port, user, password, no_proxy, excluded, timeout_s)


def _proxy_credentials_from_authcfg(authcfg: str, user: str, password: str) -> Tuple[str, str]:
    from qgis.PyQt.QtNetwork import QNetworkProxy

    proxy = QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, "proxy.invalid", 1, user, password)
    try:
        QgsApplication.authManager().updateNetworkProxy(proxy, authcfg)
    except Exception:  # noqa: BLE001 - a locked or broken auth database: keep the plain settings
        return user, password
    return proxy.user() or user, proxy.password() or password


def _socks_available() -> bool:
    return importlib.util.find_spec("socks") is not None


def proxy_options(net: NetworkSettings) -> Dict[str, Any]:
    """``proxies`` and ``proxy_rules`` for the client (see Transport)."""
    if net.mode == "none":
        proxies: Optional[Dict[str, Optional[str]]] = dict(DIRECT)
    elif net.mode == "system":
        proxies = None  # the environment / OS proxy, exactly as requests reads it
    else:
        if net.mode == "socks5" and not _socks_available():
            from .. import deps

            try:
                command = deps.install_command([deps.Missing(deps.Requirement("socks", "PySocks"))])
            except Exception:  # noqa: BLE001
                command = "<QGIS's python> -m pip install --target <the plugin's dependency folder> PySocks"
            raise NetworkSetupError(
                "QGIS is set to use a SOCKS5 proxy (Settings > Options > Network), but the Python package "
                "PySocks, which the Pixxel plugin needs to talk through a SOCKS proxy, is not installed. "
                f"Install it with this command and restart QGIS: {command} (or use an HTTP proxy in QGIS)."
            )
        url = net.proxy_url
        proxies = {"http": url, "https": url} if url else dict(DIRECT)
    rules: List[Tuple[str, Optional[Dict[str, Optional[str]]]]] = [(p, dict(DIRECT)) for p in net.no_proxy]
    if net.system_proxy_for:
        system = {k: v for k, v in getproxies().items() if k in ("http", "https", "all")}
        rules += [(p, system or dict(DIRECT)) for p in net.system_proxy_for]
    return {"proxies": proxies, "proxy_rules": rules}


# ----------------------------------------------------------------------------------------- certificates
def _base_bundle() -> str:
    """The CA file requests would use: REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, else certifi's."""
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        path = os.environ.get(var)
        if path and os.path.isfile(path):
            return path
    try:
        import certifi

        return certifi.where()
    except Exception:  # noqa: BLE001 - no certifi: requests' own default
        return ""


def _private_dir() -> str:
    path = os.path.join(tempfile.gettempdir(), f"pixxel-qgis-{_uid()}")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _uid() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid else os.environ.get("USERNAME", "user")


def ca_bundle() -> Any:
    """``True`` (requests' default) or the path of a private PEM file: the default CAs plus every CA the
    QGIS authentication manager trusts (Authentication > Certificate Manager). The file is named by its
    content's hash, written once, readable only by this user."""
    am = QgsApplication.authManager()
    if am is None or am.isDisabled():
        return True
    try:
        pem = bytes(am.trustedCaCertsPemText())
    except Exception:  # noqa: BLE001 - an unreadable auth database: the default CAs
        return True
    if not pem.strip():
        return True
    base = _base_bundle()
    try:
        with open(base, "rb") as fh:
            default = fh.read() if base else b""
    except OSError:
        default = b""
    content = default.rstrip(b"\n") + b"\n" + pem.strip(b"\n") + b"\n"
    digest = hashlib.sha256(content).hexdigest()[:20]
    path = os.path.join(_private_dir(), f"ca-bundle-{digest}.pem")
    if not os.path.isfile(path):
        tmp = f"{path}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    return path


def insecure_hosts(base_url: str) -> Tuple[str, ...]:
    """``host:port`` of the API when QGIS has an SSL server exception for it with verification off."""
    parts = urlsplit(base_url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        return ()
    hostport = f"{parts.hostname}:{parts.port or 443}"
    am = QgsApplication.authManager()
    try:
        if am is None or am.isDisabled():
            return ()
        config = am.sslCertCustomConfigByHost(hostport)
    except Exception:  # noqa: BLE001 - no exception readable: verify as usual
        return ()
    if config.isNull():
        return ()
    from qgis.PyQt.QtNetwork import QSslSocket

    if config.sslPeerVerifyMode() == QSslSocket.PeerVerifyMode.VerifyNone:
        return (hostport.lower(),)
    return ()


def fingerprint(base_url: str) -> str:
    """Changes whenever the settings that :func:`client_options` reads change (the panel rebuilds its cached
    client then, so a change in QGIS applies to the next request). Holds no secret in clear."""
    net = read_settings()
    am = QgsApplication.authManager()
    try:
        cas = hashlib.sha256(bytes(am.trustedCaCertsPemText())).hexdigest() if am and not am.isDisabled() else ""
    except Exception:  # noqa: BLE001
        cas = ""
    text = repr((net, hashlib.sha256(net.proxy_password.encode()).hexdigest(), cas, insecure_hosts(base_url),
                 sorted(getproxies().items())))
    return hashlib.sha256(text.encode()).hexdigest()


def client_options(base_url: str) -> Dict[str, Any]:
    """Everything the client needs from QGIS's network settings, as keyword arguments."""
    net = read_settings()
    options = proxy_options(net)
    options["verify"] = ca_bundle()
    options["insecure_hosts"] = insecure_hosts(base_url)
    options["timeout"] = net.timeout_s
    return options


CERTIFICATE_FIX = (
    " The server's TLS certificate is not trusted (certificate verify failed). If your organisation inspects "
    "TLS traffic or the server uses a private certificate authority, import that CA certificate in QGIS: "
    "Settings > Options > Authentication > Certificate Manager > Authorities > Import (trust policy: Trusted), "
    "then try again; the plugin uses the CAs QGIS trusts."
)


def explain(text: str) -> str:
    """A user-facing error text, with what to do in QGIS added for a certificate failure."""
    if "certificate verify failed" in text.lower() and "Certificate Manager" not in text:
        return text.rstrip() + CERTIFICATE_FIX
    return text


def describe() -> str:
    """One line for the diagnostics report (never a password)."""
    try:
        return read_settings().describe()
    except Exception as exc:  # noqa: BLE001 - the report must always be produced
        return f"unreadable ({type(exc).__name__})"
