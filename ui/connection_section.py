"""Panel section "Connection": base URL, API key, Save, Test connection; builds the client."""

from __future__ import annotations

from typing import Optional

from qgis.core import Qgis
from qgis.gui import QgsPasswordLineEdit
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QLineEdit, QPushButton

from ..client.defaults import DEFAULT_BASE_URL
from ..client.errors import PixxelError
from ..core import connection as conn_mod
from ..i18n import tr
from .widgets import Section, form_layout, label, row


class ConnectionSection(Section):
    #: the connection was saved with a key (the other sections reload their lists)
    saved = pyqtSignal()

    def __init__(self, panel):
        super().__init__(panel, tr("Connection"), "connectionGroup")
        self._client = None
        self._client_key = None
        self._stored_key: Optional[str] = None  # the key read from the auth DB, kept for the session
        form = form_layout(self)
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setPlaceholderText(DEFAULT_BASE_URL)
        self.api_key_edit = QgsPasswordLineEdit()
        self.api_key_edit.setShowLockIcon(True)
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setToolTip(tr("Store the base URL, and the API key in the QGIS authentication database"))
        self.test_button = QPushButton(tr("Test connection"))
        self.connection_status = label()
        form.addRow(tr("Base URL"), self.base_url_edit)
        form.addRow(tr("API key"), self.api_key_edit)
        form.addRow(row(self.save_button, self.test_button, None))
        form.addRow(self.connection_status)
        self.save_button.clicked.connect(panel.slot(self.save_connection))
        self.test_button.clicked.connect(panel.slot(self.test_connection))
        self.base_url_edit.setText(conn_mod.load_connection(with_key=False).base_url)
        self._update_key_placeholder()

    @property
    def has_client(self) -> bool:
        return self._client is not None

    def _update_key_placeholder(self):
        if conn_mod.has_stored_key():
            self.api_key_edit.setPlaceholderText(tr("Stored in the QGIS authentication database"))
        else:
            self.api_key_edit.setPlaceholderText(tr("Paste your Pixxel API key"))

    def _field_connection(self) -> conn_mod.Connection:
        """The connection the fields describe: a typed key wins over the stored one."""
        base = conn_mod.normalize_base_url(self.base_url_edit.text())
        key = self.api_key_edit.text().strip()
        if key:
            return conn_mod.Connection(base, key)
        if self._stored_key is None:  # read the auth DB once (QGIS may ask for the master password)
            self._stored_key = conn_mod.load_connection(with_key=True).api_key
        return conn_mod.Connection(base, self._stored_key)

    def client(self):
        """The client for the current fields (built on the main thread, no network); None + a message
        when no key is set."""
        try:
            conn = self._field_connection()
            from ..core.network import fingerprint

            # QGIS's network settings are part of the key: a change there applies to the next request
            key = (conn.base_url, conn.api_key, fingerprint(conn.base_url))
            if self._client is None or self._client_key != key:
                self._client = conn_mod.make_client(conn, **self.panel.client_options)
                self._client_key = key
            return self._client
        except (conn_mod.ConnectionSetupError, PixxelError) as exc:
            self.connection_status.setText(str(exc))
            self.panel.warn(str(exc))
            return None

    def save_connection(self):
        try:
            conn = conn_mod.save_connection(self.base_url_edit.text(), self.api_key_edit.text())
        except conn_mod.ConnectionSetupError as exc:
            self.panel.error(str(exc))
            return
        self.base_url_edit.setText(conn.base_url)
        if conn.api_key:
            self._stored_key = conn.api_key
        self.api_key_edit.clear()
        self._update_key_placeholder()
        self._client = None
        if conn_mod.has_stored_key():
            self.connection_status.setText(tr("Saved. Using {url}.").format(url=conn.base_url))
            self.panel.message(tr("Connection saved; the API key is in the QGIS authentication database."),
                               Qgis.MessageLevel.Success)
            self.saved.emit()
        else:
            self.connection_status.setText(tr("Saved the base URL. Enter your API key and press Save."))
            self.panel.warn(tr("No API key is stored yet: enter your Pixxel API key and press Save."))

    def test_connection(self):
        def check(client):
            pong = client.ping()
            client.list_projects(page_num=1, page_size=1)  # ping needs no key: this checks the key
            return pong

        def ok(_pong):
            text = tr("Connected to {url}; the API key works.").format(url=self._client_key[0])
            self.connection_status.setText(text)
            self.panel.message(text, Qgis.MessageLevel.Success)

        def failed(msg):
            text = tr("Connection failed: {error}").format(error=msg)
            self.connection_status.setText(text)
            self.panel.error(text)

        self.connection_status.setText(tr("Testing…"))
        if self.panel.call(tr("Pixxel: test connection"), check, ok, failed, [self.test_button]) is None:
            self.connection_status.setText(tr("Not tested: no API key."))
