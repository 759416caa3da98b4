"""Small but real hyperspectral GeoTIFF (COG) cubes for the simulator's storage server, made with GDAL.

``write_cube(path, asset, satellite, seed, size)`` writes one cube for an asset: its ``band_list`` bands
(each band's description is the band name, its metadata ``wavelength``/``wavelength_units`` the satellite's
centre wavelength in nm), ``size`` x ``size`` pixels georeferenced (EPSG:4326) on the bounding box of the
asset's footprint, UInt16 reflectance x 10000 for Pixxel satellites and Float32 reflectance otherwise.
The scene is a deterministic function of (seed, asset id): smooth fields mix vegetation, soil, water and
urban spectra, so a true-colour composite looks like a landscape and each pixel has a plausible spectrum.
numpy and GDAL are imported on first use (the API simulator alone does not need them).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

MIN_SIZE, MAX_SIZE = 64, 512


def _vegetation(nm):
    import numpy as np

    green = 0.05 + 0.07 * np.exp(-(((nm - 550.0) / 35.0) ** 2))
    edge = 0.42 / (1.0 + np.exp(-(nm - 715.0) / 12.0))
    swir = np.where(nm > 1300, -0.18 - 0.1 * (nm - 1300) / 900.0, 0.0)
    return np.clip(green + edge + swir, 0.02, 0.6)


def _soil(nm):
    import numpy as np

    return np.clip(0.08 + 0.22 * (nm - 400.0) / 1800.0, 0.05, 0.4)


def _water(nm):
    import numpy as np

    return np.clip(0.07 * np.exp(-(nm - 450.0) / 120.0), 0.005, 0.08)


def _urban(nm):
    return 0.18 + 0.04 * (nm - 400.0) / 1800.0 + 0.0 * nm


SPECTRA = (_vegetation, _soil, _water, _urban)


def bbox(geometry: Dict[str, Any]) -> Tuple[float, float, float, float]:
    xs: List[float] = []
    ys: List[float] = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
        else:
            for sub in c:
                walk(sub)

    walk((geometry or {}).get("coordinates") or [])
    if not xs:
        return (0.0, 0.0, 0.01, 0.01)
    return min(xs), min(ys), max(xs), max(ys)


def cube_array(seed: int, asset_id: str, wavelengths: Sequence[float], size: int, float_output: bool):
    """(bands, size, size) array of the scene at these wavelengths."""
    import numpy as np

    digest = hashlib.sha256(f"cube|{seed}|{asset_id}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    fields = []
    for _ in SPECTRA:
        f = np.zeros((size, size), np.float32)
        for _k in range(4):
            fx, fy = rng.uniform(1.0, 6.0, 2)
            px, py = rng.uniform(0, 2 * math.pi, 2)
            f += np.sin(2 * math.pi * fx * xx + px) * np.cos(2 * math.pi * fy * yy + py)
        fields.append(f)
    weights = np.exp(2.5 * np.stack(fields))
    weights /= weights.sum(axis=0, keepdims=True)
    nm = np.asarray(wavelengths, dtype=np.float32)
    spectra = np.stack([fn(nm) for fn in SPECTRA]).astype(np.float32)  # (classes, bands)
    cube = np.einsum("cb,cyx->byx", spectra, weights)
    cube += rng.normal(0.0, 0.004, cube.shape).astype(np.float32)
    cube = np.clip(cube, 0.0, 1.0)
    if float_output:
        return cube.astype(np.float32)
    return np.round(cube * 10000.0).astype(np.uint16)


def write_cube(
    path: str,
    asset: Dict[str, Any],
    satellite: Optional[Dict[str, Any]],
    seed: int,
    size: int = 96,
) -> str:
    """Write the asset's cube to ``path`` (a COG) and return the path."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    size = max(MIN_SIZE, min(MAX_SIZE, int(size)))
    by_name = {b["name"]: b for b in (satellite or {}).get("bands", [])}
    names = [n for n in (asset.get("band_list") or []) if n in by_name] or list(by_name)[:3]
    if not names:
        names, waves = ["B1", "B2", "B3"], [650.0, 550.0, 470.0]
    else:
        waves = [float(by_name[n]["wavelength"]) for n in names]
    float_output = not (satellite or {}).get("name", "").lower().startswith("pixxel")
    data = cube_array(seed, str(asset.get("id")), waves, size, float_output)
    x0, y0, x1, y1 = bbox(asset.get("geometry") or {})
    mem = gdal.GetDriverByName("MEM").Create("", size, size, len(names),
                                             gdal.GDT_Float32 if float_output else gdal.GDT_UInt16)
    mem.SetGeoTransform((x0, (x1 - x0) / size, 0.0, y1, 0.0, -(y1 - y0) / size))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    mem.SetProjection(srs.ExportToWkt())
    mem.SetMetadataItem("PIXXEL_ASSET_ID", str(asset.get("id")))
    mem.SetMetadataItem("PIXXEL_SATELLITE", str((satellite or {}).get("name", "")))
    for i, (name, wave) in enumerate(zip(names, waves), start=1):
        band = mem.GetRasterBand(i)
        band.WriteArray(data[i - 1])
        band.SetDescription(name)
        band.SetMetadataItem("wavelength", f"{wave:g}")
        band.SetMetadataItem("wavelength_units", "nm")
    if size >= 128:  # a COG with one tile per side up to 512 px (no padding in the file)
        block = min(512, -(-size // 16) * 16)
        gdal.GetDriverByName("COG").CreateCopy(path, mem, options=["COMPRESS=NONE", "OVERVIEWS=NONE",
                                                                   f"BLOCKSIZE={block}"])
    else:  # COG tiles are at least 128 px: a small cube is a plain striped GeoTIFF
        gdal.GetDriverByName("GTiff").CreateCopy(path, mem, options=["COMPRESS=NONE"])
    mem = None
    return path
