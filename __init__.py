"""Pixxel for QGIS.

QGIS calls classFactory(); nothing else is imported here so that `pixxel_qgis.client` can be used from
plain Python without QGIS.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .deps import preload_shapely

    preload_shapely()  # before anything imports shapely inside QGIS (see deps.preload_shapely)
    from .plugin import PixxelPlugin

    return PixxelPlugin(iface)
