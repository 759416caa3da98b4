"""Panel section "Create": where the layers go (Output), Create AOI, Cancel, progress and status.

One flow per AOI shape: CreateAoiTask -> PollAoiTask (until a final status) -> LoadAssetsTask.
"""

from __future__ import annotations

from typing import Any, List

from qgis.core import Qgis
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QProgressBar, QPushButton, QVBoxLayout

from ..client.polling import is_final, status_text
from ..core.tasks.tasks import CreateAoiTask, PollAoiTask
from ..i18n import tr
from .output_options import OutputOptions
from .widgets import Section, label, row


class CreateSection(Section):
    #: the assets of a created AOI are on the map (the preview of its geometry is no longer needed)
    assetsLoaded = pyqtSignal()
    #: the flow ended (done, failed or cancelled): the list of existing AOIs is out of date
    flowEnded = pyqtSignal()

    def __init__(self, panel, form):
        super().__init__(panel, tr("Create"), "createGroup")
        self.form_section = form  # AoiFormSection: makes the request bodies
        self._flow_tasks: List[Any] = []  # the create/poll/load task of the running flow
        self._flow_queue: List[Any] = []  # the AOIs still to create
        lay = QVBoxLayout(self)
        self.output = OutputOptions()  # GeoPackage in a folder, or memory layers (kept in QgsSettings)
        self.create_button = QPushButton(tr("Create AOI"))
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.create_status = label()
        lay.addWidget(self.output)
        lay.addWidget(row(self.create_button, self.cancel_button, None))
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.create_status)
        self.create_button.clicked.connect(panel.slot(self.create_aoi))
        self.cancel_button.clicked.connect(panel.slot(self.cancel_create))

    def create_aoi(self):
        payloads = self.form_section.payloads()
        if not payloads:
            return
        client = self.panel.connection.client()
        if client is None:
            return
        self._flow_queue = list(payloads)
        self.create_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._next_or_end(client)

    def cancel_create(self):
        self._flow_queue = []
        for task in list(self._flow_tasks):
            try:
                task.cancel()
            except RuntimeError:  # already deleted by the task manager
                pass
        self.create_status.setText(tr("Cancelling…"))

    # ------------------------------------------------------------------ the flow
    def _run(self, task):
        self._flow_tasks = [task]
        self.panel.start(task)

    def _next_or_end(self, client):
        if not self._flow_queue:
            self._flow_end()
            return
        payload = self._flow_queue.pop(0)
        name = payload.name
        self.create_status.setText(tr("Creating “{name}”…").format(name=name))
        self.progress_bar.setValue(0)
        alive = self.panel.alive
        self._run(CreateAoiTask(
            client, payload,
            alive(lambda aoi: self._created(client, aoi)),
            alive(lambda m: self._flow_failed(tr("“{name}” was not created: {error}").format(name=name, error=m))),
            alive(lambda: self._flow_cancelled(tr(
                "Creating “{name}” was cancelled; if the request had reached the server the AOI exists: see "
                "the AOIs tab.").format(name=name))),
        ))

    def _created(self, client, aoi):
        name = aoi.name or aoi.aoi_id
        self._to_board(aoi)
        self.create_status.setText(tr("“{name}” created ({status}); waiting for processing…").format(
            name=name, status=status_text(aoi.status)))
        self.panel.message(tr("AOI “{name}” created; processing started.").format(name=name), Qgis.MessageLevel.Info, 4)
        if is_final(aoi.status):
            self._polled(client, aoi)
            return
        alive = self.panel.alive
        task = PollAoiTask(client, aoi.aoi_id, name,
                           alive(lambda a: self._polled(client, a)),
                           alive(lambda m: self._flow_failed(
                               tr("Waiting for “{name}” stopped: {error}").format(name=name, error=m))),
                           alive(lambda: self._flow_cancelled(tr(
                               "Stopped waiting for “{name}”; it keeps processing on the server. Load it later "
                               "from the AOIs tab.").format(name=name))),
                           **self.panel.poll_options)
        task.aoiUpdated.connect(alive(self._aoi_update))
        task.statusMessage.connect(alive(self.create_status.setText))
        self._run(task)

    def _to_board(self, aoi):
        """A new AOI goes on the AOI board at once: it is kept (and watched) even if QGIS closes now."""
        if self.panel.board is None:
            return
        from ..core import connection

        try:
            self.panel.board.watch(connection.normalize_base_url(connection.stored_base_url()), aoi)
        except OSError as exc:
            self.panel.warn(str(exc))

    def _aoi_update(self, aoi):
        self._to_board(aoi)
        progress = int(aoi.progress or 0)
        self.progress_bar.setValue(max(0, min(100, progress)))
        self.create_status.setText(tr("“{name}”: {status}, {progress}%").format(
            name=aoi.name or aoi.aoi_id, status=status_text(aoi.status), progress=progress))

    def _polled(self, client, aoi):
        name = aoi.name or aoi.aoi_id
        self._to_board(aoi)  # the final status on the board (and the AOIs list, its view) at once
        status = status_text(aoi.status)
        self.progress_bar.setValue(int(aoi.progress or (100 if status == "success" else 0)))
        if status == "failed":
            self.panel.message(tr("AOI “{name}” failed on the Pixxel side; no assets were produced.").format(name=name),
                               Qgis.MessageLevel.Critical, 0)
            self.create_status.setText(tr("“{name}” failed.").format(name=name))
            self._next_or_end(client)
            return
        if status == "partial_success":
            self.panel.message(tr("AOI “{name}” finished with partial success; loading the assets that exist.")
                               .format(name=name),
                               Qgis.MessageLevel.Warning, 10)
        else:
            self.panel.message(tr("AOI “{name}” is ready; loading its assets.").format(name=name), Qgis.MessageLevel.Success, 5)
        self.create_status.setText(tr("“{name}” {status}; loading assets…").format(name=name, status=status))
        self._run(self.panel.load_task(
            client, aoi, lambda res: self._loaded(client, res),
            lambda m: self._flow_failed(tr("Assets of “{name}” not loaded: {error}").format(name=name, error=m)),
            lambda: self._flow_cancelled(tr("Loading the assets of “{name}” was cancelled.").format(name=name))))

    def _loaded(self, client, result):
        aoi = result["aoi"]
        self.progress_bar.setValue(100)
        summary = result.get("message") or tr("{count} assets loaded.").format(count=result["count"])
        text = tr("“{name}”: {summary}").format(name=aoi.name or aoi.aoi_id, summary=summary)
        self.create_status.setText(text)
        self.panel.message(text, Qgis.MessageLevel.Success, 8)
        self.assetsLoaded.emit()
        self._next_or_end(client)

    def _flow_end(self, text: str = ""):
        self._flow_tasks = []
        self._flow_queue = []
        self.create_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if text:
            self.create_status.setText(text)
        self.flowEnded.emit()

    def _flow_failed(self, text: str):
        self.panel.error(text)
        self._flow_end(text)

    def _flow_cancelled(self, text: str):
        self.panel.message(text, Qgis.MessageLevel.Warning, 10)
        self._flow_end(text)
