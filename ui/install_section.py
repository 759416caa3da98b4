"""The "Install missing packages" panel section, shown while pydantic 2 / shapely 2 are missing.

It starts core.dependency_install.InstallDependenciesTask (from PyPI, or from a folder of wheels for offline
machines), shows its progress with a Cancel button and, on failure, pip's log; it also shows the exact
manual command (selectable, with a Copy button) and, where the system has the packages, the system
package names. ``installed`` is emitted once the packages are importable in this QGIS session.

Imports neither the client nor pydantic/shapely: it exists precisely when they are missing.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QGuiApplication
from qgis.PyQt.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import deps
from ..i18n import tr


def _label(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class InstallSection(QWidget):
    installed = pyqtSignal()  # the packages are importable now
    failed = pyqtSignal(str)

    def __init__(self, missing, parent=None):
        super().__init__(parent)
        self.setObjectName("PixxelInstallSection")
        self.missing = list(missing)
        self.task = None
        lay = QVBoxLayout(self)
        names = ", ".join(m.describe() for m in self.missing)
        self.intro = _label(tr("Pixxel for QGIS needs Python packages that QGIS's Python cannot import: {names}. "
                               "They are installed into a folder of the plugin's own in your QGIS profile; "
                               "QGIS's own packages (such as numpy) are left as they are.").format(names=names))
        self.intro.setObjectName("PixxelMissingDependencies")
        lay.addWidget(self.intro)

        self.install_button = QPushButton(tr("Install missing packages"))
        self.install_button.setObjectName("PixxelInstallButton")
        self.install_button.clicked.connect(lambda: self.start())
        lay.addWidget(self.install_button)

        self.wheel_dir_edit = QLineEdit()
        self.wheel_dir_edit.setObjectName("PixxelWheelFolder")
        self.wheel_dir_edit.setPlaceholderText(tr("Offline: a folder of wheels (optional)"))
        self.wheel_dir_edit.setToolTip(tr("Install from the .whl files in this folder instead of from PyPI"))
        browse = QPushButton(tr("Choose…"))
        browse.setObjectName("PixxelWheelFolderBrowse")
        browse.clicked.connect(self._choose_wheel_dir)
        wheel_row = QWidget()
        wheel_lay = QHBoxLayout(wheel_row)
        wheel_lay.setContentsMargins(0, 0, 0, 0)
        wheel_lay.addWidget(self.wheel_dir_edit, 1)
        wheel_lay.addWidget(browse)
        lay.addWidget(wheel_row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("PixxelInstallCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        lay.addWidget(self.progress)
        lay.addWidget(self.cancel_button)

        self.status = _label("")
        self.status.setObjectName("PixxelInstallStatus")
        lay.addWidget(self.status)
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("PixxelInstallLog")
        self.log_view.setReadOnly(True)
        self.log_view.setVisible(False)
        lay.addWidget(self.log_view)

        lay.addWidget(_label(tr("Or run this command (QGIS's own Python, the plugin's folder), then restart QGIS:")))
        self.command_view = QPlainTextEdit()
        self.command_view.setObjectName("PixxelInstallCommand")
        self.command_view.setReadOnly(True)
        self.command_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.command_view.setMaximumHeight(90)
        self.command_view.setPlainText(self.manual_command())
        copy = QPushButton(tr("Copy command"))
        copy.setObjectName("PixxelCopyCommand")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.command_view.toPlainText()))
        lay.addWidget(self.command_view)
        lay.addWidget(copy)
        hint = deps.system_package_hint().strip()
        if hint:
            lay.addWidget(_label(hint))

    # ------------------------------------------------------------------ behaviour
    def manual_command(self, wheel_dir: Optional[str] = None) -> str:
        try:
            return deps.install_command(self.missing, constraints=deps.manual_pins(), wheel_dir=wheel_dir)
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            return f"({type(exc).__name__}: {exc})"

    def _choose_wheel_dir(self):
        folder = QFileDialog.getExistingDirectory(self, tr("Folder of wheels (.whl)"), self.wheel_dir_edit.text())
        if folder:
            self.wheel_dir_edit.setText(folder)

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self, wheel_dir: Optional[str] = None):
        """Start the install (from ``wheel_dir``, else the folder typed in the panel, else PyPI)."""
        if self.task is not None:
            return self.task
        from ..core.dependency_install import InstallDependenciesTask

        wheel_dir = wheel_dir or self.wheel_dir_edit.text().strip() or None
        self.command_view.setPlainText(self.manual_command(wheel_dir))
        self.task = InstallDependenciesTask(self.missing, wheel_dir=wheel_dir, on_finished=self._finished)
        self.task.progressChanged.connect(lambda p: self.progress.setValue(int(p)))
        self.install_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.log_view.setVisible(False)
        self.status.setText(tr("Installing {names}… (QGIS stays usable meanwhile)").format(
            names=", ".join(m.requirement.spec for m in self.missing)))
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def cancel(self):
        if self.task is not None:
            self.task.cancel()

    def _finished(self, ok: bool, task):
        self.task = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.install_button.setEnabled(True)
        if ok:
            deps.refresh_after_install()
            still = deps.missing_dependencies()
            if not still:
                self.status.setText(tr("Installed. The Pixxel panel and Processing algorithms are ready."))
                self.installed.emit()
                return
            message = tr("pip finished, but these are still not importable: {names}.").format(
                names=", ".join(m.describe() for m in still))
        else:
            message = task.error or tr("The installation failed.")
        self.status.setText(message)
        self.log_view.setPlainText(task.log_text)
        self.log_view.setVisible(True)
        self.failed.emit(message)

    def shutdown(self):
        if self.task is not None:
            self.task.on_finished = None
            self.task.cancel()
            self.task = None
