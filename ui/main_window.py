"""The main window: chat, memories, review, import and settings, plus the first-run steps."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.runtime import Reverie
from app.scheduler.jobs import JobProgress, JobResult, MaintenanceScheduler
from app.services.capture import forget_recent
from app.services.vault_backup import BackupStatus
from app.storage.extraction_store import ExtractionStore
from ui.activity import ActivityBar
from ui.capture_runner import CaptureRunner
from ui.chat_panel import ChatPanel
from ui.controls import AppControls
from ui.graph_view import GraphView
from ui.import_panel import ImportPanel, local_files
from ui.launch import RAISE_REQUEST
from ui.memory_browser import MemoryBrowser
from ui.onboarding import OnboardingDialog
from ui.review_panel import ReviewPanel
from ui.settings_panel import SettingsPanel
from ui.tasks import EngineRunner, Job
from ui.theme import Theme
from ui.tray import TrayAgent
from ui.vault_dialog import VaultDialog
from ui.wheel_guard import WheelGuard, guard_wheel


class SchedulerBridge(QObject):
    """Background jobs run on the scheduler's thread; this turns their reports into Qt
    signals, delivered on the GUI thread."""

    result = Signal(object)
    progress = Signal(object)

    def emit_result(self, result: JobResult) -> None:
        self.result.emit(result)

    def emit_progress(self, progress: JobProgress) -> None:
        self.progress.emit(progress)


class MainWindow(QMainWindow):
    def __init__(
        self,
        reverie: Reverie,
        *,
        tray: bool,
        icon: QIcon | None = None,
        start_scheduler: bool = True,
        onboarding: bool = True,
    ) -> None:
        """`onboarding`: show the first-run steps if this data folder has not seen them."""
        super().__init__()
        self.reverie = reverie
        self.setWindowTitle("Reverie")
        self.setObjectName("mainWindow")
        if icon is not None:
            self.setWindowIcon(icon)
        self.resize(1100, 720)
        self.theme = Theme(self)  # light or dark, as the system prefers
        self.setAcceptDrops(True)
        self.runner = EngineRunner(reverie, self)
        self.controls = AppControls(self)
        self.quitting = False
        self._asked_passphrase = False
        self._told_about_tray = False

        central = QWidget()
        layout = QVBoxLayout(central)
        self.tabs = QTabWidget()
        self.tabs.setIconSize(QSize(18, 18))
        self.tabs.setDocumentMode(True)
        self.chat = ChatPanel(reverie, self.runner)
        self.browser = MemoryBrowser(reverie, self.runner)
        self.graph = GraphView(reverie, self.runner)
        self.review = ReviewPanel(reverie, self.runner)
        self.importer = ImportPanel(reverie, self.runner)
        self.settings = SettingsPanel(reverie, self.runner)
        for page, title, glyph in ((self.chat, "Chat", "message-circle"),
                                  (self.browser, "Memories", "brain"),
                                  (self.graph, "Graph", "share-2"),
                                  (self.review, "Review", "list-checks"),
                                  (self.importer, "Import", "import"),
                                  (self.settings, "Settings", "settings")):  # fmt: skip
            index = self.tabs.addTab(page, title)
            self.theme.bind(partial(self.tabs.setTabIcon, index), glyph)
        for button, glyph in ((self.chat.new_button, "square-pen"),
                              (self.chat.send_button, "send-horizontal"),
                              (self.importer.choose_button, "file-up")):  # fmt: skip
            self.theme.bind(button.setIcon, glyph)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.wheel_guard = WheelGuard(self)
        guard_wheel(central, self.wheel_guard)
        # A second launch on this data folder asks this window to come forward (ui.launch).
        self.raise_watcher = QFileSystemWatcher([str(reverie.home)], self)
        self.raise_watcher.directoryChanged.connect(self._raise_requested)

        # Without a tray the same controls live in the window, so nothing becomes unreachable.
        self.toolbar = QToolBar("Controls")
        self.toolbar.setObjectName("controlsToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._decorate_controls()
        for action in self.controls.actions():
            if action is not self.controls.open_action:
                self.toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._file_menu()
        self._help_menu()
        self.tray: TrayAgent | None = None
        if tray and icon is not None:
            self.tray = TrayAgent(self.controls, icon, self)
            self.tray.show()
        self.toolbar.setVisible(self.tray is None)
        self.addActions(self.controls.actions())  # shortcuts work with the toolbar hidden

        # Every running job, with progress and Cancel; the tray reads the same board.
        self.board = self.controls.board
        self.activity = ActivityBar(self.board)
        self.status_label = self.activity.label
        self.statusBar().addPermanentWidget(self.activity)
        if reverie.read_only:
            # The data folder cannot be written (a read-only mount): show and search, and say
            # why nothing changes; no background job or capture tries to write.
            self.read_only_note = QLabel(
                f"Read-only: {reverie.home} cannot be written, so nothing can be changed or added"
            )
            self.statusBar().addWidget(self.read_only_note)
            self.setWindowTitle("Reverie (read-only)")
        self.runner.busy_changed.connect(self.controls.set_work)
        self.controls.open_requested.connect(self.bring_to_front)
        self.controls.ask_requested.connect(self.focus_chat)
        self.controls.quit_requested.connect(self.quit)

        self.chat.memories_changed.connect(self.browser.reload)
        self.chat.memories_changed.connect(self.review.reload)  # facts learned in chat
        self.chat.show_memory.connect(self.show_memory)
        self.browser.changed.connect(self.review.reload)
        self.review.changed.connect(self.browser.reload)
        self.review.count_changed.connect(self._review_count)
        self.importer.imported.connect(self._imported)
        self.importer.started.connect(self._import_started)
        self.settings.saved.connect(self._settings_saved)
        # The graph reads the store when its tab is opened, and again after changes there.
        self.tabs.currentChanged.connect(self._tab_changed)
        self.graph.changed.connect(self.browser.reload)

        self.capture = CaptureRunner(reverie, self)
        self.capture.started.connect(self._capture_started)
        self.capture.unavailable.connect(self._capture_unavailable)
        self.capture.cycle.connect(self._captured)
        self.controls.forget_requested.connect(self.forget_captures)
        self.settings.forget_requested.connect(self.forget_captures)
        self.settings.vault_requested.connect(self.show_vault)

        self.bridge = SchedulerBridge(self)
        self.bridge.result.connect(self._job_done)
        self.bridge.progress.connect(self._job_progress)
        # Background jobs run on the scheduler's own thread and give way to the user's work
        # between batches (the runner and the scheduler share the engine's WorkGate).
        self.scheduler = MaintenanceScheduler(reverie, self.bridge.emit_result,
                                              on_progress=self.bridge.emit_progress,
                                              gate=self.runner.gate)  # fmt: skip
        # First paint comes first: the data loads right after the window is on screen.
        QTimer.singleShot(0, self._startup)
        if start_scheduler and not reverie.read_only:
            QTimer.singleShot(0, self.scheduler.start)
        if reverie.settings.capture_enabled and not reverie.read_only:
            QTimer.singleShot(0, self.capture.start)
        self.onboarding: OnboardingDialog | None = None
        if onboarding and not reverie.settings.onboarded:
            QTimer.singleShot(0, self.show_onboarding)

    # ------------------------------------------------------------------ setup

    def _decorate_controls(self) -> None:
        """Icons for the quick actions (tray menu and toolbar), and the toolbar's short labels."""
        controls = self.controls
        for action, icon, short in (
            (controls.open_action, "app-window", "Open"),
            (controls.ask_action, "message-circle-question-mark", "Ask…"),
            (controls.pause_action, "pause", "Pause"),
            (controls.snooze_15_action, "timer", "15 min"),
            (controls.snooze_60_action, "timer", "1 hour"),
            (controls.capture_action, "camera", "Capture now"),
            (controls.forget_action, "eraser", "Forget 15 min"),
            (controls.quit_action, "power", "Quit"),
        ):
            self.theme.bind(action.setIcon, icon)
            action.setIconText(short)
        controls.pause_action.changed.connect(self._pause_icon)

    def _pause_icon(self) -> None:
        paused = self.controls.pause_action.text().startswith("Resume")
        self.controls.pause_action.setIconText("Resume" if paused else "Pause")

    def _file_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.export_vault_action = QAction("Export memory vault…", self)
        self.export_vault_action.triggered.connect(lambda: self.show_vault("export"))
        self.import_vault_action = QAction("Import memory vault…", self)
        self.import_vault_action.triggered.connect(lambda: self.show_vault("import"))
        menu.addAction(self.export_vault_action)
        menu.addAction(self.import_vault_action)

    def show_vault(self, mode: str) -> VaultDialog:
        """The vault dialog; an import reloads what the window shows once it is done."""
        dialog = VaultDialog(self.reverie, self.runner, mode, self)
        dialog.imported.connect(self._vault_imported)
        dialog.show()
        return dialog

    def _vault_imported(self, _report: object) -> None:
        self.browser.reload()
        self.review.reload()

    def _help_menu(self) -> None:
        menu = self.menuBar().addMenu("&Help")
        self.getting_started_action = QAction("Getting started…", self)
        self.theme.bind(self.getting_started_action.setIcon, "circle-question-mark")
        self.getting_started_action.triggered.connect(self.show_onboarding)
        menu.addAction(self.getting_started_action)

    def _startup(self) -> None:
        # A crash between SQLite and the vector index is healed before anything else runs.
        job = self.runner.submit("opening your memories", lambda job: self.reverie.heal(job))
        self._follow(job, "indexing", "indexing")
        self.browser.reload()
        self.review.reload()
        self.chat.reload(open_latest=True)  # the last conversation, as it was left
        self.refresh_extraction()

    # ------------------------------------------------------------------ slots

    def show_onboarding(self) -> OnboardingDialog:
        """The first-run steps (again, from Help → Getting started)."""
        if self.onboarding is None:
            self.onboarding = OnboardingDialog(self.reverie, self.runner, self.importer,
                                               self.theme, self)  # fmt: skip
            self.onboarding.finished_choosing.connect(self._onboarded)
            self.onboarding.finished.connect(self._onboarding_closed)
        self.onboarding.show()
        self.onboarding.raise_()
        return self.onboarding

    def _onboarding_closed(self) -> None:
        if self.onboarding is not None:
            self.onboarding.deleteLater()
            self.onboarding = None

    def _onboarded(self, chosen: Any) -> None:
        self.settings.load()  # the panel shows what was chosen
        self._settings_saved(chosen)

    def _follow(self, job: Job, key: str, label: str, cancel: bool = False) -> None:
        """Show an engine job's progress on the board while it runs."""

        def progressed(done: int, total: int, _: str) -> None:
            self.board.set(key, label, done, total, job.cancel if cancel else None)

        job.progressed.connect(progressed)
        job.finished.connect(lambda: self.board.clear(key))

    def _import_started(self, job: Job) -> None:
        self.board.set("import", "importing", cancel=job.cancel)
        self._follow(job, "import", "importing", cancel=True)

    def _job_progress(self, progress: JobProgress) -> None:
        if not progress.running:
            self.board.clear(progress.job)
            return
        if progress.job == "extract" and self.scheduler.extraction_paused:
            # A step's report that arrives after the user paused extraction is stale: the
            # status bar keeps saying it is paused.
            return
        self.board.clear("extract-paused")
        self.board.set(progress.job, progress.label, progress.done, progress.total,
                       partial(self.scheduler.cancel, progress.job))  # fmt: skip

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.graph:
            self.graph.reload()

    def _review_count(self, count: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.review),
                             f"Review ({count})" if count else "Review")  # fmt: skip

    def _imported(self, result: Any) -> None:
        self.browser.reload()
        self.review.reload()  # facts read from the import are listed as learned
        self.chat.reload()  # examples from the new memories
        if result.waiting:
            self.importer.show_extraction(result.waiting, running=True)
            self.extract_now()

    def extract_now(self) -> None:
        """Extraction runs in the background after an import (and every minute anyway), on
        the scheduler's thread; its progress and result signals show what is left."""
        self.scheduler.resume_extraction()

    def background_idle(self) -> bool:
        return self.scheduler.idle()

    def refresh_extraction(self) -> None:
        queue = ExtractionStore(self.reverie.store)
        self.runner.submit("counting", lambda _: queue.pending_count(),
                           on_done=self.importer.show_extraction)  # fmt: skip

    def _job_done(self, result: JobResult) -> None:
        if result.job == "backup":  # a vault written, or why not: only Settings shows it
            self.settings.backups.show_status(BackupStatus(**result.summary))
            return
        # Decay archived something, or extraction added memories: refresh what shows them.
        self.browser.reload()
        self.review.reload()
        if result.job == "extract":
            pending = int(result.summary.get("pending", 0))
            self.importer.show_extraction(pending)
            if result.summary.get("cancelled"):
                self.board.set("extract-paused", f"extraction paused ({pending} waiting)",
                               resume=self.extract_now)  # fmt: skip

    def _settings_saved(self, chosen: Any) -> None:
        self.browser.reload()
        # Capture options are read when capture starts: restart it to apply them.
        self.capture.stop()
        self.controls.set_capture(None)
        if chosen.capture_enabled:
            self.capture.start()

    # ------------------------------------------------------------------ capture

    def ask_passphrase(self) -> str | None:
        """Asked when thumbnails are on and there is no OS keyring to keep their key."""
        text, ok = QInputDialog.getText(
            self, "Passphrase for screen thumbnails",
            "There is no OS keyring on this desktop to keep the key of the encrypted "
            "thumbnails.\nEnter a passphrase (you will be asked again at each start), or "
            "cancel to capture without thumbnails:",
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        return text if ok and text else None

    def _capture_started(self, agent: Any) -> None:
        if agent.options.thumbnails and agent.key is None and not self._asked_passphrase:
            self._asked_passphrase = True
            passphrase = self.ask_passphrase()
            if passphrase:
                self.capture.stop()
                self.capture.start(passphrase)
                return
        self.controls.set_capture(agent)
        self._show_figures(None)
        self.refresh_capture_figures()

    def _capture_unavailable(self, message: str) -> None:
        self.controls.set_capture(None)
        self.settings.capture_figures.setText(message)
        self.statusBar().showMessage(message, 15_000)

    def _captured(self, outcome: Any) -> None:
        self.controls.refresh()  # a snooze may have ended
        if outcome.kept:
            self.browser.reload()
            self.refresh_capture_figures()

    def refresh_capture_figures(self) -> None:
        agent = self.capture.agent
        if agent is None:
            return
        self.runner.submit("reading capture figures", lambda _: agent.figures(),
                           on_done=self._show_figures)  # fmt: skip

    def _show_figures(self, figures: dict[str, Any] | None) -> None:
        """What capture does (and what is degraded, e.g. no OCR), then today's figures."""
        agent = self.capture.agent
        notes = "; ".join(agent.notes) if agent is not None else ""
        lines = [f"Capturing. {notes}" if notes else "Capturing."]
        if figures is not None:
            lines.append(
                f"Today: {figures['captures_today']} screens kept · thumbnails on disk: "
                f"{figures['disk_bytes'] / 1e6:.1f} MB · capture CPU over the last hour: "
                f"{figures['cpu_percent_last_hour']:.1f} %"
            )
        self.settings.capture_figures.setText("\n".join(lines))

    def forget_captures(self, minutes: float) -> None:
        def work(_: object) -> Any:
            if self.capture.agent is not None:
                return self.capture.agent.forget_last(minutes)
            return forget_recent(self.reverie, minutes)

        def done(forgotten: Any) -> None:
            self.statusBar().showMessage(
                f"Forgot the last {minutes:g} minutes of capture: {forgotten.frames} screens, "
                f"{forgotten.memories} memories.", 15_000)  # fmt: skip
            self.browser.reload()
            self.refresh_capture_figures()

        self.runner.submit("forgetting captures", work, on_done=done,
                           on_error=lambda m: self.statusBar().showMessage(m, 15_000))  # fmt: skip

    def _raise_requested(self, _folder: str) -> None:
        request = self.reverie.home / RAISE_REQUEST
        if request.exists():
            request.unlink(missing_ok=True)
            self.bring_to_front()

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def focus_chat(self) -> None:
        self.bring_to_front()
        self.tabs.setCurrentWidget(self.chat)
        self.chat.input.setFocus()

    def show_memory(self, memory_id: int) -> None:
        """A citation's "Show in Memories": the Memories tab with that memory open."""
        self.tabs.setCurrentWidget(self.browser)
        self.browser.open_memory(memory_id)

    # ------------------------------------------------------------------ drops

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event)
        if files:
            event.acceptProposedAction()
            self.tabs.setCurrentWidget(self.importer)
            self.importer.start_import(files[0])

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.tray is not None and not self.quitting:
            # With a tray, closing the window keeps Reverie running there.
            event.ignore()
            self.hide()
            if not self._told_about_tray:
                self._told_about_tray = True
                self.tray.showMessage(
                    "Reverie is still running", "It keeps working in the tray. Quit from its menu."
                )
            return
        self.shutdown()
        event.accept()

    def quit(self) -> None:
        self.quitting = True
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()  # with a tray, closing the last window does not end the app

    def shutdown(self) -> None:
        """Stop background work in order: capture, the scheduler, then the engine worker."""
        self.capture.stop()
        self.scheduler.stop()
        self.graph.shutdown()
        self.runner.shutdown()
        if self.tray is not None:
            self.tray.hide()
