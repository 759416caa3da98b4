"""Where AOIs made outside the panel (the Processing algorithms, the example model) reach the plugin's AOI board.

The plugin attaches its ``BoardManager`` when it starts (``attach``) and detaches it when it unloads. An
algorithm calls ``aoi_created(base_url, aoi)`` from any thread (Processing runs algorithms on a worker thread);
the AOI is handed to the main thread through a queued signal and goes on the board of the saved connection,
watched there like an AOI made in the panel. Without the plugin's GUI (``qgis_process``, a script) nothing is
attached and the call does nothing: there is no board.
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..settings import LOG_TAG


class _Relay(QObject):
    """Lives on the main thread: a signal emitted on a worker thread reaches ``deliver`` queued."""

    created = pyqtSignal(str, object)

    def __init__(self, manager):
        super().__init__()
        self.manager = manager
        self.created.connect(self.deliver)

    def deliver(self, base_url: str, aoi: Any) -> None:
        from .. import connection

        manager = self.manager
        if manager is None:
            return
        try:
            if connection.normalize_base_url(base_url) != connection.stored_base_url():
                return  # the board only ever polls the saved connection
            manager.watch(connection.stored_base_url(), aoi)
        except Exception as exc:  # noqa: BLE001 - the algorithm's result does not depend on the board
            QgsMessageLog.logMessage(f"AOI board: {aoi.aoi_id} not added: {exc}", LOG_TAG, Qgis.MessageLevel.Warning)


_relay: Optional[_Relay] = None


def attach(manager) -> None:
    """The plugin's board receives the AOIs the algorithms create (main thread)."""
    global _relay
    detach()
    _relay = _Relay(manager)


def detach(manager=None) -> None:
    """No board any more (plugin unload); ``manager``: only if it is the one attached."""
    global _relay
    relay = _relay
    if relay is None or (manager is not None and relay.manager is not manager):
        return
    _relay = None
    relay.manager = None
    relay.deleteLater()


def attached() -> bool:
    return _relay is not None


def aoi_created(base_url: str, aoi: Any) -> bool:
    """An algorithm created (or saw the final status of) an AOI on ``base_url``: put it on the board when the
    plugin has one (any thread); False when there is none (``qgis_process``)."""
    relay = _relay
    if relay is None or aoi is None:
        return False
    relay.created.emit(base_url or "", aoi)
    return True
