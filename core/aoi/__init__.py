"""AOI geometry: selected features -> a valid, capped EPSG:4326 shape (aoi_shape is QGIS-free)."""
