"""Where loaded assets go: a GeoPackage in a chosen folder (default) or temporary memory layers.

The choice is kept in QgsSettings (``pixxel/output_mode``: "gpkg" or "memory"; ``pixxel/gpkg_folder``:
the folder, empty meaning ``core.assets.layers.default_gpkg_folder(project)``, i.e. beside the saved project).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsProject, QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP
from qgis.PyQt.QtWidgets import QWidget

from ..core.settings import KEY_GPKG_FOLDER, KEY_OUTPUT_MODE
from ..i18n import tr
from .widgets import combo, form_layout

GPKG, MEMORY = "gpkg", "memory"
OUTPUTS = ((GPKG, QT_TRANSLATE_NOOP("PixxelQgis", "GeoPackage")),
           (MEMORY, QT_TRANSLATE_NOOP("PixxelQgis", "Temporary layers (memory)")))


class OutputOptions(QWidget):
    """The "Output" and "Folder" rows; every change is saved to QgsSettings at once."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = form_layout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.output_combo = combo()
        for key, text in OUTPUTS:
            self.output_combo.addItem(tr(text), key)
        self.output_combo.setToolTip(tr("GeoPackage: saved, reopened with the project. "
                                        "Temporary layers: lost when QGIS closes, nothing written to disk."))
        self.gpkg_folder_widget = QgsFileWidget()
        self.gpkg_folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.gpkg_folder_widget.setDialogTitle(tr("Folder of the Pixxel GeoPackages"))
        self.gpkg_folder_widget.lineEdit().setPlaceholderText(tr("Empty: a pixxel_data folder beside the saved project"))
        self.gpkg_folder_widget.setToolTip(tr("Empty: a pixxel_data folder beside the saved project (or the QGIS "
                                              "profile folder while it is unsaved)."))
        form.addRow(tr("Output"), self.output_combo)
        form.addRow(tr("Folder"), self.gpkg_folder_widget)

        settings = QgsSettings()
        i = self.output_combo.findData(settings.value(KEY_OUTPUT_MODE, GPKG, type=str))
        self.output_combo.setCurrentIndex(max(i, 0))
        self.gpkg_folder_widget.setFilePath(settings.value(KEY_GPKG_FOLDER, "", type=str))
        self._mode_changed()
        self.output_combo.currentIndexChanged.connect(self._mode_changed)
        self.gpkg_folder_widget.fileChanged.connect(self._folder_changed)

    def _mode_changed(self, *_args):
        self.gpkg_folder_widget.setEnabled(self.save_gpkg)
        QgsSettings().setValue(KEY_OUTPUT_MODE, self.output_combo.currentData())

    def _folder_changed(self, *_args):
        QgsSettings().setValue(KEY_GPKG_FOLDER, self.gpkg_folder_widget.filePath().strip())

    # ------------------------------------------------------------------ what the panel reads
    @property
    def save_gpkg(self) -> bool:
        return self.output_combo.currentData() == GPKG

    @save_gpkg.setter
    def save_gpkg(self, value: bool) -> None:
        self.output_combo.setCurrentIndex(self.output_combo.findData(GPKG if value else MEMORY))

    @property
    def gpkg_folder(self) -> Optional[str]:
        """The chosen folder, or None for ``core.assets.layers.default_gpkg_folder(project)``."""
        return self.gpkg_folder_widget.filePath().strip() or None

    @gpkg_folder.setter
    def gpkg_folder(self, folder: Optional[str]) -> None:
        self.gpkg_folder_widget.setFilePath(str(folder or ""))

    def gpkg_path(self, project: Optional[QgsProject], aoi: Any) -> Optional[str]:
        """The GeoPackage for this AOI's layers, or None for memory layers."""
        if not self.save_gpkg:
            return None
        from ..core.assets import layers

        return layers.default_gpkg_path(project, aoi, self.gpkg_folder)
