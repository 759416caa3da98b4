"""A headless stand-in for QGIS's QgisInterface, for the demo and the tests (never shipped in the zip).

Unlike pytest-qgis's stub, toolbars, docks and Web menu entries really are added to (and removed from)
a QMainWindow, so what a plugin leaves behind can be counted; messages pushed to the message bar are
recorded in `messages` as (title, text, level, duration).
"""

from __future__ import annotations

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtWidgets import QMainWindow


class RecordingMessageBar(QgsMessageBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.messages: list[tuple] = []

    def pushMessage(self, title="", text="", level=Qgis.Info, duration=-1, **_):  # noqa: N802
        self.messages.append((title, text, level, duration))

    def pushInfo(self, title, text):  # noqa: N802
        self.pushMessage(title, text, Qgis.Info)

    def pushSuccess(self, title, text):  # noqa: N802
        self.pushMessage(title, text, Qgis.Success)

    def pushWarning(self, title, text):  # noqa: N802
        self.pushMessage(title, text, Qgis.Warning)

    def pushCritical(self, title, text):  # noqa: N802
        self.pushMessage(title, text, Qgis.Critical)

    def texts(self, *levels) -> list[str]:
        return [m[1] for m in self.messages if not levels or m[2] in levels]


class HeadlessIface(QObject):
    """The parts of QgisInterface the plugin uses, behaving like QGIS (offscreen window, real widgets)."""

    def __init__(self, show: bool = True):
        super().__init__()
        self._main = QMainWindow()
        self._main.setObjectName("QgisApp")
        self._canvas = QgsMapCanvas(self._main)
        self._main.setCentralWidget(self._canvas)
        self._bar = RecordingMessageBar(self._main)
        self._active_layer = None
        self.web_menu = None
        if show:
            self._main.show()  # docks are only "user visible" in a shown window (offscreen is fine)

    # window, canvas, message bar
    def mainWindow(self):  # noqa: N802
        return self._main

    def mapCanvas(self):  # noqa: N802
        return self._canvas

    def messageBar(self):  # noqa: N802
        return self._bar

    def activeLayer(self):  # noqa: N802
        return self._active_layer

    def setActiveLayer(self, layer):  # noqa: N802
        self._active_layer = layer
        return True

    def addVectorLayer(self, path, name, provider):  # noqa: N802
        from qgis.core import QgsVectorLayer

        layer = QgsVectorLayer(path, name, provider)
        return QgsProject.instance().addMapLayer(layer) if layer.isValid() else None

    # toolbars and docks
    def addToolBar(self, name):  # noqa: N802
        return self._main.addToolBar(name)

    def addDockWidget(self, area, dock):  # noqa: N802
        self._main.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self._main.removeDockWidget(dock)

    # Web menu: "&Web" > <plugin menu> > action, removed again when empty (as QGIS does)
    def addPluginToWebMenu(self, name, action):  # noqa: N802
        if self.web_menu is None:
            self.web_menu = self._main.menuBar().addMenu("&Web")
        sub = self._submenu(name) or self.web_menu.addMenu(name)
        sub.addAction(action)

    def removePluginWebMenu(self, name, action):  # noqa: N802
        sub = self._submenu(name)
        if sub is None:
            return
        sub.removeAction(action)
        if not sub.actions():
            self.web_menu.removeAction(sub.menuAction())
            sub.deleteLater()
        if not self.web_menu.actions():
            self._main.menuBar().removeAction(self.web_menu.menuAction())
            self.web_menu.deleteLater()
            self.web_menu = None

    def _submenu(self, name):
        if self.web_menu is None:
            return None
        for act in self.web_menu.actions():
            if act.menu() is not None and act.text() == name:
                return act.menu()
        return None

    def close(self):
        self._main.close()
        self._main.deleteLater()
