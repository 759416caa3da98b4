"""Render icon.svg to icon.png with QGIS's Qt (run once after editing the SVG; the PNG is committed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icon.py
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QGuiApplication, QImage, QPainter
from qgis.PyQt.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent


def render(svg: Path, png: Path, size: int = 64) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(png), "PNG"):
        raise SystemExit(f"could not write {png}")


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (needed for painting)
    render(ROOT / "icon.svg", ROOT / "icon.png")
    print(f"wrote {ROOT / 'icon.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
