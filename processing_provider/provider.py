"""PixxelProvider: the "Pixxel" group of the Processing toolbox (and of qgis_process: ``pixxel:...``)."""

from __future__ import annotations

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICON_PATH = os.path.join(PLUGIN_DIR, "icon.svg")


class PixxelProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "pixxel"

    def name(self) -> str:
        return "Pixxel"

    def longName(self) -> str:  # noqa: N802 (name fixed by QGIS)
        return tr("Pixxel hyperspectral imagery (AOIs and assets)")

    def icon(self) -> QIcon:
        return QIcon(ICON_PATH)

    def svgIconPath(self) -> str:  # noqa: N802 (name fixed by QGIS)
        return ICON_PATH

    def loadAlgorithms(self):  # noqa: N802 (name fixed by QGIS)
        from .create_aoi_algorithm import CreateAoiAlgorithm
        from .download_assets_algorithm import DownloadAssetsAlgorithm
        from .list_aois_algorithm import ListAoisAlgorithm
        from .load_assets_algorithm import LoadAssetsAlgorithm
        from .search_images_algorithm import SearchImagesAlgorithm
        from .wait_for_aoi_algorithm import WaitForAoiAlgorithm

        for alg in (CreateAoiAlgorithm(), LoadAssetsAlgorithm(), DownloadAssetsAlgorithm(), WaitForAoiAlgorithm(),
                    ListAoisAlgorithm(), SearchImagesAlgorithm()):
            self.addAlgorithm(alg)
