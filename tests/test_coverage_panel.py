"""The Coverage section live in the panel: images chosen in the search results -> share of the AOI, gaps drawn
on the map in red, overlap; a warning below 100 %, never a block (the create button stays usable)."""

from pixxel_qgis.core.aoi.coverage import coverage
from pixxel_qgis.tests.helpers import box_4326, fill_form, utm_polygon_layer


def test_coverage_follows_the_selection(connected, qgis_iface, qgis_canvas):
    district = utm_polygon_layer([box_4326(77.6, 13.0, 0.2)], "district")  # 44 km wide: no scene covers it
    qgis_iface.setActiveLayer(district)
    fill_form(connected, district, items=1)
    section = connected.coverage
    first = section.result
    assert first is not None and first.image_count == 1
    shapes = [s.geojson for s in connected.aoi_geometry.shapes]
    items = connected.images.item_table.selected_items()
    assert first.share == coverage(shapes, [i.geometry for i in items]).share
    assert 0 < first.share < 1 and not first.complete
    text = section.coverage_label.text()
    assert f"{first.share * 100:.1f} %" in text and text.startswith("Warning")
    assert section.gaps.band is not None and section.gaps.band in qgis_canvas.scene().items()
    assert connected.flow.create_button.isEnabled()  # a warning, not a block

    # live: one more image changes the figure without pressing anything
    table = connected.images.item_table
    sel = table.selectionModel()
    sel.select(table.model().index(1, 0), sel.Select | sel.Rows)
    second = section.result
    assert second.image_count == 2 and second.share >= first.share
    assert section.overlap_label.text()

    table.clearSelection()
    assert section.result is None and section.gaps.band is None

    # the AOI cleared: nothing to cover
    sel.select(table.model().index(0, 0), sel.Select | sel.Rows)
    assert section.result is not None
    connected.aoi_geometry.clear_geometry()
    assert section.result is None
