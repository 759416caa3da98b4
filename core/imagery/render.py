"""Hyperspectral display: which bands make a true-colour (or false-colour, red-edge, SWIR) composite, and the
multiband renderer with a percentile stretch.

Band wavelengths come from the file (GDAL band metadata ``wavelength`` + ``wavelength_units``, ENVI style)
or, failing that, from the satellite's ``bands`` (GET /v0/satellites) matched on the band descriptions.
True colour uses the satellite's ``rgb_composite`` when the API gives one and its bands are in the file,
else the bands nearest 640/550/470 nm. ``describe_raster`` reads the file (run it in a worker thread for
remote sources); the rest is cheap. The wavelengths are kept on the layer (custom property
``pixxel/wavelengths``) for the spectral profile tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from qgis.core import QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsRasterLayer

WAVELENGTHS_PROPERTY = "pixxel/wavelengths"
BAND_NAMES_PROPERTY = "pixxel/band_names"
PRESET_PROPERTY = "pixxel/composite"

#: preset -> (red, green, blue) target wavelengths in nm, and the largest acceptable distance to a band
PRESETS: Dict[str, Tuple[Tuple[float, float, float], float]] = {
    "true_colour": ((640.0, 550.0, 470.0), 60.0),
    "false_colour": ((860.0, 650.0, 550.0), 60.0),
    "red_edge": ((740.0, 705.0, 665.0), 25.0),
    "swir": ((2190.0, 1610.0, 865.0), 120.0),
}
STRETCH = (0.02, 0.98)


@dataclass
class RasterBands:
    """What the display needs to know about a raster's bands (1-based band i is index i-1)."""

    names: List[str] = field(default_factory=list)
    wavelengths: List[Optional[float]] = field(default_factory=list)  # nm


def _to_nm(value: Any, units: Any) -> Optional[float]:
    try:
        v = float(str(value).strip().split()[0])
    except (ValueError, IndexError):
        return None
    u = str(units or "").strip().lower()
    if u in ("um", "µm", "micrometers", "micrometer", "micron", "microns") or (not u and v < 30):
        v *= 1000.0
    return v if v > 0 else None


def describe_raster(source: str, satellite: Any = None) -> RasterBands:
    """Band names and wavelengths (nm) of the raster at ``source`` (a GDAL path, /vsicurl/ included)."""
    from osgeo import gdal

    sat_waves = satellite_wavelengths(satellite)
    ds = gdal.Open(source)
    if ds is None:
        return RasterBands()
    out = RasterBands()
    for i in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(i)
        name = band.GetDescription() or f"Band {i}"
        md = band.GetMetadata() or {}
        wave = _to_nm(md.get("wavelength") or md.get("WAVELENGTH") or md.get("CENTRAL_WAVELENGTH_UM"),
                      md.get("wavelength_units") or md.get("WAVELENGTH_UNITS")
                      or ("um" if "CENTRAL_WAVELENGTH_UM" in md else ""))
        if wave is None:
            wave = sat_waves.get(name)
        out.names.append(name)
        out.wavelengths.append(wave)
    ds = None
    return out


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def satellite_wavelengths(satellite: Any) -> Dict[str, float]:
    """Band name -> wavelength in nm from a satellite (dict or client.models.Satellite)."""
    out: Dict[str, float] = {}
    for b in _get(satellite, "bands") or []:
        name, wave = _get(b, "name"), _get(b, "wavelength")
        if name and wave is not None:
            nm = _to_nm(wave, "")
            if nm is not None:
                out[str(name)] = nm
    return out


def nearest_bands(wavelengths: Sequence[Optional[float]], targets: Sequence[float],
                  tolerance: float) -> Optional[Tuple[int, ...]]:
    """1-based band numbers nearest to each target wavelength; None if one is farther than ``tolerance``."""
    known = [(i + 1, w) for i, w in enumerate(wavelengths) if w is not None]
    if not known:
        return None
    picked = []
    for t in targets:
        band, w = min(known, key=lambda bw: abs(bw[1] - t))
        if abs(w - t) > tolerance:
            return None
        picked.append(band)
    return tuple(picked)


def composite_bands(bands: RasterBands, preset: str = "true_colour",
                    satellite: Any = None) -> Optional[Tuple[int, int, int]]:
    """(red, green, blue) 1-based band numbers for ``preset``, or None if the raster lacks those bands."""
    if preset == "true_colour":
        rgb = _get(satellite, "rgb_composite")
        if rgb is not None:
            names = [_get(rgb, c) for c in ("red", "green", "blue")]
            if all(n in bands.names for n in names):
                return tuple(bands.names.index(n) + 1 for n in names)  # type: ignore[return-value]
    targets, tol = PRESETS[preset]
    picked = nearest_bands(bands.wavelengths, targets, tol)
    if picked is None and preset == "true_colour" and len(bands.names) >= 3 and not any(bands.wavelengths):
        return (1, 2, 3)  # nothing known about the bands: the usual RGB order
    if picked is None and preset == "true_colour" and len(bands.names) >= 3:
        picked = nearest_bands(bands.wavelengths, targets, 1e9)  # the closest there is
    return picked  # type: ignore[return-value]


