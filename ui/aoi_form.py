"""Panel section "AOI": name (+ uniqueness check), description, project, satellite, provider; makes the
request bodies from them, the AOI geometry and the images selected in the Images section."""

from __future__ import annotations

from typing import List, Optional

from qgis.PyQt.QtWidgets import QComboBox, QLineEdit, QPushButton

from ..client.errors import PixxelError
from ..i18n import tr
from .widgets import Section, combo, form_layout, label

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
        super().__init__(panel, tr("AOI"), "formGroup")
        self.geometry_section = geometry  # GeometrySection: the shapes to create
        self.images_section = None  # ImageSearchSection: the selected images (set by the dock)
        form = form_layout(self)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(tr("Required, unique among your AOIs"))
        self.name_status = label()
        self.description_edit = QLineEdit()
        self.project_combo = combo()
        self.satellite_combo = combo()
        self.provider_combo = combo()
        for p in PROVIDERS:
            self.provider_combo.addItem(p, p)
        self.refresh_lists_button = QPushButton(tr("Reload lists"))
        self.refresh_lists_button.setToolTip(tr("Reload the projects and satellites of your account"))
        form.addRow(tr("Name"), self.name_edit)
        form.addRow("", self.name_status)
        form.addRow(tr("Description"), self.description_edit)
        form.addRow(tr("Project"), self.project_combo)
        form.addRow(tr("Satellite"), self.satellite_combo)
        form.addRow(tr("Provider"), self.provider_combo)
        form.addRow(self.refresh_lists_button)
        self.name_edit.editingFinished.connect(panel.slot(self.check_name))
        self.name_edit.textEdited.connect(lambda _t: self.name_status.setText(""))
        self.refresh_lists_button.clicked.connect(panel.slot(self.refresh_reference_data))
        self.satellite_combo.currentIndexChanged.connect(panel.slot(self._satellite_changed))

    # ------------------------------------------------------------------ projects and satellites
    def refresh_reference_data(self):
        self.panel.call(tr("Pixxel: list projects"), lambda c: c.all_projects(), self._set_projects,
                        lambda m: self.panel.error(tr("Could not list projects: {error}").format(error=m)),
                        [self.refresh_lists_button])
        self.panel.call(tr("Pixxel: list satellites"), lambda c: c.list_satellites(), self._set_satellites,
                        lambda m: self.panel.error(tr("Could not list satellites: {error}").format(error=m)))

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
                self.name_status.setText(tr("✗ An AOI named “{name}” already exists: choose another name.").format(name=name))
            else:
                self.name_status.setText(tr("✓ Name available."))

        self.panel.call(tr("Pixxel: check AOI name"), lambda c: c.find_aoi_by_name(name), done,
                        lambda m: self.name_status.setText(tr("Name not checked: {error}").format(error=m)))

    # ------------------------------------------------------------------ create bodies
    def payloads(self) -> Optional[List]:
        """The AOICreate bodies for the form (one per AOI shape), or None and a message."""
        from ..client.models import AOICreate, Polygon

        shapes = self.geometry_section.shapes
        name = self.name_edit.text().strip()
        problems = []
        if not name:
            problems.append(tr("enter a name"))
        if not shapes:
            problems.append(tr("make the AOI geometry (select polygons, press “Use selection”)"))
        if self.project_combo.currentData() is None:
            problems.append(tr("choose a project"))
        sat = self.satellite_combo.currentData()
        if not sat:
            problems.append(tr("choose a satellite"))
        item_ids = self.images_section.item_table.selected_ids()
        if not item_ids:
            problems.append(tr("search images and select at least one"))
        if problems:
            self.panel.warn(tr("Before creating the AOI: {problems}.").format(problems="; ".join(problems)))
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
            self.panel.warn(tr("The AOI was not created: {error}").format(error=exc))
            return None
        return out
