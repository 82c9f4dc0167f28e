"""The first-run steps: what Reverie keeps and where, then three offers, each skippable:
import chats, turn on screen capture, choose a model. Shown once (Settings.onboarded), and
again from Help → Getting started. Nothing changes unless the user chooses it: capture stays
off, the bundled model stays the model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.llm.catalog import ModelCatalog, find_models
from app.runtime import Reverie
from app.settings import Settings
from ui.import_panel import ImportPanel, ImportResult
from ui.settings_panel import BUNDLED, model_title
from ui.tasks import EngineRunner
from ui.theme import Theme

INTRO = (
    "Reverie remembers what you tell it, the chats you import and, only if you turn it on,"
    " what is on your screen. Everything is kept in <code>{home}</code> and the language model"
    " runs on this computer: nothing you say or see leaves this machine. Memories fade over"
    " time unless you use or pin them; anything can be restored, or deleted for good."
)
FORMATS = (
    "Reverie reads <b>JSON Lines</b> (one message per line), <b>ChatGPT exports</b>"
    " (conversations.json), <b>plain-text chat logs</b>, and the <b>LoCoMo</b> and"
    " <b>LongMemEval</b> benchmark files. Importing the same file twice adds nothing."
)
CAPTURE_RULES = (
    "Off unless you turn it on. When on, Reverie looks at the screen every few seconds and"
    " keeps the text of the window you are using, as memories you can search.<br>"
    "• Password managers, private browser windows and Reverie itself are never captured;"
    " you can add your own apps and window titles in Settings.<br>"
    "• Passwords, API keys, tokens and card numbers are removed before anything is stored.<br>"
    "• Nothing is captured while the screen is locked or while you are away.<br>"
    "• Pause it from the toolbar or tray at any time, or forget the last minutes of capture."
)
MODEL_NOTE = (
    "The bundled model is small and fast. A bigger model of your own (a 1–8B instruct model"
    " as a .gguf file) writes better answers; models you already have in Ollama, LM Studio,"
    " GPT4All or Jan are listed here."
)


WIDTH = 760


class OnboardingDialog(QDialog):
    """Non-modal, so an import started here can be watched in the window behind it."""

    finished_choosing = Signal(object)  # the Settings saved (onboarded, and what was chosen)

    def __init__(
        self,
        reverie: Reverie,
        runner: EngineRunner,
        importer: ImportPanel,
        theme: Theme,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.reverie, self.runner, self.importer = reverie, runner, importer
        self.theme = theme
        self.setObjectName("onboarding")
        self.setWindowTitle("Getting started with Reverie")
        self.setMinimumWidth(WIDTH)
        self._closing = False
        layout = self.column = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel("Welcome to Reverie")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel(INTRO.format(home=reverie.home))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.intro = intro

        # 1. Import chats: the Import tab's worker path, so its progress and Cancel show there.
        import_step, body = self._step("import", "1. Bring in your chats")
        text = QLabel(FORMATS)
        text.setWordWrap(True)
        body.addWidget(text)
        row = QHBoxLayout()
        self.import_button = QPushButton("Choose a chat file…")
        self.import_button.clicked.connect(self.choose_chat_file)
        theme.bind(self.import_button.setIcon, "file-up", self)
        self.import_status = QLabel("You can also do this later from the Import tab.")
        self.import_status.setObjectName("smallPrint")
        self.import_status.setWordWrap(True)
        row.addWidget(self.import_button)
        row.addWidget(self.import_status, 1)
        body.addLayout(row)
        layout.addWidget(import_step)
        importer.imported.connect(self._imported)

        # 2. Screen capture, with its rules; off unless ticked.
        capture_step, body = self._step("monitor", "2. Screen capture (optional)")
        rules = QLabel(CAPTURE_RULES)
        rules.setWordWrap(True)
        body.addWidget(rules)
        self.capture = QCheckBox("Turn on screen capture")
        self.capture.setChecked(reverie.settings.capture_enabled)
        body.addWidget(self.capture)
        layout.addWidget(capture_step)

        # 3. The model: bundled, found on this machine, or a file.
        model_step, body = self._step("cpu", "3. Choose a model")
        note = QLabel(MODEL_NOTE)
        note.setWordWrap(True)
        body.addWidget(note)
        row = QHBoxLayout()
        self.model = QComboBox()
        self.model_file = QPushButton("Other file…")
        self.model_file.clicked.connect(self.choose_model_file)
        row.addWidget(self.model, 1)
        row.addWidget(self.model_file)
        body.addLayout(row)
        self.model_advice = QLabel("Looking for models on this computer…")
        self.model_advice.setObjectName("smallPrint")
        self.model_advice.setWordWrap(True)
        body.addWidget(self.model_advice)
        layout.addWidget(model_step)
        self.catalog: ModelCatalog | None = None
        self._list_models(None)

        buttons = QHBoxLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.skip_button = QPushButton("Skip")
        self.skip_button.setToolTip("Change nothing; Help → Getting started shows this again")
        self.done_button = QPushButton("Done")
        self.done_button.setDefault(True)
        self.skip_button.clicked.connect(self.skip)
        self.done_button.clicked.connect(self.done_choosing)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self.find_models()

    def fit(self) -> None:
        """As tall as its wrapped text needs at this width (a window does not work that out
        by itself, and squeezed the paragraphs)."""
        self.ensurePolished()  # the stylesheet's font sizes first: they change the text's height
        for child in self.findChildren(QWidget):
            child.ensurePolished()
        self.column.activate()
        width = max(self.width(), WIDTH)
        # A line to spare: on a real display the wrapped text came out a line taller than
        # this estimate made before the window is placed (offscreen it did not).
        spare = self.fontMetrics().lineSpacing()
        self.resize(width, self.column.totalHeightForWidth(width) + spare)

    def showEvent(self, event: QShowEvent) -> None:
        self.fit()  # before it is placed, so it is centred at its real size
        super().showEvent(event)

    def _step(self, glyph: str, title: str) -> tuple[QFrame, QVBoxLayout]:
        frame = QFrame()
        frame.setObjectName("onboardingStep")
        outer = QHBoxLayout(frame)
        badge = QLabel()
        self.theme.bind(lambda icon: badge.setPixmap(icon.pixmap(QSize(28, 28))), glyph, self)
        badge.setAlignment(Qt.AlignmentFlag.AlignTop)
        outer.addWidget(badge)
        body = QVBoxLayout()
        heading = QLabel(title)
        heading.setObjectName("stepTitle")
        body.addWidget(heading)
        outer.addLayout(body, 1)
        return frame, body

    # ------------------------------------------------------------------ models

    def find_models(self) -> None:
        """Reads the models folders and other apps' folders: on the engine worker."""
        folders = self.reverie.model_folders()
        self.runner.submit("looking for models", lambda _: find_models(folders),
                           on_done=self._list_models,
                           on_error=self.model_advice.setText)  # fmt: skip

    def _list_models(self, catalog: ModelCatalog | None) -> None:
        chosen = str(self.model.currentData() or self.reverie.settings.model or BUNDLED)
        self.catalog = catalog
        self.model.clear()
        self.model.addItem("Bundled: SmolLM2 135M (small, fast)", BUNDLED)
        best = catalog.best_fit if catalog else None
        for found in catalog.models if catalog else []:
            if found.source != "bundled" and found.valid and found.can_chat:
                self.model.addItem(model_title(found, found == best), str(found.path))
        self.select_model(chosen)
        if catalog is None:
            return
        others = self.model.count() - 1
        advice = catalog.advice.describe()
        if best is not None:
            self.model_advice.setText(f"{advice} Best fit found: {best.name} ({best.source}).")
        elif others:
            self.model_advice.setText(f"{advice} Found {others} other model(s) here.")
        else:
            self.model_advice.setText(f"{advice} No other model was found on this computer; "
                                      "the bundled one works, or choose a file.")  # fmt: skip

    def select_model(self, path: str) -> None:
        index = self.model.findData(path)
        if index < 0:
            self.model.addItem(Path(path).name, path)
            index = self.model.count() - 1
        self.model.setCurrentIndex(index)

    def choose_model_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", str(Path.home()),
                                              "GGUF models (*.gguf)")  # fmt: skip
        if name:
            self.select_model(name)

    # ------------------------------------------------------------------ import

    def choose_chat_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import a chat log", str(Path.home()),
            "Chat logs (*.jsonl *.json *.txt *.log *.md *.gz);;All files (*)",
        )  # fmt: skip
        if name:
            self.import_chat(Path(name))

    def import_chat(self, path: Path) -> None:
        job = self.importer.start_import(path)
        if job is None:
            self.import_status.setText("An import is already running (see the Import tab).")
            return
        self.import_button.setEnabled(False)
        self.import_status.setText(f"Importing {path.name}… (progress in the Import tab)")
        job.failed.connect(self._import_failed)
        job.cancelled.connect(lambda: self.import_button.setEnabled(True))

    def _import_failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.import_status.setText(f"Nothing was imported: {message}")

    def _imported(self, result: ImportResult) -> None:
        self.import_button.setEnabled(True)
        report = result.report
        self.import_status.setText(
            f"Imported {Path(report.path).name}: {report.added} new messages; "
            f"{report.facts} facts and how-tos learned from them. Ask about them in Chat."
        )

    # ------------------------------------------------------------------ closing

    def chosen(self) -> Settings:
        return replace(self.reverie.settings, onboarded=True, welcomed=True,
                       capture_enabled=self.capture.isChecked(),
                       model=str(self.model.currentData() or BUNDLED))  # fmt: skip

    def done_choosing(self) -> None:
        self._save(self.chosen())

    def skip(self) -> None:
        """Nothing chosen here is applied; the steps are not shown again at start."""
        self._save(replace(self.reverie.settings, onboarded=True, welcomed=True))

    def _save(self, chosen: Settings) -> None:
        self.done_button.setEnabled(False)
        self.skip_button.setEnabled(False)

        def work(_: object) -> Settings:
            self.reverie.apply_settings(chosen)
            return chosen

        def saved(settings: Settings) -> None:
            self._closing = True
            self.finished_choosing.emit(settings)
            self.accept()

        def failed(message: str) -> None:
            self.done_button.setEnabled(True)
            self.skip_button.setEnabled(True)
            self.message.setText(message)

        self.runner.submit("saving your choices", work, on_done=saved, on_error=failed)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window is skipping: remembered, nothing else changed.
        if not self._closing:
            event.ignore()
            self.skip()
            return
        super().closeEvent(event)

    def reject(self) -> None:  # Esc
        if self._closing:
            super().reject()
        else:
            self.skip()
