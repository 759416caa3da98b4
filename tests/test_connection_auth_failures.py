"""core.connection when the QGIS authentication system fails (issue 16, mutation target): a disabled
authentication system, a stored key that cannot be read, a key that cannot be stored, a wrong master password
typed at QGIS's prompt.

The test profile's auth database works, so the failures are made by a thin stand-in for QGIS's auth manager:
it forwards everything to the real one (the same database) except the one call a broken database would fail,
and answers that call in the forms QGIS's bindings use (a bool, or a (bool, config) tuple). The wrong master
password goes through QGIS's real prompt path (a QgsCredentials implementation that types it).
"""

from __future__ import annotations

import pytest
from pixxel_qgis.core import connection
from pixxel_qgis.tests.conftest import TEST_MASTER_PASSWORD
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsCredentials


class _AuthManager:
    """The real auth manager with some methods replaced (keyword arguments: name -> function)."""

    def __init__(self, **replaced):
        self._real = QgsApplication.authManager()
        self._replaced = replaced

    def __getattr__(self, name):
        return self._replaced.get(name) or getattr(self._real, name)


@pytest.fixture
def auth_manager(monkeypatch, clean_connection):
    """Call with replaced methods: core.connection then sees that auth manager."""

    def install(**replaced):
        am = _AuthManager(**replaced)

        class App:
            @staticmethod
            def authManager():  # noqa: N802 - QGIS's name
                return am

        monkeypatch.setattr(connection, "QgsApplication", App)
        return am

    return install


@pytest.mark.parametrize("reason, shown", [("QCA's qca-ossl plugin is missing", "QCA's qca-ossl plugin is missing"),
                                           ("", "no reason given")])
def test_a_disabled_auth_system_is_a_clear_error_with_its_reason_and_the_fix(auth_manager, reason, shown):
    auth_manager(isDisabled=lambda: True, disabledMessage=lambda: reason)
    with pytest.raises(connection.ConnectionSetupError) as info:
        connection.save_connection("https://a.test", "a-key")
    text = str(info.value)
    assert f"The QGIS authentication system is disabled ({shown}), so the API key cannot be stored safely" in text
    assert "Settings > Options > Authentication" in text, "the message must say where to fix it"


@pytest.mark.parametrize("answer", ["bool", "tuple"])
def test_a_stored_key_that_cannot_be_read_is_a_clear_error(auth_manager, answer):
    connection.save_connection("https://a.test", "stored-key")
    failed = False if answer == "bool" else (False, QgsAuthMethodConfig())
    auth_manager(loadAuthenticationConfig=lambda *a: failed)
    with pytest.raises(connection.ConnectionSetupError, match="could not be read from the QGIS authentication"):
        connection.load_connection()


@pytest.mark.parametrize("answer", ["bool", "tuple"])
def test_a_key_that_cannot_be_stored_is_a_clear_error_and_the_old_key_stays(auth_manager, answer):
    connection.save_connection("https://a.test", "old-key")
    failed = False if answer == "bool" else (False, QgsAuthMethodConfig())
    auth_manager(updateAuthenticationConfig=lambda cfg: failed)
    with pytest.raises(connection.ConnectionSetupError, match="could not be stored in the QGIS authentication"):
        connection.save_connection("https://a.test", "new-key")
    assert connection.load_connection().api_key == "old-key"


@pytest.mark.parametrize("answer", ["bool", "tuple"])
def test_a_new_key_that_cannot_be_stored_is_a_clear_error_and_no_id_is_kept(auth_manager, answer):
    failed = False if answer == "bool" else (False, QgsAuthMethodConfig())
    auth_manager(storeAuthenticationConfig=lambda cfg, *a: failed)
    with pytest.raises(connection.ConnectionSetupError, match="could not be stored in the QGIS authentication"):
        connection.save_connection("https://a.test", "new-key")
    assert connection.stored_authcfg() is None


class _TypesAtThePrompt(QgsCredentials):
    """QGIS's credentials prompt, answered with a given master password (as a user would type it)."""

    def __init__(self, password: str):
        super().__init__()
        self.password = password
        self.asked = 0

    def request(self, realm, username, password, message=""):
        return False, username, password

    def requestMasterPassword(self, password, stored=False):  # noqa: N802 - QGIS's name
        self.asked += 1
        return True, self.password


# Every credentials object handed to QGIS stays referenced for the whole session: QGIS keeps a raw pointer
# to its current instance, and a Python object collected while QGIS still points at it would crash it.
_KEPT_ALIVE = []


@pytest.fixture
def prompt(clean_connection):
    """Install a prompt answering with a password; QGIS's previous prompt and the unlocked state come back."""
    previous = QgsCredentials.instance()
    _KEPT_ALIVE.append(previous)
    made = []

    def install(password):
        made.append(_TypesAtThePrompt(password))
        _KEPT_ALIVE.append(made[-1])
        made[-1].setInstance(made[-1])
        return made[-1]

    yield install
    if made:
        made[-1].setInstance(previous)
    am = QgsApplication.authManager()
    am.clearMasterPassword()
    assert connection.unlock_auth_db_for_headless(TEST_MASTER_PASSWORD)


def test_a_wrong_master_password_typed_at_the_prompt_is_refused(prompt):
    connection.save_connection("https://a.test", "guarded-key")
    QgsApplication.authManager().clearMasterPassword()
    typed = prompt("not-the-master-password")
    with pytest.raises(connection.ConnectionSetupError, match="master password was not entered"):
        connection.load_connection()
    assert typed.asked >= 1, "QGIS's prompt was not used"
    assert not QgsApplication.authManager().masterPasswordIsSet(), "a wrong master password was accepted"


def test_the_right_master_password_typed_at_the_prompt_unlocks_the_key(prompt):
    connection.save_connection("https://a.test", "guarded-key")
    QgsApplication.authManager().clearMasterPassword()
    typed = prompt(TEST_MASTER_PASSWORD)
    assert connection.load_connection().api_key == "guarded-key"
    assert typed.asked >= 1
