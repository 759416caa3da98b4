"""Panel section "AOI": name (+ uniqueness check), description, project, satellite, provider, dates, cloud,
image search and its results table (with a footprint preview on the map)."""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox

from ..client.errors import PixxelError
from .item_table import ItemTable
from .widgets import CanvasPreview, Section, label, qdate_to_date, row

SEARCH_LIMIT = 500
PROVIDERS = ("pixxel", "planetary")


def _select_data(combo: QComboBox, data) -> None:
    """Select the entry holding ``data`` again after the combo was refilled (if it is still there)."""
    if data is None:
        return
    for i in range(combo.count()):
        if combo.itemData(i) == data:  # Python equality: the satellite entries are dicts
            combo.setCurrentIndex(i)
            return


class AoiFormSection(Section):
    def __init__(self, panel, geometry):
        super().__init__(panel, "AOI", "formGroup")
        self.geometry_section = geometry  # GeometrySection: the shapes to search for and to create
        self.footprints = CanvasPreview(panel.canvas, "#1f78b4", 2, 25)
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Required, unique among your AOIs")
        self.name_status = label()
        self.description_edit = QLineEdit()
        self.project_combo = QComboBox()
        self.satellite_combo = QComboBox()
        self.provider_combo = QComboBox()
        for p in PROVIDERS:
            self.provider_combo.addItem(p, p)
        self.refresh_lists_button = QPushButton("Reload projects and satellites")
        today = QDate.currentDate()
        self.start_date = QDateEdit(today.addYears(-3))
        self.end_date = QDateEdit(today)
        for d in (self.start_date, self.end_date):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.cloud_spin = QSpinBox()
        self.cloud_spin.setRange(0, 100)
        self.cloud_spin.setValue(100)
        self.cloud_spin.setSuffix(" %")
        self.search_button = QPushButton("Search images")
        self.search_status = label()
        self.item_table = ItemTable()
        self.footprints_button = QPushButton("Preview footprints")
        self.footprints_button.setCheckable(True)
        self.footprints_button.setChecked(True)
        form.addRow("Name", self.name_edit)
        form.addRow("", self.name_status)
        form.addRow("Description", self.description_edit)
        form.addRow("Project", self.project_combo)
        form.addRow("Satellite", self.satellite_combo)
        form.addRow("Provider", self.provider_combo)
        form.addRow(self.refresh_lists_button)
        form.addRow("Dates", row(self.start_date, QLabel("to"), self.end_date, None))
        form.addRow("Max cloud", self.cloud_spin)
        form.addRow(row(self.search_button, self.footprints_button, None))
        form.addRow(self.search_status)
        form.addRow(self.item_table)
        self.name_edit.editingFinished.connect(panel.slot(self.check_name))
        self.name_edit.textEdited.connect(lambda _t: self.name_status.setText(""))
        self.refresh_lists_button.clicked.connect(panel.slot(self.refresh_reference_data))
        self.satellite_combo.currentIndexChanged.connect(panel.slot(self._satellite_changed))
        self.search_button.clicked.connect(panel.slot(self.search_images))
        self.item_table.itemSelectionChanged.connect(panel.slot(self.draw_footprints))
        self.footprints_button.toggled.connect(panel.slot(self.draw_footprints))

    # ------------------------------------------------------------------ projects and satellites
    def refresh_reference_data(self):
        self.panel.call("Pixxel: list projects", lambda c: c.all_projects(), self._set_projects,
                        lambda m: self.panel.error(f"Could not list projects: {m}"), [self.refresh_lists_button])
        self.panel.call("Pixxel: list satellites", lambda c: c.list_satellites(), self._set_satellites,
                        lambda m: self.panel.error(f"Could not list satellites: {m}"))

    def _set_projects(self, projects):
        current = self.project_combo.currentData()
        self.project_combo.clear()
        for p in projects:
            text = getattr(p, "display_name", None) or getattr(p, "name", None) or p.id
            self.project_combo.addItem(str(text), str(p.id))
        _select_data(self.project_combo, current)

    def _set_satellites(self, satellites):
        current = self.satellite_combo.currentData()
        self.satellite_combo.clear()
        for sat in satellites:
            for col in list(getattr(sat, "collections", None) or []) or [None]:
                col_id = getattr(col, "id", None)
                text = str(sat.name or sat.id)
                if col is not None:
                    text += f" · {getattr(col, 'name', None) or col_id}"
                data = {"satellite_id": str(sat.id), "collection_id": col_id,
                        "provider": getattr(col, "provider", None)}
                self.satellite_combo.addItem(text, data)
        _select_data(self.satellite_combo, current)

    def _satellite_changed(self):
        provider = ((self.satellite_combo.currentData() or {}).get("provider") or "").lower()
        i = self.provider_combo.findData(provider)
        if i >= 0:
            self.provider_combo.setCurrentIndex(i)

    # ------------------------------------------------------------------ name
    def check_name(self):
        name = self.name_edit.text().strip()
        if not name:
            self.name_status.setText("")
            return

        def done(found):
            if self.name_edit.text().strip() != name:
                return
            if found is not None:
                self.name_status.setText(f"✗ An AOI named “{name}” already exists: choose another name.")
            else:
                self.name_status.setText("✓ Name available.")

        self.panel.call("Pixxel: check AOI name", lambda c: c.find_aoi_by_name(name), done,
                        lambda m: self.name_status.setText(f"Name not checked: {m}"))

    # ------------------------------------------------------------------ search
    def search_images(self):
        from ..client.models import Polygon, SatelliteRef, SearchFilter, SearchQuery

        geom = self.geometry_section.search_geometry()
        if geom is None:
            self.panel.warn("Make the AOI geometry first: select polygons and press “Use selection”.")
            return
        sat = self.satellite_combo.currentData()
        if not sat:
            self.panel.warn("Choose a satellite first (press “Reload projects and satellites” if the list "
                            "is empty).")
            return
        if not sat.get("collection_id"):
            self.panel.warn("This satellite has no collection to search.")
            return
        try:
            query = SearchQuery(
                start_date=qdate_to_date(self.start_date.date()),
                end_date=dt.datetime.combine(qdate_to_date(self.end_date.date()), dt.time(23, 59, 59),
                                             tzinfo=dt.timezone.utc),
                satellites=[SatelliteRef(collection_id=sat["collection_id"], satellite_id=sat["satellite_id"])],
                filters=[SearchFilter(id="eo:cloud_cover", min=0, max=self.cloud_spin.value())],
                geometry=Polygon(**geom),
                limit=100,
            )
        except (PixxelError, ValueError) as exc:
            self.panel.warn(f"Search not sent: {exc}")
            return

        def done(items):
            self.item_table.set_items(items)
            more = " (first results only)" if len(items) >= SEARCH_LIMIT else ""
            self.search_status.setText(f"{len(items)} image(s) found{more}. Select the ones to include.")
            self.draw_footprints()

        def failed(msg):
            self.search_status.setText(f"Search failed: {msg}")
            self.panel.error(f"Search failed: {msg}")

        self.search_status.setText("Searching…")
        self.panel.call("Pixxel: search images", lambda c: list(c.iter_search(query, max_items=SEARCH_LIMIT)),
                        done, failed, [self.search_button])

    def draw_footprints(self):
        if not self.footprints_button.isChecked():
            self.footprints.clear()
            return
        self.footprints.show(getattr(item, "geometry", None) for item in self.item_table.selected_items())

    # ------------------------------------------------------------------ create bodies
    def payloads(self) -> Optional[List]:
        """The AOICreate bodies for the form (one per AOI shape), or None and a message."""
        from ..client.models import AOICreate, Polygon

        shapes = self.geometry_section.shapes
        name = self.name_edit.text().strip()
        problems = []
        if not name:
            problems.append("enter a name")
        if not shapes:
            problems.append("make the AOI geometry (select polygons, press “Use selection”)")
        if self.project_combo.currentData() is None:
            problems.append("choose a project")
        sat = self.satellite_combo.currentData()
        if not sat:
            problems.append("choose a satellite")
        item_ids = self.item_table.selected_ids()
        if not item_ids:
            problems.append("search images and select at least one")
        if problems:
            self.panel.warn("Before creating the AOI: " + "; ".join(problems) + ".")
            return None
        out = []
        try:
            for i, shape in enumerate(shapes, 1):
                out.append(AOICreate(
                    name=name if len(shapes) == 1 else f"{name}-{i}",
                    description=self.description_edit.text(),
                    satellite_id=sat["satellite_id"],
                    provider=self.provider_combo.currentData(),
                    project_id=self.project_combo.currentData(),
                    geometry=Polygon(**shape.geojson),
                    item_ids=item_ids,
                ))
        except (PixxelError, ValueError) as exc:
            self.panel.warn(f"The AOI was not created: {exc}")
            return None
        return out