def available_presets(bands: RasterBands, satellite: Any = None) -> List[str]:
    return [p for p in PRESETS if composite_bands(bands, p, satellite) is not None]


def is_local(layer: QgsRasterLayer) -> bool:
    """True when the raster is a file on this computer (reading it needs no network)."""
    import os

    source = layer.source().split("|", 1)[0]
    return not source.startswith("/vsi") and os.path.isfile(source)


def stretch_limits(provider: Any, rgb: Tuple[int, int, int], extent: Any, stretch: Tuple[float, float] = STRETCH,
                   sample_size: int = 250000) -> List[Tuple[float, float]]:
    """(low, high) per band: the 2nd and 98th percentiles of a sample (reads pixels: a worker thread for
    remote rasters, with a clone of the provider)."""
    limits = []
    for band in rgb:
        lo, hi = provider.cumulativeCut(band, stretch[0], stretch[1], extent, sample_size)
        limits.append((lo, hi if hi > lo else lo + 1))
    return limits


def apply_composite(layer: QgsRasterLayer, rgb: Tuple[int, int, int], stretch: Tuple[float, float] = STRETCH,
                    sample_size: int = 250000,
                    limits: Optional[Sequence[Tuple[float, float]]] = None) -> QgsMultiBandColorRenderer:
    """A multiband colour renderer on ``rgb`` with each band stretched between its 2nd and 98th percentile
    (or the ``limits`` computed beforehand)."""
    provider = layer.dataProvider()
    if limits is None:
        limits = stretch_limits(provider, rgb, layer.extent(), stretch, sample_size)
    renderer = QgsMultiBandColorRenderer(provider, rgb[0], rgb[1], rgb[2])
    setters = (renderer.setRedContrastEnhancement, renderer.setGreenContrastEnhancement,
               renderer.setBlueContrastEnhancement)
    for band, (lo, hi), setter in zip(rgb, limits, setters):
        ce = QgsContrastEnhancement(provider.dataType(band))
        ce.setContrastEnhancementAlgorithm(QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
        ce.setMinimumValue(lo)
        ce.setMaximumValue(hi)
        setter(ce)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def remember_bands(layer: QgsRasterLayer, bands: RasterBands) -> None:
    layer.setCustomProperty(WAVELENGTHS_PROPERTY, json.dumps(bands.wavelengths))
    layer.setCustomProperty(BAND_NAMES_PROPERTY, json.dumps(bands.names))


def layer_bands(layer: QgsRasterLayer) -> RasterBands:
    """The bands remembered on the layer, else read from its file (local files only: this may run on the
    main thread), else the band names without wavelengths."""
    try:
        waves = json.loads(layer.customProperty(WAVELENGTHS_PROPERTY) or "null")
        names = json.loads(layer.customProperty(BAND_NAMES_PROPERTY) or "null")
    except ValueError:
        waves = names = None
    if isinstance(waves, list) and isinstance(names, list) and len(waves) == len(names) == layer.bandCount():
        return RasterBands(names=[str(n) for n in names], wavelengths=[float(w) if w is not None else None
                                                                       for w in waves])
    bands = describe_raster(layer.source()) if is_local(layer) else RasterBands()  # no network here
    if len(bands.names) != layer.bandCount():
        bands = RasterBands([layer.bandName(i) for i in range(1, layer.bandCount() + 1)],
                            [None] * layer.bandCount())
    remember_bands(layer, bands)
    return bands


def apply_preset(layer: QgsRasterLayer, preset: str = "true_colour", satellite: Any = None,
                 bands: Optional[RasterBands] = None) -> Optional[Tuple[int, int, int]]:
    """Show ``preset`` on the layer; returns the bands used, or None (layer unchanged) if it lacks them."""
    if layer.bandCount() < 3:
        return None
    bands = bands or layer_bands(layer)
    rgb = composite_bands(bands, preset, satellite)
    if rgb is None:
        return None
    apply_composite(layer, rgb)
    layer.setCustomProperty(PRESET_PROPERTY, preset)
    return rgb


def prepare_raster_layer(source: str, name: str, satellite: Any = None) -> QgsRasterLayer:
    """A raster layer for ``source`` with its bands remembered and true colour applied (worker-thread safe:
    the layer is not in a project yet)."""
    layer = QgsRasterLayer(source, name, "gdal")
    if layer.isValid():
        bands = describe_raster(source, satellite)
        if len(bands.names) == layer.bandCount():
            remember_bands(layer, bands)
        apply_preset(layer, "true_colour", satellite, bands if len(bands.names) == layer.bandCount() else None)
    return layer
