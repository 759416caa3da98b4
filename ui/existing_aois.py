"""Panel section "Existing AOIs": the account's AOIs (newest first), Refresh, load boundary and assets again."""

from __future__ import annotations

from typing import Any, List

from qgis.core import Qgis
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..client.polling import status_text
from ..i18n import tr
from .widgets import Section, label, row


class ExistingAoisSection(Section):
    def __init__(self, panel):
        super().__init__(panel, tr("Existing AOIs"), "existingGroup")
        self.aois: List[Any] = []
        lay = QVBoxLayout(self)
        self.aoi_table = QTableWidget(0, 4)
        self.aoi_table.setHorizontalHeaderLabels((tr("Name"), tr("Status"), tr("Progress"), tr("Created")))
        self.aoi_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.aoi_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.aoi_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.aoi_table.verticalHeader().setVisible(False)
        self.aoi_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.aoi_table.setMinimumHeight(120)
        self.refresh_aois_button = QPushButton(tr("Refresh"))
        self.load_aoi_button = QPushButton(tr("Load"))
        self.load_aoi_button.setToolTip(tr("Load the boundary and assets of the selected AOI"))
        self.existing_status = label()
        lay.addWidget(self.aoi_table)
        lay.addWidget(row(self.refresh_aois_button, self.load_aoi_button, None))
        lay.addWidget(self.existing_status)
        self.refresh_aois_button.clicked.connect(panel.slot(self.refresh_aois))
        self.load_aoi_button.clicked.connect(panel.slot(self.load_selected_aoi))
        self.aoi_table.doubleClicked.connect(panel.slot(self.load_selected_aoi))

    def refresh_aois(self, quiet: bool = False):
        """List the AOIs; ``quiet``: no message on failure, nothing at all before the first client."""
        def done(aois):
            self._set_aois(aois)
            self._to_board(aois)
            self.existing_status.setText(tr("{count} AOI(s).").format(count=len(self.aois)))

        def failed(msg):
            text = tr("Could not list AOIs: {error}").format(error=msg)
            self.existing_status.setText(text)
            if not quiet:
                self.panel.error(text)

        if quiet and not self.panel.connection.has_client:
            return
        self.panel.call(tr("Pixxel: list AOIs"), lambda c: c.all_aois(), done, failed, [self.refresh_aois_button])

    def _to_board(self, aois):
        """The listed AOIs go on the AOI board (its layer), which then keeps them and this list current."""
        board = self.panel.board
        if board is None:
            return
        from ..core import connection

        try:
            board.record(connection.normalize_base_url(connection.stored_base_url()), aois)
        except OSError as exc:
            self.panel.warn(str(exc))
            return
        if not getattr(self, "_board_connected", False):
            board.aoiChanged.connect(self.panel.alive(self._board_changed))
            self._board_connected = True

    def _board_changed(self, aoi):
        """An answer of the board's poller: the same AOI in this list shows the same status."""
        for i, known in enumerate(self.aois):
            if known.aoi_id == aoi.aoi_id:
                self.aois[i] = aoi
                self._set_aois(self.aois)
                return

    def _set_aois(self, aois):
        selected = self.selected_aoi()
        keep = selected.aoi_id if selected is not None else None
        self.aois = sorted(aois, key=lambda a: str(getattr(a, "created_at_raw", None) or a.created_at or ""),
                           reverse=True)
        self.aoi_table.setRowCount(len(self.aois))
        for r, aoi in enumerate(self.aois):
            name = QTableWidgetItem(aoi.name or aoi.aoi_id)
            name.setData(Qt.ItemDataRole.UserRole, r)
            name.setToolTip(aoi.aoi_id)
            self.aoi_table.setItem(r, 0, name)
            self.aoi_table.setItem(r, 1, QTableWidgetItem(status_text(aoi.status)))
            self.aoi_table.setItem(r, 2, QTableWidgetItem("" if aoi.progress is None else f"{aoi.progress:.0f}%"))
            created = aoi.created_at.strftime("%Y-%m-%d %H:%M") if aoi.created_at else ""
            self.aoi_table.setItem(r, 3, QTableWidgetItem(created))
            if keep is not None and aoi.aoi_id == keep:
                self.aoi_table.selectRow(r)

    def selected_aoi(self):
        model = self.aoi_table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        cell = self.aoi_table.item(rows[0].row(), 0) if rows else None
        return self.aois[int(cell.data(Qt.ItemDataRole.UserRole))] if cell is not None else None

    def load_selected_aoi(self):
        aoi = self.selected_aoi()
        if aoi is None:
            self.panel.warn(tr("Select an AOI in the Existing AOIs list first."))
            return
        self.load_aoi(aoi)

    def load_aoi(self, aoi):
        """Load an AOI's boundary and assets (this list's Load, the AOI board's note)."""
        client = self.panel.connection.client()
        if client is None:
            return
        name = aoi.name or aoi.aoi_id
        self.existing_status.setText(tr("Loading “{name}”…").format(name=name))
        self.load_aoi_button.setEnabled(False)

        def done(result):
            self.load_aoi_button.setEnabled(True)
            status = status_text(result["aoi"].status)
            text = tr("“{name}” ({status}): {summary}").format(name=name, status=status, summary=result.get("message") or "")
            self.existing_status.setText(text)
            self.panel.message(text, Qgis.MessageLevel.Success if status == "success" else Qgis.MessageLevel.Warning, 8)

        def failed(msg):
            self.load_aoi_button.setEnabled(True)
            text = tr("“{name}” not loaded: {error}").format(name=name, error=msg)
            self.existing_status.setText(text)
            self.panel.error(text)

        def cancelled():
            self.load_aoi_button.setEnabled(True)
            self.existing_status.setText(tr("Cancelled."))

        self.panel.start(self.panel.load_task(client, aoi, done, failed, cancelled))
