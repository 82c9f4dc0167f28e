"""Import a chat log: from a file dialog or by dropping a file, with progress and cancel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.records import Memory
from app.importers import FORMATS
from app.runtime import Reverie
from app.services.ingest import IngestReport, ingest_file
from app.storage.extraction_store import ExtractionStore
from ui.tasks import EngineRunner, Job

SHOWN_NEW = 50


@dataclass(frozen=True)
class ImportResult:
    report: IngestReport
    new: list[Memory]
    waiting: int  # messages queued for extraction


def import_file(reverie: Reverie, path: Path, fmt: str, job: Job) -> ImportResult:
    """On the import's own thread: the engine is held one step at a time (`job.turn`), so
    questions asked meanwhile are answered between steps."""
    with job.turn():  # opening the index and the recogniser (first use) needs the engine too
        index, entities = reverie.index, reverie.entities
    report = ingest_file(reverie.store, index, path, fmt=fmt, now=reverie.now(),
                         params=reverie.params, progress=job, entities=entities,
                         turn=job.turn)  # fmt: skip
    with job.turn():
        found = reverie.store.get_memories(report.memory_ids[:SHOWN_NEW])
        waiting = ExtractionStore(reverie.store).pending_count()
    new = [found[i] for i in report.memory_ids[:SHOWN_NEW] if i in found]
    return ImportResult(report, new, waiting)


def local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class ImportPanel(QWidget):
    imported = Signal(object)  # ImportResult
    started = Signal(object)  # the import's Job (for the status bar)

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.job: Job | None = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        drop = QFrame()
        drop.setObjectName("dropZone")
        drop_layout = QVBoxLayout(drop)
        title = QLabel("<b>Import a chat log</b>")
        explain = QLabel(
            "Drop a file here, or choose one. Reverie reads JSON Lines, plain-text chat logs, "
            "ChatGPT exports (conversations.json), LoCoMo and LongMemEval files. A file with a "
            "mistake is refused whole, naming the line, and changes nothing; importing the "
            "same file twice adds nothing."
        )
        explain.setWordWrap(True)
        drop_layout.addWidget(title)
        drop_layout.addWidget(explain)
        row = QHBoxLayout()
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(self.choose)
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        self.format.setToolTip("auto: recognise the format from the file")
        row.addWidget(self.choose_button)
        row.addWidget(QLabel("Format:"))
        row.addWidget(self.format)
        row.addStretch(1)
        drop_layout.addLayout(row)
        layout.addWidget(drop)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)
        self.status = QLabel("No import yet.")
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("New memories from the last import:"))
        self.new_memories = QListWidget()
        self.new_memories.setWordWrap(True)
        layout.addWidget(self.new_memories, 1)
        self.extraction = QLabel()
        self.extraction.setObjectName("extractionStatus")
        layout.addWidget(self.extraction)

    # ----------------------------------------------------------- starting

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import a chat log", str(Path.home()),
            "Chat logs (*.jsonl *.json *.txt *.log *.md *.gz);;All files (*)",
        )  # fmt: skip
        if name:
            self.start_import(Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event) and self.job is None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event)
        if files:
            event.acceptProposedAction()
            self.start_import(files[0])

    def start_import(self, path: Path) -> Job | None:
        if self.job is not None:
            self.status.setText("An import is already running; wait for it or cancel it.")
            return None
        fmt = self.format.currentText()
        self.status.setText(f"Reading {path.name}…")
        self.progress.setRange(0, 0)  # busy until the file is read and the total is known
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.choose_button.setEnabled(False)
        job = self.runner.submit_long(f"importing {path.name}",
                                 lambda job: import_file(self.reverie, path, fmt, job),
                                 on_done=self._done, on_error=self._failed)  # fmt: skip
        job.progressed.connect(self._progress)
        job.cancelled.connect(self._cancelled)
        self.job = job
        self.started.emit(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    # ----------------------------------------------------------- reports

    def _progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if total:
            self.status.setText(f"Indexing messages for search: {done} of {total}")

    def _finish(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.choose_button.setEnabled(True)

    def _done(self, result: ImportResult) -> None:
        self._finish()
        report = result.report
        self.status.setText(
            f"Imported {report.path} ({report.format}): {report.messages} messages read, "
            f"{report.added} new, {report.duplicates} already known; "
            f"{report.memories} new memories, {report.facts} facts and how-tos learned."
        )
        self.new_memories.clear()
        for memory in result.new:
            self.new_memories.addItem(memory.text)
        if report.memories > len(result.new):
            self.new_memories.addItem(f"… and {report.memories - len(result.new)} more")
        self.show_extraction(result.waiting)
        self.imported.emit(result)

    def _failed(self, message: str) -> None:
        self._finish()
        self.status.setText(f"Nothing was imported: {message}")

    def _cancelled(self) -> None:
        self._finish()
        self.status.setText(
            "Import cancelled. Messages already saved stay saved (nothing is half-written); "
            "their search index is completed at the next start."
        )

    def show_extraction(self, waiting: int, running: bool = False) -> None:
        if waiting == 0:
            self.extraction.setText("Extraction: up to date.")
        else:
            state = "extracting now" if running else "runs in the background"
            self.extraction.setText(
                f"Extraction: {waiting} message{'s' if waiting != 1 else ''} waiting ({state})."
            )
