"""dev/qt6_lint.py (make lint-qt6) flags Qt5-only idioms, judged against PyQt6's stubs (here a tiny stand-in)."""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)

ROOT = Path(__file__).resolve().parents[1]
STUB_CORE = '''
import enum
class Qt(PyQt6.sip.simplewrapper):
    class AlignmentFlag(enum.IntFlag):
        AlignLeft = ... # type: Qt.AlignmentFlag
    class ItemDataRole(enum.IntEnum):
        UserRole = ... # type: Qt.ItemDataRole
class QObject(PyQt6.sip.wrapper):
    def deleteLater(self) -> None: ...
class QVariant(PyQt6.sip.simplewrapper):
    def isNull(self) -> bool: ...
def qVersion() -> str: ...
QT_VERSION_STR = ... # type: str
pyqtSignal = ... # type: typing.Any
'''
STUB_WIDGETS = '''
import enum
class QAbstractItemView(QtCore.QObject):
    class SelectionMode(enum.Enum):
        SingleSelection = ... # type: QAbstractItemView.SelectionMode
class QTableWidget(QAbstractItemView):
    def rowCount(self) -> int: ...
class QDialog(QtCore.QObject):
    def exec(self) -> int: ...
'''
STUB_GUI = '''
class QAction(QtCore.QObject):
    def trigger(self) -> None: ...
'''


@pytest.fixture
def lint(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("qt6_lint", ROOT / "dev" / "qt6_lint.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "qt6_lint", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    stubs = tmp_path / "PyQt6"
    stubs.mkdir()
    (stubs / "QtCore.pyi").write_text(STUB_CORE)
    (stubs / "QtWidgets.pyi").write_text(STUB_WIDGETS)
    (stubs / "QtGui.pyi").write_text(STUB_GUI + "\ndef broken(*args, /) -> None: ...\n")  # real stubs do this

    def run(code):
        src = tmp_path / "plugin_code.py"
        src.write_text(textwrap.dedent(code))
        checker = module.Checker(src, src.read_text(), module.PyQt6Stubs(stubs))
        checker.visit(module.ast.parse(src.read_text()))
        return checker.findings

    return run


def test_scoped_enums_exec_and_pyqt6_names_pass(lint):
    assert lint("""
        from qgis.PyQt.QtCore import QT_VERSION_STR, Qt, pyqtSignal, qVersion
        from qgis.PyQt.QtWidgets import QAbstractItemView, QAction, QDialog, QTableWidget
        a = Qt.AlignmentFlag.AlignLeft | Qt.ItemDataRole.UserRole
        QTableWidget().setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        QDialog().exec()
        QTableWidget.deleteLater
    """) == []


def test_unscoped_enums_are_flagged_with_the_fix(lint):
    found = lint("""
        from qgis.PyQt.QtCore import Qt
        from qgis.PyQt import QtWidgets
        from qgis.PyQt.QtWidgets import QTableWidget as Table
        x = Qt.AlignLeft
        Table().setSelectionMode(Table.SingleSelection)
        y = QtWidgets.QAbstractItemView.SingleSelection
    """)
    assert any("Qt.AlignLeft: write Qt.AlignmentFlag.AlignLeft" in f for f in found)
    assert any("write QAbstractItemView.SelectionMode.SingleSelection" in f and ":6:" in f for f in found)
    assert any(":7:" in f and "SelectionMode.SingleSelection" in f for f in found)
    assert len(found) == 3


def test_pyqt5_only_names_are_flagged(lint):
    found = lint("""
        from PyQt5.QtCore import Qt
        from qgis.PyQt.QtCore import QRegExp, QVariant
        from qgis.PyQt.QtWidgets import QDialog, QAction
        from qgis.PyQt.QtGui import QTableWidget
        QDialog().exec_()
        t = QVariant.Type
        ok = QVariant.Type  # qt6-lint: ok guarded by a QGIS version check
    """)
    text = "\n".join(found)
    assert ":2: imports from PyQt5.QtCore" in text
    assert "QRegExp is not in PyQt6.QtCore (not in PyQt6 at all)" in text
    assert "QTableWidget is not in PyQt6.QtGui (PyQt6 has it in QtWidgets)" in text
    assert ":6: exec_() is PyQt5-only" in text
    assert ":7: QVariant.Type does not exist in PyQt6" in text
    assert ":8:" not in text and "QAction" not in text  # QGIS's qgis.PyQt.QtWidgets keeps QAction on Qt6


def test_metadata_lets_qgis_4_load_the_plugin():
    import configparser

    meta = configparser.ConfigParser()
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    general = meta["general"]
    assert general.getboolean("supportsQt6") is True  # QGIS 4 (Qt6) skips plugins without it
    assert int(general["qgisMaximumVersion"].split(".")[0]) >= 4
    assert general["qgisMinimumVersion"] == "3.22"
