"""Where the connection lives: the base URL in QgsSettings, the API key in QGIS's authentication database.

Only the id of the auth config (`pixxel/authcfg`) is kept in QgsSettings; the key itself is stored
encrypted by QgsAuthManager (method "Basic", key in the password field, since QGIS 3.22 has no
"APIHeader" method). In the real QGIS the user is asked for the master password by QGIS as usual;
tests and the headless demo call `unlock_auth_db_for_headless()` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings

from .settings import KEY_AUTHCFG, KEY_BASE_URL

AUTH_METHOD = "Basic"
AUTH_CONFIG_NAME = "Pixxel API key"
AUTH_USERNAME = "pixxel-api-key"


class ConnectionSetupError(Exception):
    """The connection cannot be stored or used; str() is a user-facing message with the fix."""


@dataclass(frozen=True)
class Connection:
    base_url: str
    api_key: Optional[str] = None
    authcfg: Optional[str] = None

    @property
    def has_key(self) -> bool:
        return bool(self.api_key)


def default_base_url() -> str:
    """client.defaults.DEFAULT_BASE_URL, imported on use: the Processing provider imports this module at QGIS
    start, which must not import the client package (``make bench``, Start-up)."""
    from ..client.defaults import DEFAULT_BASE_URL

    return DEFAULT_BASE_URL


def normalize_base_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    if not url:
        return default_base_url()
    if "://" not in url:
        url = "https://" + url
    return url


def stored_base_url() -> str:
    return normalize_base_url(QgsSettings().value(KEY_BASE_URL, "", type=str))


def stored_authcfg() -> Optional[str]:
    value = QgsSettings().value(KEY_AUTHCFG, "", type=str)
    return value or None


def has_stored_key() -> bool:
    """True when an auth config id is saved and still exists (does not ask for the master password)."""
    authcfg = stored_authcfg()
    if not authcfg:
        return False
    return authcfg in QgsApplication.authManager().configIds()


def _auth_manager():
    am = QgsApplication.authManager()
    if am.isDisabled():
        raise ConnectionSetupError(
            "The QGIS authentication system is disabled (" + (am.disabledMessage() or "no reason given")
            + "), so the API key cannot be stored safely. Fix the QGIS authentication database "
            "(Settings > Options > Authentication) and try again."
        )
    return am


def _ensure_master_password(am) -> None:
    # In QGIS this prompts the user once per session; headless callers unlock beforehand.
    if not am.masterPasswordIsSet() and not am.setMasterPassword(True):
        raise ConnectionSetupError(
            "The QGIS master password was not entered, so the API key cannot be read or stored. "
            "Enter the master password when QGIS asks for it."
        )


def read_key(authcfg: str) -> Optional[str]:
    """The API key kept in the auth config `authcfg` (its password field, "" if empty); None when the
    config is gone.

    Raises ConnectionSetupError (a user-facing message) when the auth database cannot be used or read.
    """
    am = _auth_manager()
    if authcfg not in am.configIds():
        return None
    _ensure_master_password(am)
    cfg = QgsAuthMethodConfig()
    ok = am.loadAuthenticationConfig(authcfg, cfg, True)
    if isinstance(ok, tuple):  # some PyQt signatures return (bool, config)
        ok, cfg = ok[0], ok[1]
    if not ok:
        raise ConnectionSetupError(
            "The stored Pixxel API key could not be read from the QGIS authentication database. "
            "Enter the key again and press Save."
        )
    return (cfg.config("password") or "").strip()


def load_connection(with_key: bool = True) -> Connection:
    """The stored connection. `with_key=False` never touches the auth database (no prompt)."""
    base_url = stored_base_url()
    authcfg = stored_authcfg()
    if not with_key or not authcfg:
        return Connection(base_url, None, authcfg)
    key = read_key(authcfg)
    if key is None:
        return Connection(base_url, None, None)
    return Connection(base_url, key or None, authcfg)


def save_connection(base_url: str, api_key: Optional[str] = None) -> Connection:
    """Store the base URL, and the key when one is given (None or "" keeps the stored key)."""
    settings = QgsSettings()
    base_url = normalize_base_url(base_url)
    settings.setValue(KEY_BASE_URL, base_url)
    authcfg = stored_authcfg()
    api_key = (api_key or "").strip()
    if api_key:
        am = _auth_manager()
        _ensure_master_password(am)
        cfg = QgsAuthMethodConfig(AUTH_METHOD)
        exists = bool(authcfg) and authcfg in am.configIds()
        if exists:
            am.loadAuthenticationConfig(authcfg, cfg, True)
        cfg.setName(AUTH_CONFIG_NAME)
        cfg.setMethod(AUTH_METHOD)
        cfg.setUri(base_url)
        cfg.setConfig("username", AUTH_USERNAME)
        cfg.setConfig("password", api_key)
        ok = am.updateAuthenticationConfig(cfg) if exists else am.storeAuthenticationConfig(cfg)
        if isinstance(ok, tuple):
            ok = ok[0]
        if not ok or not cfg.id():
            raise ConnectionSetupError(
                "The API key could not be stored in the QGIS authentication database. "
                "Check the master password and the authentication settings, then try again."
            )
        authcfg = cfg.id()
        settings.setValue(KEY_AUTHCFG, authcfg)
    settings.sync()
    return Connection(base_url, api_key or None, authcfg)


def clear_api_key() -> None:
    """Remove the stored key (auth config and its id)."""
    authcfg = stored_authcfg()
    if authcfg:
        am = QgsApplication.authManager()
        if authcfg in am.configIds():
            am.removeAuthenticationConfig(authcfg)
    QgsSettings().remove(KEY_AUTHCFG)


def make_client(conn: Connection, **kwargs):
    """A PixxelClient for this connection (no network call is made here), following QGIS's network settings
    (proxy, trusted CAs, SSL exceptions, timeout: see core.network) as they are now; ``kwargs`` win."""
    if not conn.api_key:
        raise ConnectionSetupError("No Pixxel API key is set. Enter your API key in the Connection section and press Save.")
    from ..client import PixxelClient
    from . import network

    try:
        options = network.client_options(conn.base_url)
    except network.NetworkSetupError as exc:
        raise ConnectionSetupError(str(exc)) from None
    options.update(kwargs)
    return PixxelClient(conn.api_key, base_url=conn.base_url, **options)


def unlock_auth_db_for_headless(master_password: str) -> bool:
    """Tests and the headless demo only: set the master password without a prompt.

    The caller must have pointed QGIS at a throw-away profile (pytest-qgis uses `.qgis-settings/` under
    the rootdir; the demo uses a temp dir). The first call on a fresh profile stores the password's hash.
    """
    am = QgsApplication.authManager()
    if am.masterPasswordIsSet():
        return True
    return bool(am.setMasterPassword(master_password, True))
