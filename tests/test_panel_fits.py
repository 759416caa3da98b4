"""The panel fits a dock 300 px wide: no tab scrolls sideways and no label or button is cut, with long ids and
names in every list. Long ids are elided in place and whole in the tooltip."""

import datetime as dt
from types import SimpleNamespace

import pytest
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QAbstractButton, QLabel, QScrollArea, QWidget

WIDTH = 300
LONG_ID = "TD2_000650_20230404_L2A_20240405_01001067_EXTRA_LONG_IDENTIFIER"
LONG_PATH = "/tmp/pixxel-demo-55eadwo7/gpkg/Demo_fields_Bengaluru_d0a6c1f2-8291-4b0c-a278-8c05ec426d22.gpkg"
LONG_NAME = "Fields north of Bengaluru along the outer ring road, second season"


def _items(n=3):
    props = SimpleNamespace(datetime=dt.datetime(2024, 4, 5, 6, 7), cloud_cover=12.5, platform="Pixxel-TD2",
                            gsd=5.0, off_nadir=3.2)
    return [SimpleNamespace(id=f"{LONG_ID}_{i}", properties=props, collection="pixxel-td2-l2a", geometry=None)
            for i in range(n)]


def _aois(n=3):
    return [SimpleNamespace(aoi_id=f"ce5dcc14-8291-4b0c-a278-8c05ec426d2{i}", name=f"{LONG_NAME} {i}",
                            status="partial_success", progress=100.0, created_at=dt.datetime(2024, 1, 1),
                            created_at_raw=None) for i in range(n)]


@pytest.fixture
def narrow(dock):
    """The panel filled with long texts, shown alone at 300 px wide."""
    return _fill_and_narrow(dock)


@pytest.fixture
def narrow_french(make_dock):
    """The same in French (longer words), as QGIS shows it with a French locale."""
    from pixxel_qgis import plugin

    translator = plugin.install_translator("fr")
    assert translator is not None
    try:
        yield _fill_and_narrow(make_dock())
    finally:
        plugin.remove_translator(translator)


def _fill_and_narrow(dock):
    dock.aoi_form._set_projects([SimpleNamespace(id="p1", display_name=LONG_NAME)])
    dock.aoi_form._set_satellites([SimpleNamespace(id="s1", name="Pixxel-TD2 (Firefly) hyperspectral", collections=[
        SimpleNamespace(id="pixxel-td2-l2a-long-collection", name="Pixxel TD2 L2A surface reflectance",
                        provider="pixxel")])])
    dock.images.item_table.set_items(_items())
    dock.images.search_status.setText(f"{len(_items())} image(s) found. Select the ones to include.")
    dock.aois._set_aois(_aois())
    dock.flow.create_status.setText(f"“{LONG_NAME}”: 240 assets loaded. Saved to {LONG_PATH}.")
    dock.aois.existing_status.setText(f"“{LONG_NAME}” (success): Saved to {LONG_PATH}.")
    dock.aoi_geometry.geometry_info.setText("Area: 28.14 km² · Vertices: 1,234 · 2 parts")
    dock.show()  # first laid out wider, as when the dock was docked
    dock.resize(520, 900)
    QTest.qWait(20)
    dock.setFloating(True)
    dock.resize(WIDTH, 900)
    QTest.qWait(50)
    dock.connection.connection_status.setText("Connected to http://127.0.0.1:40779; the API key works.")
    QTest.qWait(20)
    return dock


