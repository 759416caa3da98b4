"""Imagery: asset rasters as QGIS layers, downloads of AOI assets, hyperspectral display, spectral profiles."""
