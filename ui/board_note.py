"""The message-bar note of the AOI board: an AOI reached a final status, with a "Load assets" button."""

from __future__ import annotations

from typing import Any, Callable

from qgis.core import Qgis
from qgis.PyQt.QtWidgets import QPushButton

from ..client.polling import status_text
from ..i18n import tr


def push_final_note(bar, aoi: Any, load: Callable[[Any], None]):
    """Push the note; ``load(aoi)`` runs when the button is pressed. Returns the message item."""
    status = status_text(aoi.status)
    text = tr("AOI “{name}” finished: {status}.").format(name=aoi.name or aoi.aoi_id, status=status)
    item = bar.createMessage("Pixxel", text)
    button = QPushButton(tr("Load assets"))
    button.setObjectName("PixxelBoardLoadAssets")

    def clicked():
        load(aoi)
        try:
            bar.popWidget(item)
        except RuntimeError:  # already closed
            pass

    button.clicked.connect(clicked)
    item.layout().addWidget(button)
    level = Qgis.MessageLevel.Success if status == "success" else Qgis.MessageLevel.Warning
    bar.pushWidget(item, level, 0)
    return item
