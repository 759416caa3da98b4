"""The plugin loads, toggles its dock, unloads and reloads three times and leaves nothing behind."""

import importlib.machinery
import sys
import types
from pathlib import Path

import pytest
from pixxel_qgis import classFactory
from pixxel_qgis.plugin import ACTION_OBJECT_NAME, MENU_NAME, TOOLBAR_OBJECT_NAME
from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QLabel, QMenu, QPushButton, QToolBar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from headless_iface import HeadlessIface

pytestmark = pytest.mark.usefixtures("qgis_app")



def flush_deletes():
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QCoreApplication.processEvents()


def snapshot(iface):
    """What a user could see of a plugin. Qt's own untitled helpers (the menu bar's extension menu,
    created lazily once the bar is laid out) are not counted."""
    main = iface.mainWindow()
    return {
        "toolbars": len(main.findChildren(QToolBar)),
        "actions": sorted(a.text() for a in main.findChildren(QAction) if a.text()),
        "docks": len(main.findChildren(QDockWidget)),
        "menus": sorted(m.title() for m in main.findChildren(QMenu) if m.title()),
        "menubar": [a.text() for a in main.menuBar().actions()],
        "pixxel_objects": len([o for o in main.findChildren(QObject) if o.objectName().startswith("Pixxel")]),
    }


@pytest.fixture
def iface():
    iface = HeadlessIface()
    yield iface
    iface.close()
    flush_deletes()


class FakeProvider(QgsProcessingProvider):
    def id(self):
        return "pixxel_test_fake"

    def name(self):
        return "Pixxel (test)"

    def loadAlgorithms(self):  # noqa: N802
        pass


@pytest.fixture
def fake_processing_provider(monkeypatch):
    """Stand in for processing_provider/ (written later by another engineer)."""
    pkg_name = "pixxel_qgis.processing_provider"
    pkg = types.ModuleType(pkg_name)
    pkg.__path__ = []
    pkg.__spec__ = importlib.machinery.ModuleSpec(pkg_name, None, is_package=True)
    mod = types.ModuleType(pkg_name + ".provider")
    mod.PixxelProvider = FakeProvider
    monkeypatch.setitem(sys.modules, pkg_name, pkg)
    monkeypatch.setitem(sys.modules, pkg_name + ".provider", mod)
    monkeypatch.setattr(sys.modules["pixxel_qgis"], "processing_provider", pkg, raising=False)
    return "pixxel_test_fake"


def test_load_unload_reload_three_times_leaves_nothing(iface, fake_processing_provider):
    registry = QgsApplication.processingRegistry()
    baseline = snapshot(iface)
    assert registry.providerById(fake_processing_provider) is None

    for _ in range(3):
        plugin = classFactory(iface)
        plugin.initGui()
        assert iface.messageBar().messages == []
        loaded = snapshot(iface)
        assert loaded["menubar"] == baseline["menubar"] + ["&Web"]
        assert loaded["toolbars"] == baseline["toolbars"] + 1 and "Pixxel" in loaded["actions"]

        toolbar = iface.mainWindow().findChild(QToolBar, TOOLBAR_OBJECT_NAME)
        assert toolbar is not None and toolbar.windowTitle() == "Pixxel"
        action = plugin.action
        assert action.objectName() == ACTION_OBJECT_NAME and action.isCheckable()
        assert action in toolbar.actions()
        assert not action.icon().isNull()
        assert [a.text() for a in iface.web_menu.actions()] == [MENU_NAME]
        assert action in iface.web_menu.actions()[0].menu().actions()
        assert registry.providerById(fake_processing_provider) is not None

        # The action opens the dock (created on first use), and follows the dock when it is closed.
        assert plugin.dock is None
        action.trigger()
        dock = plugin.dock
        assert dock is not None and dock.isUserVisible() and action.isChecked()
        assert iface.mainWindow().findChildren(QDockWidget) == [dock]
        dock.close()
        assert not action.isChecked()
        action.trigger()
        assert dock.isUserVisible() and action.isChecked()
        action.trigger()
        assert not dock.isUserVisible()
        action.trigger()

        plugin.unload()
        flush_deletes()
        assert sip.isdeleted(dock)
        assert sip.isdeleted(action)
        assert sip.isdeleted(toolbar)
        assert plugin._connections == []
        assert plugin.dock is None and plugin.action is None and plugin.toolbar is None
        assert registry.providerById(fake_processing_provider) is None
        assert iface.web_menu is None
        assert snapshot(iface) == baseline


def test_unload_without_ever_opening_the_dock(iface):
    baseline = snapshot(iface)
    plugin = classFactory(iface)
    plugin.initGui()
    plugin.unload()
    flush_deletes()
    assert snapshot(iface) == baseline


def test_unload_stops_the_release_thread_and_frees_what_it_still_kept(iface):
    """A loaded asset preview is freed later in a helper thread; unloading the plugin must not leave that
    thread running, nor a layer waiting for a timer of an unloaded module."""
    from pixxel_qgis.core.tasks import tasks
    from qgis.core import QgsVectorLayer

    plugin = classFactory(iface)
    plugin.initGui()
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "preview", "memory")
    tasks.release_off_main_thread(layer, delay_ms=600_000)
    assert tasks.release_thread_running() and not sip.isdeleted(layer)
    plugin.unload()
    flush_deletes()
    assert not tasks.release_thread_running(), "the release thread outlived the plugin"
    assert sip.isdeleted(layer), "the layer kept for release was not freed at unload"


def test_missing_dependency_still_loads_and_says_how_to_fix(iface, monkeypatch):
    monkeypatch.setitem(sys.modules, "shapely", None)
    baseline = snapshot(iface)
    plugin = classFactory(iface)
    plugin.initGui()  # no exception

    bar = iface.messageBar()
    button = bar.findChild(QPushButton, "PixxelMessageBarInstall")
    assert button is not None and button.text() == "Install missing packages"
    assert "shapely>=2" in plugin.missing_text and "Install missing packages" in plugin.missing_text
    assert "-m pip install --target" in plugin.missing_text
    # the Processing provider is there anyway (its algorithms say what to install)
    assert QgsApplication.processingRegistry().algorithmById("pixxel:createaoi") is not None

    plugin.action.trigger()
    section = plugin.dock.install_section
    assert section.findChild(QLabel, "PixxelMissingDependencies").text().count("shapely>=2") == 1
    command = section.command_view.toPlainText()
    assert "-m pip install --target" in command and "shapely>=2" in command
    assert section.command_view.isReadOnly() and section.install_button.isEnabled()

    plugin.unload()
    flush_deletes()
    assert QgsApplication.processingRegistry().providerById("pixxel") is None
    assert snapshot(iface) == baseline


def test_works_with_the_pytest_qgis_iface(qgis_iface):
    """The stock pytest-qgis stub (MagicMock for menus) is enough to load, open and unload."""
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    plugin.action.trigger()
    assert plugin.dock is not None and plugin.action.isChecked()
    plugin.unload()
    flush_deletes()
    assert plugin.dock is None and plugin.action is None
