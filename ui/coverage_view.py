"""Panel section "Coverage": before create, how much of the AOI the images chosen in the search results cover.

Live: recomputed when the selection of images or the AOI geometry changes (core/aoi/coverage.py, geodesic
areas). The uncovered parts are drawn on the map (red); below 100 % the figure is a warning, never a block.
"""

from __future__ import annotations

from typing import Optional

from shapely.geometry import mapping

from ..i18n import tr
from .widgets import CanvasPreview, Section, form_layout, label


def _km2(m2: float) -> str:
    return f"{m2 / 1e6:,.2f}"


class CoverageSection(Section):
    def __init__(self, panel, geometry, images):
        super().__init__(panel, tr("Coverage"), "coverageGroup")
        self.geometry_section = geometry
        self.images_section = images
        self.result = None  # core.aoi.coverage.Coverage of the last update, or None
        self.gaps = CanvasPreview(panel.canvas, "#e31a1c", 2, 90)
        form = form_layout(self)
        self.coverage_label = label(tr("Select images in the search results to see how much of the AOI they cover."))
        self.overlap_label = label()
        self.overlap_label.setStyleSheet("color: #666;")
        form.addRow(self.coverage_label)
        form.addRow(self.overlap_label)
        images.item_table.itemSelectionChanged.connect(panel.slot(self.update_coverage))
        geometry.shapesChanged.connect(panel.slot(self.update_coverage))

    def update_coverage(self) -> Optional[object]:
        from ..core.aoi.coverage import coverage

        shapes = self.geometry_section.shapes
        items = self.images_section.item_table.selected_items()
        if not shapes or not items:
            self.result = None
            self.gaps.clear()
            self.coverage_label.setStyleSheet("")
            self.coverage_label.setText(tr("Select images in the search results to see how much of the AOI "
                                           "they cover."))
            self.overlap_label.setText("")
            return None
        result = coverage([s.geojson for s in shapes], [getattr(i, "geometry", None) for i in items])
        self.result = result
        share = f"{result.share * 100:.1f}"
        if result.complete:
            self.coverage_label.setStyleSheet("color: #1a7f37;")
            self.coverage_label.setText(tr("The {count} selected image(s) cover 100 % of the AOI ({area} km²).")
                                        .format(count=len(items), area=_km2(result.aoi_m2)))
            self.gaps.clear()
        else:
            self.coverage_label.setStyleSheet("color: #b35900;")
            self.coverage_label.setText(
                tr("Warning: the {count} selected image(s) cover {share} % of the AOI; {gap} km² of {area} km² "
                   "are not covered (red on the map). You can still create the AOI, or select more images.")
                .format(count=len(items), share=share, gap=_km2(result.uncovered_m2), area=_km2(result.aoi_m2)))
            self.gaps.show([mapping(result.uncovered)])
        if result.overlap_m2 > 0:
            self.overlap_label.setText(tr("Overlap between images: {area} km² ({share} % of the AOI).").format(
                area=_km2(result.overlap_m2), share=f"{100 * result.overlap_m2 / result.aoi_m2:.1f}"))
        else:
            self.overlap_label.setText(tr("No overlap between the selected images."))
        return result

    def clear(self) -> None:
        self.gaps.clear()

    def set_visible(self, visible: bool) -> None:
        self.gaps.set_visible(visible)
