"""Imagery: downloads of AOI assets, raster layers, hyperspectral display and spectral profiles."""
