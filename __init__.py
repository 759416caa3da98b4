"""Pixxel for QGIS.

QGIS calls classFactory(); nothing else is imported here so that `pixxel_qgis.client` can be used from
plain Python without QGIS.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .deps import activate, preload_shapely

    try:  # the plugin's own package folder in the profile goes first on sys.path (desktop and qgis_process)
        from qgis.core import QgsApplication

        activate(QgsApplication.qgisSettingsDirPath())
    except Exception:  # noqa: BLE001 - never let this stop the plugin from loading; deps.check() reports what is missing
        pass
    preload_shapely()  # before anything imports shapely inside QGIS (see deps.preload_shapely)
    from .plugin import PixxelPlugin

    return PixxelPlugin(iface)
