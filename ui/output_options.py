"""Where loaded assets go: a GeoPackage in a chosen folder (default) or temporary memory layers.

The choice is kept in QgsSettings (``pixxel/output_mode``: "gpkg" or "memory"; ``pixxel/gpkg_folder``:
the folder, empty meaning ``core.layers.default_gpkg_folder(project)``, i.e. beside the saved project).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsProject, QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QWidget

KEY_OUTPUT_MODE = "pixxel/output_mode"
KEY_GPKG_FOLDER = "pixxel/gpkg_folder"
GPKG, MEMORY = "gpkg", "memory"
OUTPUTS = ((GPKG, "GeoPackage"), (MEMORY, "Temporary layers (memory)"))
FOLDER_HINT = "Empty: a pixxel_data folder beside the saved project"


class OutputOptions(QWidget):
    """The "Output" and "Folder" rows; every change is saved to QgsSettings at once."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.output_combo = QComboBox()
        for key, text in OUTPUTS:
            self.output_combo.addItem(text, key)
        self.output_combo.setToolTip("GeoPackage: saved, reopened with the project. "
                                     "Temporary layers: lost when QGIS closes, nothing written to disk.")
        self.gpkg_folder_widget = QgsFileWidget()
        self.gpkg_folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.gpkg_folder_widget.setDialogTitle("Folder of the Pixxel GeoPackages")
        self.gpkg_folder_widget.lineEdit().setPlaceholderText(FOLDER_HINT)
        self.gpkg_folder_widget.setToolTip(FOLDER_HINT + " (or the QGIS profile folder while it is unsaved).")
        form.addRow("Output", self.output_combo)
        form.addRow("Folder", self.gpkg_folder_widget)

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
        """The chosen folder, or None for ``core.layers.default_gpkg_folder(project)``."""
        return self.gpkg_folder_widget.filePath().strip() or None

    @gpkg_folder.setter
    def gpkg_folder(self, folder: Optional[str]) -> None:
        self.gpkg_folder_widget.setFilePath(str(folder or ""))

    def gpkg_path(self, project: Optional[QgsProject], aoi: Any) -> Optional[str]:
        """The GeoPackage for this AOI's layers, or None for memory layers."""
        if not self.save_gpkg:
            return None
        from ..core import layers

        return layers.default_gpkg_path(project, aoi, self.gpkg_folder)
