"""Spectral profiles: a pixel's value in every band against the band wavelengths; CSV export; PNG plot.

``pixel_profile(layer, point, point_crs)`` reads one pixel (main thread or worker: provider identify on a
local or /vsicurl/ raster). ``write_csv`` writes several profiles side by side, one row per band.
``plot_png`` draws them with matplotlib (Agg, no window) when it is importable.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
    QgsRaster,
    QgsRasterLayer,
)

from .render import layer_bands


@dataclass
class SpectralProfile:
    label: str
    x: float  # map coordinates of the click (layer CRS)
    y: float
    band_names: List[str] = field(default_factory=list)
    wavelengths: List[Optional[float]] = field(default_factory=list)  # nm (None: unknown)
    values: List[Optional[float]] = field(default_factory=list)

    @property
    def xs(self) -> List[float]:
        """What to plot against: wavelengths when every band has one, else band numbers."""
        if self.wavelengths and all(w is not None for w in self.wavelengths):
            return [float(w) for w in self.wavelengths]  # type: ignore[arg-type]
        return [float(i) for i in range(1, len(self.values) + 1)]

    @property
    def x_label(self) -> str:
        return "Wavelength (nm)" if self.wavelengths and all(w is not None for w in self.wavelengths) else "Band"


class ProfileError(ValueError):
    """No profile at that place; the message says why."""


def pixel_profile(layer: QgsRasterLayer, point: QgsPointXY, point_crs: Optional[QgsCoordinateReferenceSystem] = None,
                  label: Optional[str] = None) -> SpectralProfile:
    if layer is None or not isinstance(layer, QgsRasterLayer) or not layer.isValid():
        raise ProfileError("Make a raster layer the active layer, then click a pixel.")
    pt = QgsPointXY(point)
    if point_crs is not None and point_crs.isValid() and point_crs != layer.crs():
        pt = QgsCoordinateTransform(point_crs, layer.crs(), QgsProject.instance()).transform(pt)
    if not layer.extent().contains(pt):
        raise ProfileError(f"The point is outside the raster “{layer.name()}”.")
    ident = layer.dataProvider().identify(pt, QgsRaster.IdentifyFormat.IdentifyFormatValue)
    if not ident.isValid():
        raise ProfileError(f"Could not read the pixel of “{layer.name()}” there.")
    results = ident.results()
    bands = layer_bands(layer)
    values: List[Optional[float]] = []
    for b in range(1, layer.bandCount() + 1):
        v = results.get(b)
        try:
            f = float(v)
            values.append(f if math.isfinite(f) else None)
        except (TypeError, ValueError):
            values.append(None)
    if all(v is None for v in values):
        raise ProfileError(f"The pixel of “{layer.name()}” there has no data.")
    return SpectralProfile(label or f"{layer.name()} ({pt.x():.5f}, {pt.y():.5f})", pt.x(), pt.y(),
                           list(bands.names), list(bands.wavelengths), values)


def write_csv(profiles: Sequence[SpectralProfile], path: str) -> str:
    """One row per band: band, wavelength_nm, then one column per profile (its label)."""
    if not profiles:
        raise ProfileError("No spectral profile to export: click pixels first.")
    n = max(len(p.values) for p in profiles)
    ref = max(profiles, key=lambda p: len(p.values))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["band", "wavelength_nm"] + [p.label for p in profiles])
        for i in range(n):
            name = ref.band_names[i] if i < len(ref.band_names) else f"Band {i + 1}"
            wave = ref.wavelengths[i] if i < len(ref.wavelengths) else None
            row = [name, "" if wave is None else f"{wave:g}"]
            for p in profiles:
                v = p.values[i] if i < len(p.values) else None
                row.append("" if v is None else f"{v:g}")
            w.writerow(row)
    return path


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def plot_png(profiles: Sequence[SpectralProfile], path: str, title: str = "Spectral profile",
             use_matplotlib: Optional[bool] = None) -> str:
    """Draw the profiles into a PNG: matplotlib's Agg backend (no window) when importable, else QPainter."""
    if use_matplotlib is None:
        use_matplotlib = matplotlib_available()
    if not use_matplotlib:
        from qgis.PyQt.QtGui import QImage, QPainter

        image = QImage(700, 400, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        paint_profiles(painter, 700, 400, profiles, title)
        painter.end()
        if not image.save(path):
            raise OSError(f"could not write {path}")
        return path
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4), dpi=100)
    FigureCanvasAgg(fig)
    draw_on_axes(fig.add_subplot(111), profiles, title)
    fig.tight_layout()
    fig.savefig(path)
    return path


def paint_profiles(p, width: int, height: int, profiles: Sequence[SpectralProfile], title: str = "",
                   empty_text: str = "Click pixels of a raster") -> None:
    """A plain line plot with QPainter ``p`` (the plot without matplotlib)."""
    from qgis.PyQt.QtCore import QPointF, QRectF, Qt
    from qgis.PyQt.QtGui import QColor, QPen, QPolygonF

    p.fillRect(QRectF(0, 0, width, height), QColor("white"))
    m = 40
    w, h = width - 2 * m, height - 2 * m
    p.setPen(QPen(QColor("#888888")))
    p.drawRect(QRectF(m, m, w, h))
    pts = [(x, v) for pr in profiles for x, v in zip(pr.xs, pr.values) if v is not None]
    if not pts or w <= 0 or h <= 0:
        p.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, empty_text)
        return
    x0, x1 = min(x for x, _ in pts), max(x for x, _ in pts)
    y0, y1 = min(v for _, v in pts), max(v for _, v in pts)
    sx, sy = w / ((x1 - x0) or 1.0), h / ((y1 - y0) or 1.0)
    for i, pr in enumerate(profiles):
        poly = QPolygonF([QPointF(m + (x - x0) * sx, m + h - (v - y0) * sy)
                          for x, v in zip(pr.xs, pr.values) if v is not None])
        p.setPen(QPen(QColor(COLOURS[i % len(COLOURS)]), 2))
        p.drawPolyline(poly)
        p.drawText(QPointF(m + 8, m + 16 + 14 * i), pr.label)
    p.setPen(QPen(QColor("#333333")))
    p.drawText(QPointF(m, height - 12), f"{x0:g}")
    p.drawText(QPointF(m + w - 40, height - 12), f"{x1:g}")
    p.drawText(QPointF(m + w / 2 - 50, height - 12), profiles[0].x_label if profiles else "")
    p.drawText(QPointF(4, m + 4), f"{y1:g}")
    p.drawText(QPointF(4, m + h), f"{y0:g}")
    if title:
        p.drawText(QPointF(m + w / 2 - 60, m - 12), title)


def draw_on_axes(ax, profiles: Sequence[SpectralProfile], title: str = "Spectral profile") -> None:
    for p in profiles:
        ax.plot(p.xs, [float("nan") if v is None else v for v in p.values], marker=".", linewidth=1.2,
                label=p.label)
    ax.set_xlabel(profiles[0].x_label if profiles else "Wavelength (nm)")
    ax.set_ylabel("Value")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if profiles:
        ax.legend(fontsize="small")
