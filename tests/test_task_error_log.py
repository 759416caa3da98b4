"""An unexpected exception inside a task: the user gets its own short text, the Pixxel log its traceback
(the formatting itself is tested without QGIS, under Python 3.9 too, in test_error_report.py)."""

import time

from pixxel_qgis.core.tasks import tasks
from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtTest import QTest


def test_unexpected_exception_is_shown_short_and_logged_in_full(qgis_app):
    logged, errors = [], []

    def on_log(message, tag, level):
        if tag == tasks.LOG_TAG:
            logged.append((message, level))

    def broken_parser():
        return {"path": "x"}["band_list"]

    log = QgsApplication.messageLog()
    log.messageReceived.connect(on_log)
    try:
        task = tasks.ApiCallTask("t", broken_parser, on_error=errors.append)
        tasks.TaskKeeper().start(task)
        end = time.monotonic() + 20
        while not (task.done and logged) and time.monotonic() < end:
            QTest.qWait(20)
    finally:
        log.messageReceived.disconnect(on_log)
    assert errors == ["Unexpected error: 'band_list'. Details are in the Pixxel tab of the Log Messages panel."]
    [(text, level)] = logged
    assert level == Qgis.MessageLevel.Critical
    assert text.startswith("Traceback (most recent call last):") and "in broken_parser" in text
    assert text.rstrip().endswith("KeyError: 'band_list'")
