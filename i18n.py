"""Translation helper: every user-facing string in ui/, plugin.py and processing_provider/ goes through tr()."""

from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "PixxelQgis"


def tr(text: str, context: str = CONTEXT) -> str:
    return QCoreApplication.translate(context, text)
