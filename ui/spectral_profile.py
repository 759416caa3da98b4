"""Spectral profile map tool and dock: click pixels of a raster, see their spectra side by side, export CSV.

The plot is matplotlib's Qt canvas when matplotlib is importable, else a small QPainter widget.
"""

from __future__ import annotations

import warnings
from typing import List, Optional

from qgis.core import QgsRasterLayer
from qgis.gui import QgsDockWidget, QgsMapToolEmitPoint
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QPainter
from qgis.PyQt.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.imagery.render import is_local
from ..core.imagery.spectral import (
    ProfileError,
    SpectralProfile,
    draw_on_axes,
    paint_profiles,
    pixel_profile,
    write_csv,
)
from ..i18n import tr

MAX_PROFILES = 8


class _QtPlot(QWidget):
    """A plain Qt line plot (used when matplotlib is missing)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.profiles: List[SpectralProfile] = []
        self.setMinimumHeight(180)

    def set_profiles(self, profiles: List[SpectralProfile]) -> None:
        self.profiles = list(profiles)
        self.update()

    def paintEvent(self, _event):  # noqa: N802 (Qt)
        p = QPainter(self)
        paint_profiles(p, self.width(), self.height(), self.profiles, empty_text=tr("Click pixels of a raster"))
        p.end()


def _make_plot(parent):
    try:
        try:  # matplotlib >= 3.5: one backend for Qt5 and Qt6
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        except ImportError:
            from matplotlib.backends.backend_qt5agg import FigureCanvasQTAgg
        from matplotlib.figure import Figure
    except Exception:  # noqa: BLE001 - no matplotlib (or no Qt backend): the plain widget
        return None, _QtPlot(parent)
    fig = Figure(figsize=(4, 3), dpi=90)
    canvas = FigureCanvasQTAgg(fig)
    canvas.setParent(parent)
    canvas.setMinimumHeight(180)
    return fig, canvas


class SpectralProfileDock(QgsDockWidget):
    """The plot of the clicked pixels' spectra (at most MAX_PROFILES; the oldest goes first)."""

    def __init__(self, parent=None):
        super().__init__(tr("Pixxel spectral profile"), parent)
        self.setObjectName("PixxelSpectralProfileDock")
        self.profiles: List[SpectralProfile] = []
        body = QWidget()
        lay = QVBoxLayout(body)
        self.figure, self.plot = _make_plot(body)
        self.info = QLabel(tr("Activate “Spectral profile” in the Pixxel panel, then click pixels of a raster."))
        self.info.setWordWrap(True)
        self.clear_button = QPushButton(tr("Clear"))
        self.export_button = QPushButton(tr("Export CSV…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.info)
        lay.addLayout(buttons)
        self.setWidget(body)
        self.clear_button.clicked.connect(lambda *_: self.clear())
        self.export_button.clicked.connect(lambda *_: self.export_csv())

    def add_profile(self, profile: SpectralProfile) -> None:
        self.profiles.append(profile)
        self.profiles = self.profiles[-MAX_PROFILES:]
        self.info.setText(tr("{n} pixel(s) shown. Click more pixels to compare.").format(n=len(self.profiles)))
        self.redraw()

    def clear(self) -> None:
        self.profiles = []
        self.info.setText(tr("Click pixels of a raster to plot their spectra."))
        self.redraw()

    def redraw(self) -> None:
        if self.figure is None:
            self.plot.set_profiles(self.profiles)
            return
        self.figure.clear()
        if self.profiles:
            draw_on_axes(self.figure.add_subplot(111), self.profiles, tr("Spectral profile"))
            with warnings.catch_warnings():  # a dock too small for the labels: plot without tight layout
                warnings.simplefilter("ignore")
                self.figure.tight_layout()
        self.plot.draw_idle()

    def export_csv(self, path: Optional[str] = None) -> Optional[str]:
        if not self.profiles:
            self.info.setText(tr("No spectral profile to export: click pixels first."))
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("Export spectral profiles"), "spectral_profiles.csv",
                                                  "CSV (*.csv)")
            if not path:
                return None
        try:
            write_csv(self.profiles, path)
        except OSError as exc:
            self.info.setText(tr("Could not write {path}: {error}. Choose another file.").format(
                path=path, error=exc.strerror or exc))
            return None
        self.info.setText(tr("Exported {n} profile(s) to {path}.").format(n=len(self.profiles), path=path))
        return path

    def grab_png(self, path: str) -> bool:
        """Save the plot as it is shown (also headless)."""
        return self.plot.grab().save(path)


class SpectralProfileTool(QgsMapToolEmitPoint):
    """Click: the active raster layer's pixel spectrum goes to the dock; errors go to ``failed``."""

    failed = pyqtSignal(str)

    def __init__(self, canvas, layer_provider, dock: SpectralProfileDock):
        super().__init__(canvas)
        self._layer = layer_provider  # () -> the raster layer to read (the active layer)
        self.dock = dock
        self.canvasClicked.connect(self._clicked)

    def _clicked(self, point, _button) -> None:
        layer = self._layer()
        if not isinstance(layer, QgsRasterLayer):
            self.failed.emit(tr("Make a raster layer the active layer, then click a pixel."))
            return
        if not is_local(layer):
            self.failed.emit(tr("“{layer}” is read over the network: download it first (Rasters tab, Downloads) "
                                "to plot its spectra.").format(layer=layer.name()))
            return
        try:
            profile = pixel_profile(layer, point, self.canvas().mapSettings().destinationCrs())
        except ProfileError as exc:
            self.failed.emit(str(exc))
            return
        self.dock.add_profile(profile)