def _problems(dock):
    """What does not fit on the current tab: a sideways scroll bar, a label or button narrower than its text."""
    page = dock.tabs.currentWidget()
    found = []
    assert isinstance(page, QScrollArea)
    if page.horizontalScrollBar().isVisible() or page.widget().minimumSizeHint().width() > page.viewport().width():
        found.append(f"scrolls sideways: needs {page.widget().minimumSizeHint().width()} px, "
                     f"has {page.viewport().width()} px")
    for lab in page.findChildren(QLabel):
        shown = QLabel.text(lab)  # what is drawn (a StatusLabel elides long words)
        if not lab.isVisibleTo(dock) or not shown:
            continue
        if lab.wordWrap():
            if lab.heightForWidth(lab.contentsRect().width()) > lab.contentsRect().height() + 1:
                found.append(f"label cut (lines): {shown!r}")
            # one word wider than the label cannot wrap
            widest = max(lab.fontMetrics().horizontalAdvance(w) for w in shown.split())
            if widest > lab.contentsRect().width():
                found.append(f"label cut (word): {shown!r}")
        elif lab.fontMetrics().horizontalAdvance(shown) > lab.contentsRect().width():
            found.append(f"label cut: {shown!r} ({lab.width()} px)")
    for widget in page.findChildren(QWidget):  # a widget cut off by its parent (e.g. a row too short)
        parent = widget.parentWidget()
        if (widget.isVisibleTo(dock) and isinstance(widget, (QLabel, QAbstractButton)) and parent is not None
                and not parent.rect().contains(widget.geometry())):
            found.append(f"cut by its parent: {type(widget).__name__} {getattr(widget, 'text', str)()!r}")
    for button in page.findChildren(QAbstractButton):
        if button.isVisibleTo(dock) and button.text() and button.width() < button.sizeHint().width():
            found.append(f"button cut: {button.text()!r} ({button.width()} < {button.sizeHint().width()} px)")
    return found


def _tabs_that_do_not_fit(narrow):
    assert narrow.width() == WIDTH
    problems = {}
    for i in range(narrow.tabs.count()):
        narrow.tabs.setCurrentIndex(i)
        QTest.qWait(20)
        found = _problems(narrow)
        if found:
            problems[narrow.tabs.tabText(i)] = found
    return problems


def test_every_tab_fits_300_px(narrow):
    titles = [narrow.tabs.tabText(i) for i in range(narrow.tabs.count())]
    assert titles == ["Connection", "AOI", "Images", "Create", "AOIs", "Rasters"]
    assert not _tabs_that_do_not_fit(narrow)


def test_every_tab_fits_300_px_in_french(narrow_french):
    assert narrow_french.tabs.tabText(0) == "Connexion"
    assert not _tabs_that_do_not_fit(narrow_french)


def test_the_checks_see_a_panel_that_does_not_fit(narrow):
    """The test above would fail on a label wider than the dock (so it can fail)."""
    narrow.tabs.setCurrentIndex(0)
    QTest.qWait(20)
    assert not _problems(narrow)
    narrow.connection.layout().addRow(QLabel("A plain label far too long for a dock three hundred pixels wide"))
    QTest.qWait(20)
    assert _problems(narrow)


def test_long_ids_are_elided_with_the_whole_id_in_the_tooltip(narrow):
    table = narrow.images.item_table
    narrow.tabs.setCurrentIndex(2)
    QTest.qWait(20)
    cell = table.item(0, 0)
    assert cell.toolTip() == cell.text() and cell.text().startswith(LONG_ID)
    assert table.columnWidth(0) < table.fontMetrics().horizontalAdvance(cell.text())  # shown elided
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    aoi_tip = narrow.aois.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert aoi_tip.startswith("ce5dcc14-8291-4b0c-a278-8c05ec426d2")
    combo = narrow.aoi_form.satellite_combo
    assert combo.toolTip() == combo.currentText() and "surface reflectance" in combo.toolTip()


def test_a_long_path_in_a_status_is_elided_with_the_whole_text_in_the_tooltip(narrow):
    narrow.tabs.setCurrentIndex(3)
    QTest.qWait(20)
    status = narrow.flow.create_status
    assert status.text().endswith(f"Saved to {LONG_PATH}.")  # the text itself is whole
    assert LONG_PATH not in status.shown_text() and "…" in status.shown_text()
    assert status.toolTip() == status.text()
