"""Pixxel for QGIS.

QGIS calls classFactory(); nothing else is imported here so that `pixxel_qgis.client` can be used from
plain Python without QGIS.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .plugin import PixxelPlugin

    return PixxelPlugin(iface)
