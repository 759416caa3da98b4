"""core.connection details (issue 16: each test kills mutants of core/connection.py that survived the other
tests): a locked auth database, clearing the key, a stale auth-config id, what save_connection returns."""

from __future__ import annotations

import dataclasses

import pytest
from pixxel_qgis.client.defaults import DEFAULT_BASE_URL
from pixxel_qgis.core import connection
from pixxel_qgis.tests.conftest import TEST_MASTER_PASSWORD
from qgis.core import QgsApplication, QgsSettings


def test_a_locked_auth_database_is_a_clear_error_and_the_key_is_not_read(clean_connection):
    connection.save_connection("https://a.test", "locked-key")
    am = QgsApplication.authManager()
    am.clearMasterPassword()
    try:
        assert not am.masterPasswordIsSet()
        with pytest.raises(connection.ConnectionSetupError, match="master password was not entered"):
            connection.load_connection()
        with pytest.raises(connection.ConnectionSetupError, match="master password was not entered"):
            connection.save_connection("https://a.test", "other-key")
        assert connection.load_connection(with_key=False).api_key is None  # no prompt needed
        assert not connection.unlock_auth_db_for_headless("wrong-password"), "a wrong master password was accepted"
    finally:
        assert connection.unlock_auth_db_for_headless(TEST_MASTER_PASSWORD)
    assert connection.load_connection().api_key == "locked-key"


def test_an_unlocked_database_is_not_asked_again(clean_connection):
    am = QgsApplication.authManager()
    assert am.masterPasswordIsSet()
    assert connection.unlock_auth_db_for_headless("not-the-password")  # already unlocked: nothing to do
    connection.save_connection("https://a.test", "k")
    assert connection.load_connection().api_key == "k"


def test_clearing_the_key_removes_the_auth_config(clean_connection):
    conn = connection.save_connection("https://a.test", "to-clear")
    am = QgsApplication.authManager()
    assert conn.authcfg in am.configIds()
    connection.clear_api_key()
    assert conn.authcfg not in am.configIds(), "the key stayed in the auth database after it was cleared"
    assert connection.stored_authcfg() is None and not connection.has_stored_key()
    connection.clear_api_key()  # nothing stored: still fine


def test_a_stale_auth_config_id_is_replaced(clean_connection):
    QgsSettings().setValue(connection.KEY_AUTHCFG, "gone123")
    assert not connection.has_stored_key()
    assert connection.load_connection() == connection.Connection(DEFAULT_BASE_URL, None, None)
    conn = connection.save_connection("https://a.test", "fresh-key")
    assert conn.authcfg and conn.authcfg != "gone123"
    assert connection.load_connection().api_key == "fresh-key"


def test_save_returns_what_was_stored(clean_connection):
    with_key = connection.save_connection("a.test/", " spaced-key ")
    assert (with_key.base_url, with_key.api_key) == ("https://a.test", "spaced-key") and with_key.authcfg
    without = connection.save_connection("https://b.test", None)
    assert without.api_key is None and without.authcfg == with_key.authcfg
    assert connection.load_connection().api_key == "spaced-key"


def test_connection_value_object():
    assert connection.Connection("u", None).has_key is False
    assert connection.Connection("u", "").has_key is False
    assert connection.Connection("u", "k").has_key is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        connection.Connection("u", "k").api_key = "other"


@pytest.mark.parametrize("url,out", [("", DEFAULT_BASE_URL), (None, DEFAULT_BASE_URL),
                                     (" h.test/ ", "https://h.test"), ("http://l:1/", "http://l:1")])
def test_normalize_base_url(url, out):
    assert connection.normalize_base_url(url) == out
