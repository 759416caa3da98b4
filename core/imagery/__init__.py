"""Imagery: asset rasters opened as QGIS layers."""
