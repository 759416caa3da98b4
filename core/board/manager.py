"""The boards of the current project: one poller per connection's board layer, started when a project is
read (reopening a ``.qgz`` resumes watching), stopped when the project is cleared or the plugin unloads."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from qgis.core import Qgis, QgsMessageLog, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..settings import BOARD_URL_PROPERTY, KEY_BOARD_MAX_PER_MINUTE, KEY_GPKG_FOLDER, LOG_TAG
from . import layer as board_layer
from .poller import BoardPoller
from .schedule import DEFAULT_MAX_PER_MINUTE, Schedule


def stored_client(base_url: str, **client_options):
    """A client for the saved connection when it is the board's connection (the key goes nowhere else);
    else None."""
    from .. import connection

    try:
        conn = connection.load_connection()
        if connection.normalize_base_url(conn.base_url) != base_url or not conn.api_key:
            return None
        return connection.make_client(conn, **client_options)
    except Exception as exc:  # noqa: BLE001 - the board waits; the panel shows connection problems
        QgsMessageLog.logMessage(f"AOI board: no client for {base_url}: {exc}", LOG_TAG, Qgis.MessageLevel.Info)
        return None


def _network_fingerprint(base_url: str) -> str:
    from ..network import fingerprint

    try:
        return fingerprint(base_url)
    except Exception:  # noqa: BLE001 - no fingerprint: keep the client
        return ""


class BoardManager(QObject):
    reachedFinal = pyqtSignal(object)  # an AOI of any board reached a final status
    aoiChanged = pyqtSignal(object)
    boardOpened = pyqtSignal(str)  # a connection's board has a poller (and its BoardModel) now
    boardClosed = pyqtSignal(str)  # ... no longer (project closed, layer removed): its model goes away

    def __init__(self, project: Optional[QgsProject] = None,
                 client_factory: Optional[Callable[[str], Any]] = None,
                 schedule_options: Optional[dict] = None, tick_ms: int = 1000, folder: Optional[str] = None,
                 parent=None):
        super().__init__(parent)
        self.project = project or QgsProject.instance()
        self.client_factory = client_factory or stored_client
        self.schedule_options = dict(schedule_options or {})
        self.tick_ms = tick_ms
        self.folder = folder
        self.pollers: Dict[str, BoardPoller] = {}
        self._connections: list = []
        cleared = getattr(self.project, "aboutToBeCleared", None) or self.project.cleared
        for signal, slot in ((self.project.readProject, self._project_read), (cleared, self.stop_all),
                             (self.project.layersWillBeRemoved, self._layers_removed)):
            signal.connect(slot)
            self._connections.append((signal, slot))
        self.resume()

    # ------------------------------------------------------------------ project life
    def _project_read(self, *_):
        self.resume()

    def resume(self) -> None:
        """A poller for every board layer of the project that has none; each watches its non-final AOIs."""
        for layer in board_layer.board_layers(self.project):
            url = layer.customProperty(BOARD_URL_PROPERTY)
            if url and url not in self.pollers:
                poller = self._poller(layer, url)
                if len(poller.schedule):
                    poller.start()

    def _layers_removed(self, layer_ids):
        for url, poller in list(self.pollers.items()):
            if poller.layer is None or poller.layer.id() in layer_ids:
                poller.stop()
                del self.pollers[url]
                self.boardClosed.emit(url)
                poller.deleteLater()

    def stop_all(self, *_) -> None:
        while self.pollers:
            url, poller = self.pollers.popitem()
            poller.stop()
            self.boardClosed.emit(url)
            poller.deleteLater()

    def shutdown(self) -> None:
        """Stop every poller and let go of the project's signals (plugin unload)."""
        self.stop_all()
        while self._connections:
            signal, slot = self._connections.pop()
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass

    # ------------------------------------------------------------------ boards
    def _schedule(self) -> Schedule:
        options = dict(self.schedule_options)
        options.setdefault("max_per_minute", QgsSettings().value(KEY_BOARD_MAX_PER_MINUTE, DEFAULT_MAX_PER_MINUTE,
                                                                 type=float) or DEFAULT_MAX_PER_MINUTE)
        return Schedule(**options)

    def _poller(self, layer, url: str) -> BoardPoller:
        poller = BoardPoller(layer, lambda u=url: self.client_factory(u), self._schedule(), self.tick_ms,
                             client_key=lambda u=url: _network_fingerprint(u), parent=self)
        poller.reachedFinal.connect(self.reachedFinal)
        poller.aoiChanged.connect(self.aoiChanged)
        self.pollers[url] = poller
        self.boardOpened.emit(url)
        return poller

    def connection_changed(self) -> None:
        """The saved connection changed (the panel's Save: key, base URL): every poller's next request uses a
        new client, the old key is not used again. (QGIS's network settings are followed without this: each
        poller makes a new client when they change.)"""
        for poller in self.pollers.values():
            poller.reset_client()

    def model(self, base_url: str):
        """The AOI records (core.board.model.BoardModel) of the connection's board when it is open, else None."""
        poller = self.pollers.get(base_url)
        return poller.model if poller is not None else None

    def board(self, base_url: str) -> BoardPoller:
        """The poller of the connection's board (its layer opened or made, and added to the project)."""
        poller = self.pollers.get(base_url)
        if poller is None:
            folder = self.folder or QgsSettings().value(KEY_GPKG_FOLDER, "", type=str) or None  # the Output folder
            poller = self._poller(board_layer.open_board(self.project, base_url, folder), base_url)
        return poller

    def watch(self, base_url: str, aoi: Any) -> BoardPoller:
        poller = self.board(base_url)
        poller.watch(aoi)
        return poller

    def record(self, base_url: str, aois) -> None:
        """The account's AOIs (the panel's list): on the board, the non-final ones watched."""
        poller = self.board(base_url)
        poller.watch_many(aois)
        return poller
