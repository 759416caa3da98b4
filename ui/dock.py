"""The Pixxel dock panel (placeholder until the panel lands)."""

from qgis.gui import QgsDockWidget


class PixxelDockWidget(QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__("Pixxel", parent)
        self.setObjectName("PixxelDockWidget")
        self.iface = iface

    def shutdown(self):
        """Cancel this panel's tasks and drop its canvas items; called by the plugin's unload()."""
