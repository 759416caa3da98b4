"""Panel section "Existing AOIs": the account's AOIs (newest first), Refresh, load boundary and assets again.

The list is a view of the AOI board's records (core/board/model.py ``BoardModel``) of the saved connection,
never a copy: what the board's poller sees shows here without a Refresh, and a Refresh writes the board layer.
Without the plugin's board (scripts, some tests) it views a memory-only ``BoardModel`` of its own.
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QSortFilterProxyModel, Qt
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView, QVBoxLayout

from ..client.polling import status_text
from ..core.board.model import AOI_ROLE, COLUMNS, SORT_ROLE, BoardModel
from ..i18n import tr
from .widgets import Section, label, row

HEADERS = {"Name": QT_TRANSLATE_NOOP("PixxelQgis", "Name"), "Status": QT_TRANSLATE_NOOP("PixxelQgis", "Status"),
           "Progress": QT_TRANSLATE_NOOP("PixxelQgis", "Progress"), "Created": QT_TRANSLATE_NOOP("PixxelQgis", "Created")}


class AoiListProxy(QSortFilterProxyModel):
    """The board's records as the list shows them: newest first, translated headers."""

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return tr(HEADERS[COLUMNS[section][1]])
        return super().headerData(section, orientation, role)


class ExistingAoisSection(Section):
    def __init__(self, panel):
        super().__init__(panel, tr("Existing AOIs"), "existingGroup")
        self._local = BoardModel(parent=self)  # without the plugin's board
        self._board_hooked = None
        lay = QVBoxLayout(self)
        self.proxy = AoiListProxy(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.proxy.setSourceModel(self._local)  # the header has its columns before it is set up
        self.proxy.sort(3, Qt.SortOrder.DescendingOrder)
        self.aoi_table = QTableView()
        self.aoi_table.setModel(self.proxy)
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
        self.bind()

    # ------------------------------------------------------------------ the model this list views
    @staticmethod
    def _base_url() -> str:
        from ..core import connection

        return connection.normalize_base_url(connection.stored_base_url())

    @property
    def model(self) -> BoardModel:
        """The records this list shows: the saved connection's board when it is open, else this panel's own."""
        board = self.panel.board
        found = board.model(self._base_url()) if board is not None else None
        return found if found is not None else self._local

    def bind(self, *_):
        """View the saved connection's board (called when the board or the connection changes)."""
        board = self.panel.board
        if board is not None and self._board_hooked is not board:
            board.boardOpened.connect(self.panel.alive(self.bind))
            board.boardClosed.connect(self.panel.alive(self.bind))
            self._board_hooked = board
        model = self.model
        if self.proxy.sourceModel() is not model:
            self.proxy.setSourceModel(model)
            self.proxy.sort(3, Qt.SortOrder.DescendingOrder)
            self.aoi_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    @property
    def aois(self):
        """The AOIs the list shows, newest first (the board's records)."""
        return [self.proxy.data(self.proxy.index(r, 0), AOI_ROLE) for r in range(self.proxy.rowCount())]

    def refresh_aois(self, quiet: bool = False):
        """List the AOIs; ``quiet``: no message on failure, nothing at all before the first client."""
        def done(aois):
            self._set_aois(aois)
            self.existing_status.setText(tr("{count} AOI(s).").format(count=self.proxy.rowCount()))

        def failed(msg):
            text = tr("Could not list AOIs: {error}").format(error=msg)
            self.existing_status.setText(text)
            if not quiet:
                self.panel.error(text)

        if quiet and not self.panel.connection.has_client:
            return
        self.panel.call(tr("Pixxel: list AOIs"), lambda c: c.all_aois(), done, failed, [self.refresh_aois_button])

    def _set_aois(self, aois):
        """The listed AOIs go into the records this list views: the AOI board's (its layer written, the non-final
        ones watched), or the panel's own without a board."""
        keep = self.selected_aoi()
        board = self.panel.board
        if board is not None:
            try:
                board.record(self._base_url(), aois)
            except OSError as exc:
                self.panel.warn(str(exc))
                self._local.put(aois)
        else:
            self._local.put(aois)
        self.bind()
        if keep is not None:
            self.select(keep.aoi_id)

    def select(self, aoi_id: str) -> bool:
        for r in range(self.proxy.rowCount()):
            aoi = self.proxy.data(self.proxy.index(r, 0), AOI_ROLE)
            if aoi is not None and aoi.aoi_id == aoi_id:
                self.aoi_table.selectRow(r)
                return True
        return False

    def cell(self, r: int, column: int) -> str:
        """The text shown in a cell of the list."""
        value = self.proxy.data(self.proxy.index(r, column), Qt.ItemDataRole.DisplayRole)
        return "" if value is None else str(value)

    def selected_aoi(self) -> Optional[Any]:
        model = self.aoi_table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.proxy.data(rows[0], AOI_ROLE) if rows else None

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
