"""PixxelPlugin: the toolbar button, the Web menu entry, the dock panel and the Processing provider.

Everything initGui() adds is recorded and removed again by unload(), so the plugin can be loaded,
unloaded and reloaded (Plugin Reloader, Plugin Manager) without leaving actions, docks, menu entries
or signal connections behind.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsSettings
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QPushButton, QScrollArea, QVBoxLayout, QWidget

from . import deps
from .core.settings import KEY_QGIS_LOCALE, KEY_QGIS_LOCALE_OVERRIDE, LOG_TAG
from .i18n import tr

PLUGIN_NAME = "Pixxel"
MENU_NAME = "&Pixxel"
TOOLBAR_OBJECT_NAME = "PixxelToolbar"
ACTION_OBJECT_NAME = "PixxelAction"
DOCK_OBJECT_NAME = "PixxelDockWidget"
PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))
I18N_DIR = os.path.join(PLUGIN_DIR, "i18n")


def qgis_language() -> str:
    """The language of QGIS's interface, e.g. "fr": Settings > Options > General > Override System Locale
    (``locale/userLocale`` when ``locale/overrideFlag`` is set), else the system's locale."""
    settings = QgsSettings()
    name = ""
    if settings.value(KEY_QGIS_LOCALE_OVERRIDE, False, type=bool):
        name = settings.value(KEY_QGIS_LOCALE, "", type=str)
    return (name or QLocale.system().name() or "en")[:2].lower()


def install_translator(language: str | None = None) -> QTranslator | None:
    """Load i18n/pixxel_qgis_<language>.qm into the application; None when there is no such translation
    (English, the source language, needs none). The caller removes it again (``remove_translator``)."""
    path = os.path.join(I18N_DIR, f"pixxel_qgis_{language or qgis_language()}.qm")
    translator = QTranslator()
    if not os.path.isfile(path) or not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: QTranslator | None) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


class _MissingDependenciesDock(QgsDockWidget):
    """Stands in for the panel while pydantic/shapely/requests are missing: "Install missing packages"
    (ui.install_section), the manual command, and Diagnostics. ``installed`` fires once they are there."""

    def __init__(self, missing, text: str, parent=None):
        super().__init__(PLUGIN_NAME, parent)
        self.setObjectName(DOCK_OBJECT_NAME)
        from .ui.diagnostics_dialog import diagnostics_button
        from .ui.install_section import InstallSection

        body = QWidget()
        layout = QVBoxLayout(body)
        self.install_section = InstallSection(missing, body)
        self.install_section.setToolTip(text)
        layout.addWidget(self.install_section)
        layout.addWidget(diagnostics_button(body))
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)

    def shutdown(self):
        self.install_section.shutdown()


class PixxelPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.action: QAction | None = None
        self.toolbar = None
        self.dock = None
        self.provider = None
        self.board = None  # core.board.manager.BoardManager: the AOI board's pollers
        self.missing: list = []
        self.missing_text = ""
        self._connections: list = []  # (signal, slot) pairs made by this plugin, undone by unload()
        self._missing_item = None  # the message bar's "Install missing packages" message
        self.translator = install_translator()  # before anything makes a widget or an algorithm

    # ------------------------------------------------------------------ QGIS entry points
    def initProcessing(self):  # noqa: N802 (name fixed by QGIS; also called by qgis_process)
        # Always: without the packages the algorithms are listed and fail with the install message.
        self._register_processing()

    def initGui(self):  # noqa: N802 (name fixed by QGIS)
        self.missing, self.missing_text = deps.check()

        main_window = self.iface.mainWindow()
        self.action = QAction(QIcon(os.path.join(PLUGIN_DIR, "icon.svg")), PLUGIN_NAME, main_window)
        self.action.setObjectName(ACTION_OBJECT_NAME)
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Show or hide the Pixxel panel"))
        self.action.setStatusTip(tr("Show or hide the Pixxel panel"))
        self._connect(self.action.toggled, self._on_action_toggled)

        self.toolbar = self.iface.addToolBar(PLUGIN_NAME)
        self.toolbar.setObjectName(TOOLBAR_OBJECT_NAME)
        self.toolbar.addAction(self.action)
        self.iface.addPluginToWebMenu(MENU_NAME, self.action)

        if self.missing:
            self._push_missing_message()
            QgsMessageLog.logMessage(self.missing_text, LOG_TAG, Qgis.MessageLevel.Warning)
        self._register_processing()
        self._start_board()

    # ------------------------------------------------------------------ missing packages
    def _push_missing_message(self):
        bar = self.iface.messageBar()
        names = ", ".join(m.describe() for m in self.missing)
        item = bar.createMessage(PLUGIN_NAME, tr("Python packages missing in QGIS's Python: {names}.").format(
            names=names))
        button = QPushButton(tr("Install missing packages"))
        button.setObjectName("PixxelMessageBarInstall")
        button.clicked.connect(self.install_missing_packages)
        item.layout().addWidget(button)
        self._missing_item = item
        bar.pushWidget(item, Qgis.MessageLevel.Warning, 0)

    def install_missing_packages(self, wheel_dir=None):
        """Open the panel and start "Install missing packages" (the message bar's button)."""
        self._dismiss_missing_message()
        if self.action is not None and not self.action.isChecked():
            self.action.setChecked(True)
        if isinstance(self.dock, _MissingDependenciesDock):
            return self.dock.install_section.start(wheel_dir if isinstance(wheel_dir, str) else None)
        return None

    def _dismiss_missing_message(self):
        item, self._missing_item = getattr(self, "_missing_item", None), None
        if item is not None:
            try:
                self.iface.messageBar().popWidget(item)
            except RuntimeError:  # already closed by the user
                pass

    def _dependencies_installed(self):
        """The packages are importable now: the real panel and working algorithms, without a restart."""
        self.missing, self.missing_text = deps.check()
        if self.missing:
            return
        self._dismiss_missing_message()
        old = self.dock
        if isinstance(old, _MissingDependenciesDock):
            visible = old.isUserVisible()
            self.dock = None
            old.shutdown()
            self.iface.removeDockWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
            try:
                self.dock = self._create_dock()
                self.dock.setUserVisible(visible)
            except Exception:  # noqa: BLE001 - logged; the plugin stays usable
                self._log_exception("Could not open the Pixxel panel")
        if self.provider is not None:
            self.provider.refreshAlgorithms()
        self._start_board()
        self.iface.messageBar().pushMessage(
            PLUGIN_NAME, tr("The Python packages are installed; the Pixxel panel and algorithms are ready."),
            level=Qgis.MessageLevel.Success, duration=8)

    def unload(self):
        self._dismiss_missing_message()
        self._stop_board()
        self._unregister_processing()
        # Disconnect first so that removing the dock does not toggle the (dying) action back.
        self._disconnect_all()
        if self.dock is not None:
            dock, self.dock = self.dock, None
            try:
                dock.shutdown()
            except Exception:  # noqa: BLE001 - unload must finish whatever the dock does
                self._log_exception(tr("Pixxel panel shutdown failed"))
            self.iface.removeDockWidget(dock)
            dock.hide()
            dock.setParent(None)
            dock.deleteLater()
        self._stop_release_thread()
        if self.action is not None:
            action, self.action = self.action, None
            self.iface.removePluginWebMenu(MENU_NAME, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            action.deleteLater()
        if self.toolbar is not None:
            toolbar, self.toolbar = self.toolbar, None
            main_window = self.iface.mainWindow()
            if main_window is not None:
                main_window.removeToolBar(toolbar)
            toolbar.setParent(None)
            toolbar.deleteLater()
        remove_translator(self.translator)
        self.translator = None
        self._let_qgis_forget_all_modules()

    def _stop_release_thread(self):
        """Loaded asset previews are freed in a helper thread (core.tasks.tasks): stop it with the plugin."""
        tasks = sys.modules.get(f"{__package__}.core.tasks.tasks")  # never imported: nothing to stop
        if tasks is not None:
            tasks.stop_release_thread()

    # ------------------------------------------------------------------ AOI board
    def _start_board(self):
        """The AOI board's pollers: resume the boards of the open project, follow project changes."""
        if self.board is not None or self.missing:
            return
        try:
            from .core.board import hub
            from .core.board.manager import BoardManager

            self.board = BoardManager()
            self.board.reachedFinal.connect(self._aoi_reached_final)
            hub.attach(self.board)  # AOIs created through Processing go on the board too
        except Exception:  # noqa: BLE001 - logged; the rest of the plugin works without the board
            self._log_exception(tr("The Pixxel AOI board could not start"))
        if self.dock is not None and not isinstance(self.dock, _MissingDependenciesDock):
            self.dock.board = self.board

    def _stop_board(self):
        board, self.board = self.board, None
        if board is not None:
            try:
                from .core.board import hub

                hub.detach(board)
                board.shutdown()
            except Exception:  # noqa: BLE001 - unload must finish
                self._log_exception(tr("The Pixxel AOI board did not stop cleanly"))
            board.deleteLater()

    def _aoi_reached_final(self, aoi):
        from .ui.board_note import push_final_note

        push_final_note(self.iface.messageBar(), aoi, self.load_aoi_assets)

    def load_aoi_assets(self, aoi):
        """Open the panel and load an AOI's boundary and assets (the board note's button)."""
        if self.action is not None and not self.action.isChecked():
            self.action.setChecked(True)
        if self.dock is not None and hasattr(self.dock, "aois"):
            self.dock.aois.load_aoi(aoi)

    # ------------------------------------------------------------------ dock
    def _create_dock(self):
        if self.missing:
            dock = _MissingDependenciesDock(self.missing, self.missing_text, parent=self.iface.mainWindow())
            dock.install_section.installed.connect(self._dependencies_installed)
        else:
            from .ui import dock as dock_module  # imports the client: only once deps are known good

            dock = dock_module.PixxelDockWidget(self.iface, parent=self.iface.mainWindow())
            dock.board = self.board
        if not dock.objectName():
            dock.setObjectName(DOCK_OBJECT_NAME)
        dock.setWindowIcon(QIcon(os.path.join(PLUGIN_DIR, "icon.svg")))
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._connect(dock.openedStateChanged, self._on_dock_opened_changed)
        return dock

    def _on_action_toggled(self, checked: bool):
        if checked and self.dock is None:
            try:
                self.dock = self._create_dock()
            except Exception:  # noqa: BLE001 - a broken panel must not break QGIS: logged, shown
                self._log_exception(tr("Could not open the Pixxel panel"))
                self.iface.messageBar().pushMessage(
                    PLUGIN_NAME,
                    tr("Could not open the Pixxel panel; see the Pixxel tab of the message log."),
                    level=Qgis.MessageLevel.Critical,
                    duration=0,
                )
                self.action.blockSignals(True)
                self.action.setChecked(False)
                self.action.blockSignals(False)
                return
        if self.dock is not None:
            self.dock.setUserVisible(checked)

    def _on_dock_opened_changed(self, opened: bool):
        if self.action is not None and self.action.isChecked() != opened:
            self.action.setChecked(opened)

    # ------------------------------------------------------------------ Processing
    def _register_processing(self):
        """Register the Pixxel Processing provider when the processing_provider package exists."""
        if self.provider is not None:
            return
        try:
            if importlib.util.find_spec(f"{__package__}.processing_provider") is None:
                return
            from .processing_provider import provider as provider_module
        except Exception:  # noqa: BLE001 - a broken provider must not stop the plugin loading: logged
            self._log_exception(tr("The Pixxel Processing provider could not be imported"))
            return
        provider = provider_module.PixxelProvider()
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider

    def _unregister_processing(self):
        if self.provider is not None:
            provider, self.provider = self.provider, None
            QgsApplication.processingRegistry().removeProvider(provider)

    # ------------------------------------------------------------------ helpers
    def _connect(self, signal, slot):
        signal.connect(slot)
        self._connections.append((signal, slot))

    def _disconnect_all(self):
        while self._connections:
            signal, slot = self._connections.pop()
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # already gone with its sender
                pass

    @staticmethod
    def _let_qgis_forget_all_modules():
        """Have qgis.utils drop every pixxel_qgis module when it unloads the plugin.

        QGIS only removes the modules its import hook saw by name; a parent package that was imported
        implicitly (`from ..client.models import X` imports `client` too) would stay in sys.modules and
        serve stale code after an upgrade or reload. Only acts when QGIS loaded the plugin.
        """
        try:
            import qgis.utils

            tracked = getattr(qgis.utils, "_plugin_modules", {}).get(__package__)
            if tracked is not None:
                prefix = __package__ + "."
                tracked.update(name for name in list(sys.modules) if name.startswith(prefix))
        except Exception:  # noqa: BLE001 - private QGIS API: never let it break unloading
            pass

    @staticmethod
    def _log_exception(what: str):
        QgsMessageLog.logMessage(f"{what}:\n{traceback.format_exc()}", LOG_TAG, Qgis.MessageLevel.Critical)
