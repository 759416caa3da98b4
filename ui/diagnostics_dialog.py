"""The panel's Diagnostics action: a dialog with the selectable report (core.diagnostics) and Copy."""

from __future__ import annotations

from qgis.PyQt.QtGui import QGuiApplication
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QVBoxLayout

from ..i18n import tr


class DiagnosticsDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        from ..core import diagnostics

        self.setObjectName("PixxelDiagnosticsDialog")
        self.setWindowTitle(tr("Pixxel diagnostics"))
        self.resize(640, 480)
        lay = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setObjectName("PixxelDiagnosticsText")
        self.text.setReadOnly(True)
        self.text.setPlainText(diagnostics.report())
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(tr("Copy to clipboard"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def diagnostics_button(parent=None) -> QPushButton:
    """A "Diagnostics…" button that opens the dialog (placed in the panel)."""
    button = QPushButton(tr("Diagnostics…"), parent)
    button.setObjectName("PixxelDiagnosticsButton")
    button.setToolTip(tr("Versions, network settings and the last API errors, to paste into a support ticket"))

    def show():
        dialog = DiagnosticsDialog(button.window())
        button._dialog = dialog  # keep it alive while shown
        dialog.show()

    button.clicked.connect(show)
    return button
