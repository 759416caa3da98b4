"""The Pixxel dock panel: connection, AOI geometry, form, create (+ poll + assets), existing AOIs.

Thin on purpose: geometry comes from core.geometry, layers from core.layers, every network call runs in
a core.tasks QgsTask. A failure never clears what the user typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, List, Optional

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsProject,
    QgsWkbTypes,
)
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsPasswordLineEdit, QgsRubberBand
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..client.errors import PixxelError
from ..core import connection as conn_mod
from ..core.tasks import (
    ApiCallTask,
    CreateAoiTask,
    LoadAssetsTask,
    PollAoiTask,
    TaskKeeper,
    status_text,
    user_message,
)
from .item_table import ItemTable

TITLE = "Pixxel"
WGS84 = "EPSG:4326"
SEARCH_LIMIT = 500
MODES = (("merge", "Merge into one polygon"), ("per_feature", "One AOI per feature"), ("hull", "Convex hull"))
PROVIDERS = ("pixxel", "planetary")


def _label(text: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return lab


def _row(*widgets) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    for x in widgets:
        if x is None:
            lay.addStretch(1)
        else:
            lay.addWidget(x)
    return w


class PixxelDockWidget(QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__(TITLE, parent)
        self.setObjectName("PixxelDockWidget")
        self.iface = iface
        self.tasks = TaskKeeper()
        self._client = None
        self._client_key = None
        self._stored_key: Optional[str] = None  # the key read from the auth DB, kept for the session
        self._closed = False
        self.shapes: List[Any] = []  # core.aoi_shape.AoiShape, EPSG:4326
        self.projects: List[Any] = []
        self.satellites: List[Any] = []
        self.aois: List[Any] = []
        self.last_aoi = None  # the AOI of the last create flow (final state)
        self.last_result = None  # what LoadAssetsTask delivered last
        self._flow_tasks: List[Any] = []  # create/poll/load tasks of the running create flow
        self._flow_queue: List[Any] = []
        self._aoi_band: Optional[QgsRubberBand] = None
        self._fp_band: Optional[QgsRubberBand] = None
        self._build_ui()
        self._load_connection_fields()
        self.visibilityChanged.connect(self._visibility_changed)

    # ================================================================================== UI building
    def _build_ui(self):
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.addWidget(self._build_connection())
        outer.addWidget(self._build_geometry())
        outer.addWidget(self._build_form())
        outer.addWidget(self._build_create())
        outer.addWidget(self._build_existing())
        outer.addStretch(1)
        scroll.setWidget(body)
        self.setWidget(scroll)

    def _group(self, title: str, name: str) -> QgsCollapsibleGroupBox:
        box = QgsCollapsibleGroupBox(title)
        box.setObjectName(name)
        box.setSaveCollapsedState(False)
        return box

    def _build_connection(self):
        box = self._group("Connection", "connectionGroup")
        form = QFormLayout(box)
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setPlaceholderText(conn_mod.DEFAULT_BASE_URL)
        self.api_key_edit = QgsPasswordLineEdit()
        self.api_key_edit.setShowLockIcon(True)
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Store the base URL, and the API key in the QGIS authentication database")
        self.test_button = QPushButton("Test connection")
        self.connection_status = _label()
        form.addRow("Base URL", self.base_url_edit)
        form.addRow("API key", self.api_key_edit)
        form.addRow(_row(self.save_button, self.test_button, None))
        form.addRow(self.connection_status)
        self.save_button.clicked.connect(self._slot(self.save_connection))
        self.test_button.clicked.connect(self._slot(self.test_connection))
        return box

    def _build_geometry(self):
        box = self._group("AOI geometry", "geometryGroup")
        form = QFormLayout(box)
        self.mode_combo = QComboBox()
        for key, text in MODES:
            self.mode_combo.addItem(text, key)
        self.use_selection_button = QPushButton("Use selection")
        self.use_selection_button.setToolTip("Make the AOI from the selected polygons of the active layer")
        self.clear_geometry_button = QPushButton("Clear")
        self.geometry_info = _label("No AOI geometry yet: select polygons and press “Use selection”.")
        self.geometry_notes = _label()
        self.geometry_notes.setStyleSheet("color: #666;")
        form.addRow("Several parts", self.mode_combo)
        form.addRow(_row(self.use_selection_button, self.clear_geometry_button, None))
        form.addRow(self.geometry_info)
        form.addRow(self.geometry_notes)
        self.use_selection_button.clicked.connect(self._slot(self.use_selection))
        self.clear_geometry_button.clicked.connect(self._slot(self.clear_geometry))
        self.mode_combo.currentIndexChanged.connect(self._slot(self._mode_changed))
        return box

    def _build_form(self):
        box = self._group("AOI", "formGroup")
        form = QFormLayout(box)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Required, unique among your AOIs")
        self.name_status = _label()
        self.description_edit = QLineEdit()
        self.project_combo = QComboBox()
        self.satellite_combo = QComboBox()
        self.provider_combo = QComboBox()
        for p in PROVIDERS:
            self.provider_combo.addItem(p, p)
        self.refresh_lists_button = QPushButton("Reload projects and satellites")
        today = QDate.currentDate()
        self.start_date = QDateEdit(today.addYears(-3))
        self.end_date = QDateEdit(today)
        for d in (self.start_date, self.end_date):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.cloud_spin = QSpinBox()
        self.cloud_spin.setRange(0, 100)
        self.cloud_spin.setValue(100)
        self.cloud_spin.setSuffix(" %")
        self.search_button = QPushButton("Search images")
        self.search_status = _label()
        self.item_table = ItemTable()
        self.footprints_button = QPushButton("Preview footprints")
        self.footprints_button.setCheckable(True)
        self.footprints_button.setChecked(True)
        form.addRow("Name", self.name_edit)
        form.addRow("", self.name_status)
        form.addRow("Description", self.description_edit)
        form.addRow("Project", self.project_combo)
        form.addRow("Satellite", self.satellite_combo)
        form.addRow("Provider", self.provider_combo)
        form.addRow(self.refresh_lists_button)
        form.addRow("Dates", _row(self.start_date, QLabel("to"), self.end_date, None))
        form.addRow("Max cloud", self.cloud_spin)
        form.addRow(_row(self.search_button, self.footprints_button, None))
        form.addRow(self.search_status)
        form.addRow(self.item_table)
        self.name_edit.editingFinished.connect(self._slot(self.check_name))
        self.name_edit.textEdited.connect(lambda _t: self.name_status.setText(""))
        self.refresh_lists_button.clicked.connect(self._slot(self.refresh_reference_data))
        self.satellite_combo.currentIndexChanged.connect(self._slot(self._satellite_changed))
        self.search_button.clicked.connect(self._slot(self.search_images))
        self.item_table.itemSelectionChanged.connect(self._slot(self._draw_footprints))
        self.footprints_button.toggled.connect(self._slot(self._draw_footprints))
        return box

    def _build_create(self):
        box = self._group("Create", "createGroup")
        lay = QVBoxLayout(box)
        self.create_button = QPushButton("Create AOI")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.create_status = _label()
        lay.addWidget(_row(self.create_button, self.cancel_button, None))
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.create_status)
        self.create_button.clicked.connect(self._slot(self.create_aoi))
        self.cancel_button.clicked.connect(self._slot(self.cancel_create))
        return box

    def _build_existing(self):
        box = self._group("Existing AOIs", "existingGroup")
        lay = QVBoxLayout(box)
        self.aoi_table = QTableWidget(0, 4)
        self.aoi_table.setHorizontalHeaderLabels(("Name", "Status", "Progress", "Created"))
        self.aoi_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.aoi_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.aoi_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.aoi_table.verticalHeader().setVisible(False)
        self.aoi_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.aoi_table.setMinimumHeight(120)
        self.refresh_aois_button = QPushButton("Refresh")
        self.load_aoi_button = QPushButton("Load boundary and assets")
        self.existing_status = _label()
        lay.addWidget(self.aoi_table)
        lay.addWidget(_row(self.refresh_aois_button, self.load_aoi_button, None))
        lay.addWidget(self.existing_status)
        self.refresh_aois_button.clicked.connect(self._slot(self.refresh_aois))
        self.load_aoi_button.clicked.connect(self._slot(self.load_selected_aoi))
        self.aoi_table.doubleClicked.connect(self._slot(self.load_selected_aoi))
        return box

    # ================================================================================== helpers
    def message(self, text: str, level=Qgis.Info, duration: int = 6):
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(TITLE, text, level=level, duration=duration)

    def _warn(self, text: str):
        self.message(text, Qgis.Warning, 10)

    def _error(self, text: str):
        self.message(text, Qgis.Critical, 0)

    def _slot(self, fn: Callable) -> Callable:
        """A Qt slot that calls ``fn()`` (signal arguments dropped) and turns a bug into a message
        instead of an exception escaping into Qt."""

        def call(*_args):
            if self._closed:
                return
            try:
                fn()
            except Exception as exc:  # noqa: BLE001
                self._error(user_message(exc))

        return call

    def _start(self, task):
        if self._closed:
            return None
        return self.tasks.start(task)

    def _alive(self, fn: Callable) -> Callable:
        """Wrap a task callback so that it does nothing once the panel is shut down."""

        def call(*args):
            if self._closed:
                return
            try:
                fn(*args)
            except Exception as exc:  # noqa: BLE001
                self._error(user_message(exc))

        return call

    def _call(self, description: str, fn, on_done, on_error=None, buttons=()):
        """Run ``fn(client)`` in a task; the buttons are disabled meanwhile."""
        client = self.client()
        if client is None:
            return None
        for b in buttons:
            b.setEnabled(False)

        def restore():
            for b in buttons:
                b.setEnabled(True)

        def done(result):
            restore()
            on_done(result)

        def failed(msg):
            restore()
            (on_error or self._error)(msg)

        return self._start(ApiCallTask(description, lambda: fn(client), self._alive(done), self._alive(failed),
                                       self._alive(restore)))

    # ================================================================================== connection
    def _load_connection_fields(self):
        conn = conn_mod.load_connection(with_key=False)
        self.base_url_edit.setText(conn.base_url)
        self._update_key_placeholder()

    def _update_key_placeholder(self):
        if conn_mod.has_stored_key():
            self.api_key_edit.setPlaceholderText("Stored in the QGIS authentication database")
        else:
            self.api_key_edit.setPlaceholderText("Paste your Pixxel API key")

    def _field_connection(self) -> conn_mod.Connection:
        """The connection the fields describe: a typed key wins over the stored one."""
        base = conn_mod.normalize_base_url(self.base_url_edit.text())
        key = self.api_key_edit.text().strip()
        if key:
            return conn_mod.Connection(base, key)
        if self._stored_key is None:  # read the auth DB once (QGIS may ask for the master password)
            self._stored_key = conn_mod.load_connection(with_key=True).api_key
        return conn_mod.Connection(base, self._stored_key)

    #: extra PixxelClient keyword arguments (tests shorten timeouts and retry budgets)
    client_options: dict = {}

    def client(self):
        """The client for the current connection (built on the main thread, no network); None + a
        message when no key is set."""
        try:
            conn = self._field_connection()
            key = (conn.base_url, conn.api_key)
            if self._client is None or self._client_key != key:
                self._client = conn_mod.make_client(conn, **self.client_options)
                self._client_key = key
            return self._client
        except (conn_mod.ConnectionSetupError, PixxelError) as exc:
            self.connection_status.setText(str(exc))
            self._warn(str(exc))
            return None

    def save_connection(self):
        try:
            conn = conn_mod.save_connection(self.base_url_edit.text(), self.api_key_edit.text())
        except conn_mod.ConnectionSetupError as exc:
            self._error(str(exc))
            return
        self.base_url_edit.setText(conn.base_url)
        if conn.api_key:
            self._stored_key = conn.api_key
        self.api_key_edit.clear()
        self._update_key_placeholder()
        self._client = None
        if conn_mod.has_stored_key():
            self.connection_status.setText(f"Saved. Using {conn.base_url}.")
            self.message("Connection saved; the API key is in the QGIS authentication database.", Qgis.Success)
            self.refresh_reference_data()
            self.refresh_aois()
        else:
            self.connection_status.setText("Saved the base URL. Enter your API key and press Save.")
            self._warn("No API key is stored yet: enter your Pixxel API key and press Save.")

    def test_connection(self):
        def check(client):
            pong = client.ping()
            client.list_projects(page_num=1, page_size=1)  # ping needs no key: this checks the key
            return pong

        def ok(pong):
            text = f"Connected to {self._client_key[0]}; the API key works."
            self.connection_status.setText(text)
            self.message(text, Qgis.Success)

        def failed(msg):
            self.connection_status.setText(f"Connection failed: {msg}")
            self._error(f"Connection failed: {msg}")

        self.connection_status.setText("Testing…")
        if self._call("Pixxel: test connection", check, ok, failed, [self.test_button]) is None:
            self.connection_status.setText("Not tested: no API key.")

    # ================================================================================== reference data
    def refresh_reference_data(self):
        self._call("Pixxel: list projects", lambda c: c.all_projects(), self._set_projects,
                   lambda m: self._error(f"Could not list projects: {m}"), [self.refresh_lists_button])
        self._call("Pixxel: list satellites", lambda c: c.list_satellites(), self._set_satellites,
                   lambda m: self._error(f"Could not list satellites: {m}"))

    def _set_projects(self, projects):
        current = self.project_combo.currentData()
        self.projects = list(projects)
        self.project_combo.clear()
        for p in self.projects:
            label = getattr(p, "display_name", None) or getattr(p, "name", None) or p.id
            self.project_combo.addItem(str(label), str(p.id))
        self._restore_combo(self.project_combo, current)

    def _set_satellites(self, satellites):
        current = self.satellite_combo.currentData()
        self.satellites = list(satellites)
        self.satellite_combo.clear()
        for sat in self.satellites:
            collections = list(getattr(sat, "collections", None) or []) or [None]
            for col in collections:
                col_id = getattr(col, "id", None)
                text = str(sat.name or sat.id)
                if col is not None:
                    text += f" · {getattr(col, 'name', None) or col_id}"
                data = {"satellite_id": str(sat.id), "collection_id": col_id,
                        "provider": getattr(col, "provider", None)}
                self.satellite_combo.addItem(text, data)
        self._restore_combo(self.satellite_combo, current)

    @staticmethod
    def _restore_combo(combo: QComboBox, data):
        if data is None:
            return
        for i in range(combo.count()):
            if combo.itemData(i) == data:
                combo.setCurrentIndex(i)
                return

    def _satellite_changed(self):
        data = self.satellite_combo.currentData() or {}
        provider = (data.get("provider") or "").lower()
        i = self.provider_combo.findData(provider)
        if i >= 0:
            self.provider_combo.setCurrentIndex(i)

    # ================================================================================== geometry
    def _canvas(self):
        try:
            return self.iface.mapCanvas()
        except Exception:  # noqa: BLE001
            return None

    def use_selection(self):
        from ..core import geometry

        layer = self.iface.activeLayer()
        mode = self.mode_combo.currentData()
        try:
            shapes = geometry.selected_polygons_to_aoi(layer, mode=mode)
        except geometry.NeedsChoice as exc:
            self._set_shapes([])
            self.geometry_info.setText(str(exc))
            self.geometry_notes.setText("")
            self.mode_combo.setFocus()
            self._warn(str(exc))
            return
        except geometry.GeometryRefused as exc:
            self._set_shapes([])
            self.geometry_info.setText(str(exc))
            self.geometry_notes.setText("")
            self._warn(str(exc))
            return
        self._set_shapes(shapes)
        area = sum(s.area_km2 for s in shapes)
        vertices = sum(s.vertex_count for s in shapes)
        if len(shapes) == 1:
            text = f"Area: {area:,.2f} km² · Vertices: {vertices}"
        else:
            text = f"{len(shapes)} AOIs · Area: {area:,.2f} km² in total · Vertices: {vertices}"
        self.geometry_info.setText(text)
        notes = list(dict.fromkeys(n for s in shapes for n in (s.notes or [])))
        self.geometry_notes.setText("; ".join(notes))

    def _mode_changed(self):
        if self.shapes or "separate polygons" in self.geometry_info.text():
            self.use_selection()

    def clear_geometry(self):
        self._set_shapes([])
        self.geometry_info.setText("No AOI geometry yet: select polygons and press “Use selection”.")
        self.geometry_notes.setText("")

    def _set_shapes(self, shapes):
        self.shapes = list(shapes)
        self._draw_aoi_preview()

    def _new_band(self, colour: str, width: int = 2, fill_alpha: int = 40) -> Optional[QgsRubberBand]:
        canvas = self._canvas()
        if canvas is None:
            return None
        band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        c = QColor(colour)
        band.setStrokeColor(c)
        c.setAlpha(fill_alpha)
        band.setFillColor(c)
        band.setWidth(int(round(width)))
        return band

    def _remove_band(self, attr: str):
        band = getattr(self, attr)
        setattr(self, attr, None)
        if band is None:
            return
        try:
            band.reset(QgsWkbTypes.PolygonGeometry)
            scene = band.scene()
            if scene is not None:
                scene.removeItem(band)
        except RuntimeError:
            pass

    def _draw_aoi_preview(self):
        self._remove_band("_aoi_band")
        if not self.shapes:
            return
        band = self._new_band("#ff00c8", 3, 50)
        if band is None:
            return
        crs = QgsCoordinateReferenceSystem(WGS84)
        for s in self.shapes:
            band.addGeometry(geojson_geometry(s.geojson), crs)
        self._aoi_band = band
        canvas = self._canvas()
        if canvas is not None:
            canvas.refresh()

    def _draw_footprints(self):
        self._remove_band("_fp_band")
        if not self.footprints_button.isChecked():
            return
        items = self.item_table.selected_items()
        if not items:
            return
        band = self._new_band("#1f78b4", 2, 25)
        if band is None:
            return
        crs = QgsCoordinateReferenceSystem(WGS84)
        for item in items:
            g = geojson_geometry(getattr(item, "geometry", None))
            if g is not None and not g.isEmpty():
                band.addGeometry(g, crs)
        self._fp_band = band

    # ================================================================================== form
    def check_name(self):
        name = self.name_edit.text().strip()
        if not name:
            self.name_status.setText("")
            return

        def done(found):
            if self.name_edit.text().strip() != name:
                return
            if found is not None:
                self.name_status.setText(f"✗ An AOI named “{name}” already exists: choose another name.")
            else:
                self.name_status.setText("✓ Name available.")

        self._call("Pixxel: check AOI name", lambda c: c.find_aoi_by_name(name), done,
                   lambda m: self.name_status.setText(f"Name not checked: {m}"))

    def _search_geometry(self) -> Optional[dict]:
        if not self.shapes:
            return None
        if len(self.shapes) == 1:
            return self.shapes[0].geojson
        import shapely
        from shapely.geometry import mapping, shape

        hull = shapely.convex_hull(shapely.union_all([shape(s.geojson) for s in self.shapes]))
        return mapping(hull)

    def search_images(self):
        from ..client.models import Polygon, SatelliteRef, SearchFilter, SearchQuery

        geom = self._search_geometry()
        if geom is None:
            self._warn("Make the AOI geometry first: select polygons and press “Use selection”.")
            return
        sat = self.satellite_combo.currentData()
        if not sat:
            self._warn("Choose a satellite first (press “Reload projects and satellites” if the list is empty).")
            return
        if not sat.get("collection_id"):
            self._warn("This satellite has no collection to search.")
            return
        try:
            query = SearchQuery(
                start_date=_qdate(self.start_date.date()),
                end_date=dt.datetime.combine(_qdate(self.end_date.date()), dt.time(23, 59, 59),
                                             tzinfo=dt.timezone.utc),
                satellites=[SatelliteRef(collection_id=sat["collection_id"], satellite_id=sat["satellite_id"])],
                filters=[SearchFilter(id="eo:cloud_cover", min=0, max=self.cloud_spin.value())],
                geometry=Polygon(**geom),
                limit=100,
            )
        except (PixxelError, ValueError) as exc:
            self._warn(f"Search not sent: {exc}")
            return

        def run(client):
            return list(client.iter_search(query, max_items=SEARCH_LIMIT))

        def done(items):
            self.item_table.set_items(items)
            more = " (first results only)" if len(items) >= SEARCH_LIMIT else ""
            self.search_status.setText(f"{len(items)} image(s) found{more}. Select the ones to include.")
            self._draw_footprints()

        def failed(msg):
            self.search_status.setText(f"Search failed: {msg}")
            self._error(f"Search failed: {msg}")

        self.search_status.setText("Searching…")
        self._call("Pixxel: search images", run, done, failed, [self.search_button])

    def _payloads(self):
        """The AOICreate bodies for the form (one per AOI shape), or None and a message."""
        from ..client.models import AOICreate, Polygon

        name = self.name_edit.text().strip()
        problems = []
        if not name:
            problems.append("enter a name")
        if not self.shapes:
            problems.append("make the AOI geometry (select polygons, press “Use selection”)")
        if self.project_combo.currentData() is None:
            problems.append("choose a project")
        sat = self.satellite_combo.currentData()
        if not sat:
            problems.append("choose a satellite")
        item_ids = self.item_table.selected_ids()
        if not item_ids:
            problems.append("search images and select at least one")
        if problems:
            self._warn("Before creating the AOI: " + "; ".join(problems) + ".")
            return None
        n = len(self.shapes)
        out = []
        try:
            for i, shape in enumerate(self.shapes, 1):
                out.append(AOICreate(
                    name=name if n == 1 else f"{name}-{i}",
                    description=self.description_edit.text(),
                    satellite_id=sat["satellite_id"],
                    provider=self.provider_combo.currentData(),
                    project_id=self.project_combo.currentData(),
                    geometry=Polygon(**shape.geojson),
                    item_ids=item_ids,
                ))
        except (PixxelError, ValueError) as exc:
            self._warn(f"The AOI was not created: {exc}")
            return None
        return out

    # ================================================================================== create flow
    def create_aoi(self):
        payloads = self._payloads()
        if not payloads:
            return
        client = self.client()
        if client is None:
            return
        self._flow_queue = list(payloads)
        self.create_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self._next_create(client)

    def _flow_end(self, text: str = ""):
        self._flow_tasks = []
        self._flow_queue = []
        self.create_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if text:
            self.create_status.setText(text)
        self.refresh_aois(quiet=True)

    def _next_create(self, client):
        if not self._flow_queue:
            self._flow_end()
            return
        payload = self._flow_queue.pop(0)
        self.create_status.setText(f"Creating “{payload.name}”…")
        self.progress_bar.setValue(0)

        task = CreateAoiTask(client, payload,
                             self._alive(lambda aoi: self._created(client, aoi)),
                             self._alive(lambda m: self._flow_failed(f"“{payload.name}” was not created: {m}")),
                             self._alive(lambda: self._flow_cancelled(
                                 f"Creating “{payload.name}” was cancelled; if the request had reached the "
                                 "server the AOI exists: see Existing AOIs.")))
        self._flow_tasks = [task]
        self._start(task)

    def _created(self, client, aoi):
        self.last_aoi = aoi
        name = aoi.name or aoi.aoi_id
        self.create_status.setText(f"“{name}” created ({status_text(aoi.status)}); waiting for processing…")
        self.message(f"AOI “{name}” created; processing started.", Qgis.Info, 4)
        if status_text(aoi.status) in ("success", "partial_success", "failed"):
            self._polled(client, aoi)
            return
        task = PollAoiTask(client, aoi.aoi_id, name,
                           self._alive(lambda a: self._polled(client, a)),
                           self._alive(lambda m: self._flow_failed(f"Waiting for “{name}” stopped: {m}")),
                           self._alive(lambda: self._flow_cancelled(
                               f"Stopped waiting for “{name}”; it keeps processing on the server. "
                               "Load it later from Existing AOIs.")),
                           **self.poll_options)
        task.aoiUpdated.connect(self._alive(self._aoi_update))
        task.statusMessage.connect(self._alive(self.create_status.setText))
        self._flow_tasks = [task]
        self._start(task)

    #: PollAoiTask keyword arguments (tests shorten the delays)
    poll_options = {"initial_delay": 1.0, "factor": 1.5, "max_delay": 10.0, "max_transient": 5}

    def _aoi_update(self, aoi):
        progress = int(aoi.progress or 0)
        self.progress_bar.setValue(max(0, min(100, progress)))
        self.create_status.setText(f"“{aoi.name or aoi.aoi_id}”: {status_text(aoi.status)}, {progress}%")

    def _polled(self, client, aoi):
        self.last_aoi = aoi
        name = aoi.name or aoi.aoi_id
        status = status_text(aoi.status)
        self.progress_bar.setValue(int(aoi.progress or (100 if status == "success" else 0)))
        if status == "failed":
            self.message(f"AOI “{name}” failed on the Pixxel side; no assets were produced.", Qgis.Critical, 0)
            self.create_status.setText(f"“{name}” failed.")
            self._next_or_end(client)
            return
        if status == "partial_success":
            self.message(f"AOI “{name}” finished with partial success; loading the assets that exist.",
                         Qgis.Warning, 10)
        else:
            self.message(f"AOI “{name}” is ready; loading its assets.", Qgis.Success, 5)
        self.create_status.setText(f"“{name}” {status}; loading assets…")
        task = self._load_task(client, aoi, lambda res: self._flow_loaded(client, res),
                               lambda m: self._flow_failed(f"Assets of “{name}” not loaded: {m}"),
                               lambda: self._flow_cancelled(f"Loading the assets of “{name}” was cancelled."))
        self._flow_tasks = [task]
        self._start(task)

    def _load_task(self, client, aoi, on_done, on_error, on_cancel):
        from ..core import layers

        project = QgsProject.instance()
        gpkg = layers.default_gpkg_path(project, aoi, self.gpkg_folder) if self.save_gpkg else None
        return LoadAssetsTask(client, aoi, gpkg, project, self._alive(self._loaded_wrapper(on_done)),
                              self._alive(on_error), self._alive(on_cancel))

    #: write the layers to a GeoPackage (beside the project, or in the profile when unsaved)
    save_gpkg = True
    #: folder of the GeoPackages (None: core.layers.default_gpkg_folder(project))
    gpkg_folder: Optional[str] = None

    def _loaded_wrapper(self, fn):
        def done(result):
            self.last_result = result
            canvas = self._canvas()
            if canvas is not None and result.get("boundary_layer") is not None:
                from ..core import layers

                layers.zoom_to_layer(canvas, result["asset_layer"] if result.get("count") else
                                     result["boundary_layer"])
            fn(result)

        return done

    def _flow_loaded(self, client, result):
        aoi = result["aoi"]
        self.progress_bar.setValue(100)
        text = f"“{aoi.name or aoi.aoi_id}”: {result.get('message') or str(result['count']) + ' assets loaded.'}"
        self.create_status.setText(text)
        self.message(text, Qgis.Success, 8)
        self._remove_band("_aoi_band")  # the boundary layer replaces the preview
        self._next_or_end(client)

    def _next_or_end(self, client):
        if self._flow_queue:
            self._next_create(client)
        else:
            self._flow_end()

    def _flow_failed(self, text: str):
        self._error(text)
        self._flow_end(text)

    def _flow_cancelled(self, text: str):
        self.message(text, Qgis.Warning, 10)
        self._flow_end(text)

    def cancel_create(self):
        self._flow_queue = []
        for task in list(self._flow_tasks):
            try:
                task.cancel()
            except RuntimeError:
                pass
        self.create_status.setText("Cancelling…")

    # ================================================================================== existing AOIs
    def refresh_aois(self, quiet: bool = False):
        def done(aois):
            self._set_aois(aois)
            self.existing_status.setText(f"{len(self.aois)} AOI(s).")

        def failed(msg):
            self.existing_status.setText(f"Could not list AOIs: {msg}")
            if not quiet:
                self._error(f"Could not list AOIs: {msg}")

        if quiet and self._client is None:
            return
        self._call("Pixxel: list AOIs", lambda c: c.all_aois(), done, failed, [self.refresh_aois_button])

    def _set_aois(self, aois):
        selected = self._selected_aoi()
        keep = selected.aoi_id if selected is not None else None
        self.aois = sorted(aois, key=lambda a: str(getattr(a, "created_at_raw", None) or a.created_at or ""),
                           reverse=True)
        self.aoi_table.setRowCount(len(self.aois))
        for row, aoi in enumerate(self.aois):
            name = QTableWidgetItem(aoi.name or aoi.aoi_id)
            name.setData(Qt.UserRole, row)
            name.setToolTip(aoi.aoi_id)
            self.aoi_table.setItem(row, 0, name)
            self.aoi_table.setItem(row, 1, QTableWidgetItem(status_text(aoi.status)))
            self.aoi_table.setItem(row, 2, QTableWidgetItem("" if aoi.progress is None else f"{aoi.progress:.0f}%"))
            created = aoi.created_at.strftime("%Y-%m-%d %H:%M") if aoi.created_at else ""
            self.aoi_table.setItem(row, 3, QTableWidgetItem(created))
            if keep is not None and aoi.aoi_id == keep:
                self.aoi_table.selectRow(row)

    def _selected_aoi(self):
        rows = self.aoi_table.selectionModel().selectedRows() if self.aoi_table.selectionModel() else []
        if not rows:
            return None
        cell = self.aoi_table.item(rows[0].row(), 0)
        if cell is None:
            return None
        return self.aois[int(cell.data(Qt.UserRole))]

    def load_selected_aoi(self):
        aoi = self._selected_aoi()
        if aoi is None:
            self._warn("Select an AOI in the Existing AOIs list first.")
            return
        client = self.client()
        if client is None:
            return
        name = aoi.name or aoi.aoi_id
        self.existing_status.setText(f"Loading “{name}”…")
        self.load_aoi_button.setEnabled(False)

        def done(result):
            self.load_aoi_button.setEnabled(True)
            status = status_text(result["aoi"].status)
            text = f"“{name}” ({status}): {result.get('message') or ''}"
            self.existing_status.setText(text)
            self.message(text, Qgis.Success if status == "success" else Qgis.Warning, 8)

        def failed(msg):
            self.load_aoi_button.setEnabled(True)
            self.existing_status.setText(f"“{name}” not loaded: {msg}")
            self._error(f"“{name}” not loaded: {msg}")

        def cancelled():
            self.load_aoi_button.setEnabled(True)
            self.existing_status.setText("Cancelled.")

        self._start(self._load_task(client, aoi, done, failed, cancelled))

    # ================================================================================== lifecycle
    def shutdown(self):
        """Cancel this panel's tasks and drop its canvas items; called by the plugin's unload()."""
        self._closed = True
        self.tasks.cancel_all(detach=True)
        self._remove_band("_aoi_band")
        self._remove_band("_fp_band")

    def _visibility_changed(self, visible: bool):
        """The canvas previews belong to the panel: hidden with it, shown again with it."""
        for band in (self._aoi_band, self._fp_band):
            if band is not None:
                band.setVisible(bool(visible))


def _qdate(d: QDate) -> dt.date:
    return dt.date(d.year(), d.month(), d.day())


def geojson_geometry(geojson: Optional[dict]) -> Optional[QgsGeometry]:
    """A GeoJSON Polygon/MultiPolygon dict -> QgsGeometry (None when unusable)."""
    if not geojson:
        return None
    from ..core.asset_geometry import geojson_to_wkb

    wkb = geojson_to_wkb(geojson)
    if wkb is None:
        return None
    g = QgsGeometry()
    g.fromWkb(wkb)
    return g
