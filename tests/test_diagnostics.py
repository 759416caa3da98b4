"""The diagnostics report: versions, dependency folder, proxy mode, base URL and the last API errors (status,
endpoint, request id); never the API key, never the proxy password; shown from the panel."""

import json

from pixxel_qgis.core import connection, diagnostics
from pixxel_qgis.core.tasks.tasks import user_message
from pixxel_qgis.tests.loopback_server import Server
from pixxel_qgis.ui.diagnostics_dialog import DiagnosticsDialog
from qgis.core import QgsSettings
from qgis.PyQt.QtWidgets import QPushButton

KEY = "diag-key-9c2d41"
PASSWORD = "diag-proxy-pw-77"


def _failing_server():
    def handler(method, path, query, headers, body):
        body = json.dumps({"error": {"code": "BOOM", "message": f"echo {headers.get('Authorization')}"}})
        return 500, {"Content-Type": "application/json", "X-Request-Id": "req-4711"}, body.encode()

    return Server(handler)


def test_report_lists_the_last_errors_and_never_the_key_or_proxy_password(clean_connection, simulator):
    settings = QgsSettings()
    try:
        settings.setValue("proxy/proxyEnabled", True)
        settings.setValue("proxy/proxyType", "HttpProxy")
        settings.setValue("proxy/proxyHost", "proxy.example")
        settings.setValue("proxy/proxyPort", "3128")
        settings.setValue("proxy/proxyUser", "alice")
        settings.setValue("proxy/proxyPassword", PASSWORD)
        settings.setValue("proxy/noProxyUrls", [simulator.url, "http://127.0.0.1"])
        connection.save_connection(simulator.url, KEY)
        diagnostics.clear_errors()
        server = _failing_server()
        try:
            client = connection.make_client(connection.Connection(server.url, KEY), retry_budget_s=0, max_retries=0)
            try:
                client.list_projects()
            except Exception as exc:  # noqa: BLE001 - what a task does with it
                shown = user_message(exc)
        finally:
            server.close()
        assert KEY not in shown
        dialog = DiagnosticsDialog()
        text = dialog.text.toPlainText()
    finally:
        for key in ("proxyEnabled", "proxyType", "proxyHost", "proxyPort", "proxyUser", "proxyPassword",
                    "noProxyUrls"):
            settings.remove(f"proxy/{key}")
    assert dialog.text.isReadOnly()
    assert "Pixxel for QGIS diagnostics" in text and "QGIS: 3." in text and "Qt: 5." in text
    assert "Python: 3." in text and "Platform: " in text and "Dependency folder: " in text
    assert "pydantic: 2." in text and "numpy: " in text
    assert f"Base URL: {simulator.url}" in text and "API key stored: yes" in text
    assert "Proxy: HTTP proxy proxy.example:3128 (user 'alice', password set)" in text
    assert "ServerError, HTTP 500, GET /v0/projects, code BOOM, request id req-4711" in text
    assert KEY not in text and PASSWORD not in text


def test_the_panel_has_the_diagnostics_action(qgis_iface, clean_connection):
    from pixxel_qgis.ui.dock import PixxelDockWidget

    dock = PixxelDockWidget(qgis_iface)
    try:
        assert dock.findChild(QPushButton, "PixxelDiagnosticsButton") is not None
    finally:
        dock.shutdown()
        dock.deleteLater()
