"""core.connection: base URL in QgsSettings, API key only in the QGIS authentication database."""

from pathlib import Path

import pytest
from pixxel_qgis.client.defaults import DEFAULT_BASE_URL
from pixxel_qgis.core import connection
from qgis.core import QgsApplication, QgsSettings


def test_tests_use_their_own_profile_not_the_users(clean_connection):
    # pytest-qgis runs QGIS in its own profile (.qgis-settings under the rootdir), never the user's.
    home_profile = Path.home() / ".local" / "share" / "QGIS"
    db = Path(QgsApplication.authManager().authenticationDatabasePath())
    assert home_profile not in db.parents


def _all_settings_text() -> str:
    s = QgsSettings()
    s.sync()
    values = [str(s.value(k)) for k in s.allKeys()]
    ini = Path(s.fileName())
    return "\n".join(values) + (ini.read_text(errors="replace") if ini.exists() else "")


def test_defaults_without_anything_stored(clean_connection):
    conn = connection.load_connection()
    assert conn.base_url == DEFAULT_BASE_URL
    assert conn.api_key is None
    assert not connection.has_stored_key()


def test_key_goes_to_auth_db_not_settings(clean_connection):
    secret = "sk-live-4f1e9c0a7b2d41e8a1d3-UNIQUE"
    conn = connection.save_connection("http://127.0.0.1:9999/", secret)
    assert conn.base_url == "http://127.0.0.1:9999"
    assert conn.authcfg
    text = _all_settings_text()
    assert secret not in text
    assert conn.authcfg in text  # only the id is in the settings
    assert QgsSettings().value(connection.KEY_AUTHCFG) == conn.authcfg
    loaded = connection.load_connection()
    assert loaded.api_key == secret
    assert loaded.base_url == "http://127.0.0.1:9999"
    assert connection.has_stored_key()
    # the auth config really is in QGIS's auth database, with the key in the password field
    assert conn.authcfg in QgsApplication.authManager().configIds()


def test_saving_again_updates_the_same_config_and_empty_key_keeps_it(clean_connection):
    first = connection.save_connection("https://api.example.test", "key-one")
    second = connection.save_connection("https://api.example.test", "key-two")
    assert first.authcfg == second.authcfg
    assert connection.load_connection().api_key == "key-two"
    connection.save_connection("other.example.test", "")
    loaded = connection.load_connection()
    assert loaded.api_key == "key-two"
    assert loaded.base_url == "https://other.example.test"


def test_without_key_load_never_reads_auth_db(clean_connection):
    connection.save_connection("https://api.example.test", "abc")
    conn = connection.load_connection(with_key=False)
    assert conn.api_key is None and conn.authcfg


def test_make_client_requires_a_key(clean_connection):
    with pytest.raises(connection.ConnectionSetupError, match="API key"):
        connection.make_client(connection.Connection("https://x.test", None))


def test_make_client_builds_a_client(clean_connection, simulator, api_key):
    client = connection.make_client(connection.Connection(simulator.url, api_key))
    assert client.ping()
