"""Panel section "Images": dates, cloud cover, image search and its results table (with a footprint preview
on the map). The satellite to search comes from the AOI section."""

from __future__ import annotations

import datetime as dt

from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import QDateEdit, QPushButton, QSpinBox

from ..client.errors import PixxelError
from ..i18n import tr
from .item_table import ItemTable
from .widgets import CanvasPreview, Section, form_layout, label, qdate_to_date, row

SEARCH_LIMIT = 500


class ImageSearchSection(Section):
    def __init__(self, panel, geometry, form):
        super().__init__(panel, tr("Images"), "imagesGroup")
        self.geometry_section = geometry  # GeometrySection: the shapes to search for
        self.form_section = form  # AoiFormSection: the satellite to search
        self.footprints = CanvasPreview(panel.canvas, "#1f78b4", 2, 25)
        form = form_layout(self)
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
        self.search_button = QPushButton(tr("Search images"))
        self.search_status = label()
        self.item_table = ItemTable()
        self.footprints_button = QPushButton(tr("Footprints"))
        self.footprints_button.setToolTip(tr("Draw the footprints of the selected images on the map"))
        self.footprints_button.setCheckable(True)
        self.footprints_button.setChecked(True)
        form.addRow(tr("From"), self.start_date)
        form.addRow(tr("To"), self.end_date)
        form.addRow(tr("Max cloud"), self.cloud_spin)
        form.addRow(row(self.search_button, self.footprints_button, None))
        form.addRow(self.search_status)
        form.addRow(self.item_table)
        self.search_button.clicked.connect(panel.slot(self.search_images))
        self.item_table.itemSelectionChanged.connect(panel.slot(self.draw_footprints))
        self.footprints_button.toggled.connect(panel.slot(self.draw_footprints))

    # ------------------------------------------------------------------ search
    def search_images(self):
        from ..client.models import Polygon, SatelliteRef, SearchFilter, SearchQuery

        geom = self.geometry_section.search_geometry()
        if geom is None:
            self.panel.warn(tr("Make the AOI geometry first: select polygons and press “Use selection”."))
            return
        sat = self.form_section.satellite_combo.currentData()
        if not sat:
            self.panel.warn(tr("Choose a satellite first (press “Reload lists” on the AOI tab if the list "
                               "is empty)."))
            return
        if not sat.get("collection_id"):
            self.panel.warn(tr("This satellite has no collection to search."))
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
            self.panel.warn(tr("Search not sent: {error}").format(error=exc))
            return

        def done(items):
            self.item_table.set_items(items)
            if len(items) >= SEARCH_LIMIT:
                text = tr("{count} image(s) found (first results only). Select the ones to include.")
            else:
                text = tr("{count} image(s) found. Select the ones to include.")
            self.search_status.setText(text.format(count=len(items)))
            self.draw_footprints()

        def failed(msg):
            text = tr("Search failed: {error}").format(error=msg)
            self.search_status.setText(text)
            self.panel.error(text)

        self.search_status.setText(tr("Searching…"))
        self.panel.call(tr("Pixxel: search images"), lambda c: list(c.iter_search(query, max_items=SEARCH_LIMIT)),
                        done, failed, [self.search_button])

    def draw_footprints(self):
        if not self.footprints_button.isChecked():
            self.footprints.clear()
            return
        self.footprints.show(getattr(item, "geometry", None) for item in self.item_table.selected_items())
