"""Settings: the model, the data folder, the forgetting curve (with a preview of what it would
archive), screen capture, and starting at login. Saved only when the user presses Save."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import InputError
from app.home import choose_data_folder
from app.llm.catalog import ModelCatalog, ModelFile, find_models
from app.runtime import Reverie
from app.services.decay import apply_decay
from app.services.vault_backup import last_status
from app.settings import Settings
from ui import autostart
from ui.backup_settings import BackupSettings
from ui.tasks import EngineRunner

BUNDLED = ""


def preview_archive(reverie: Reverie, proposed: Settings) -> tuple[int, int]:
    """How many live memories these forgetting settings would archive now, of how many."""
    report = apply_decay(reverie.store, reverie.now(), proposed.forgetting_params(), dry_run=True)
    return len(report.archived), report.checked


def model_title(model: ModelFile, best_fit: bool) -> str:
    """ "llama3.2:3b · 2.0 GB, 3B · Ollama (best fit)" """
    facts = [f"{model.size_bytes / 1e9:.1f} GB"]
    if model.parameters:
        facts.append(model.parameters)
    title = f"{model.name} · {', '.join(facts)} · {model.source}"
    return f"{title} (best fit)" if best_fit else title


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SettingsPanel(QWidget):
    saved = Signal(object)  # Settings
    forget_requested = Signal(float)  # minutes of capture to forget
    vault_requested = Signal(str)  # "export" or "import": the window opens the vault dialog

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        model_box = QGroupBox("Language model")
        model_form = QFormLayout(model_box)
        self.model = QComboBox()
        self.model_file = QPushButton("Other file…")
        self.model_file.clicked.connect(self.choose_model_file)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(self.model_file)
        model_form.addRow("Model file:", row)
        model_form.addRow(QLabel("Runs on this computer. Put .gguf files in the models folder "
                                 "to list them here; models you have in Ollama, LM Studio, "
                                 "GPT4All or Jan are listed too."))  # fmt: skip
        # The size this computer runs well, and the found model that fits it, one click away.
        self.model_advice = QLabel("Looking for models…")
        self.model_advice.setObjectName("modelAdvice")
        self.model_advice.setWordWrap(True)
        self.use_best_fit = QPushButton()
        self.use_best_fit.setVisible(False)
        self.use_best_fit.clicked.connect(self.use_best_fit_model)
        advice_row = QHBoxLayout()
        advice_row.addWidget(self.model_advice, 1)
        advice_row.addWidget(self.use_best_fit)
        model_form.addRow(advice_row)
        self._best_fit: ModelFile | None = None
        layout.addWidget(model_box)

        data_box = QGroupBox("Data")
        data_form = QFormLayout(data_box)
        self.data_folder = QLineEdit(str(reverie.home))
        self.data_folder.setReadOnly(True)
        change = QPushButton("Change…")
        change.clicked.connect(self.choose_data_folder)
        row = QHBoxLayout()
        row.addWidget(self.data_folder, 1)
        row.addWidget(change)
        data_form.addRow("Data folder:", row)
        self.data_note = QLabel("Everything Reverie keeps is in this folder; nothing leaves it.")
        self.data_note.setWordWrap(True)
        data_form.addRow(self.data_note)
        vault_row = QHBoxLayout()
        self.export_vault = QPushButton("Export vault…")
        self.export_vault.clicked.connect(lambda: self.vault_requested.emit("export"))
        self.import_vault = QPushButton("Import vault…")
        self.import_vault.clicked.connect(lambda: self.vault_requested.emit("import"))
        vault_row.addWidget(self.export_vault)
        vault_row.addWidget(self.import_vault)
        vault_row.addStretch(1)
        data_form.addRow("Memory vault:", vault_row)
        layout.addWidget(data_box)
        self.backups = BackupSettings()
        layout.addWidget(self.backups)

        review_box = QGroupBox("Review")
        review_form = QFormLayout(review_box)
        self.review_mode = QComboBox()
        self.review_mode.addItem("Ask me first", "ask")
        self.review_mode.addItem("Accept automatically", "auto")
        review_form.addRow("What the model writes, and replacements of known facts:",
                           self.review_mode)  # fmt: skip
        layout.addWidget(review_box)

        forget_box = QGroupBox("Forgetting")
        forget_form = QFormLayout(forget_box)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.01, 0.5)
        self.threshold.setSingleStep(0.01)
        self.threshold.setDecimals(2)
        self.threshold.setToolTip("Memories whose retention falls below this are archived")
        self.scale = QDoubleSpinBox()
        self.scale.setRange(0.25, 5.0)
        self.scale.setSingleStep(0.25)
        self.scale.setSuffix("×")
        self.scale.setToolTip("How long memories last before fading, relative to the default")
        forget_form.addRow("Archive below retention:", self.threshold)
        forget_form.addRow("Memories last:", self.scale)
        self.preview = QLabel()
        self.preview.setObjectName("archivePreview")
        forget_form.addRow(self.preview)
        layout.addWidget(forget_box)

        capture_box = QGroupBox("Screen capture")
        capture_form = QFormLayout(capture_box)
        self.capture_enabled = QCheckBox("Capture the screen while Reverie runs")
        self.interval = QDoubleSpinBox()
        self.interval.setRange(1, 3600)
        self.interval.setSuffix(" s")
        self.thumbnails = QCheckBox("Keep small encrypted thumbnails of captured screens")
        self.redact_contacts = QCheckBox("Also hide e-mail addresses and phone numbers")
        self.excluded_apps = QPlainTextEdit()
        self.excluded_apps.setPlaceholderText("one application per line, e.g. signal-desktop")
        self.excluded_apps.setMaximumHeight(70)
        self.excluded_titles = QPlainTextEdit()
        self.excluded_titles.setPlaceholderText("one window-title pattern per line, e.g. *bank*")
        self.excluded_titles.setMaximumHeight(70)
        self.disk_cap = QSpinBox()
        self.disk_cap.setRange(10, 1_000_000)
        self.disk_cap.setSuffix(" MB")
        capture_form.addRow(self.capture_enabled)
        capture_form.addRow("Every:", self.interval)
        capture_form.addRow(self.thumbnails)
        capture_form.addRow(self.redact_contacts)
        capture_form.addRow("Never capture apps:", self.excluded_apps)
        capture_form.addRow("Never capture windows:", self.excluded_titles)
        capture_form.addRow("Disk limit for captures:", self.disk_cap)
        forget_row = QHBoxLayout()
        self.forget_minutes = QSpinBox()
        self.forget_minutes.setRange(1, 24 * 60)
        self.forget_minutes.setValue(15)
        self.forget_minutes.setSuffix(" minutes")
        self.forget_button = QPushButton("Forget now")
        self.forget_button.setToolTip("Removes the screens, their text and the memories made "
                                      "only from them")  # fmt: skip
        self.forget_button.clicked.connect(
            lambda: self.forget_requested.emit(float(self.forget_minutes.value()))
        )
        forget_row.addWidget(QLabel("Forget the last"))
        forget_row.addWidget(self.forget_minutes)
        forget_row.addWidget(self.forget_button)
        forget_row.addStretch(1)
        capture_form.addRow(forget_row)
        self.capture_figures = QLabel("Capture is off.")
        self.capture_figures.setObjectName("captureFigures")
        self.capture_figures.setWordWrap(True)
        capture_form.addRow(self.capture_figures)
        layout.addWidget(capture_box)

        start_box = QGroupBox("Startup")
        start_layout = QVBoxLayout(start_box)
        self.start_at_login = QCheckBox("Start Reverie when I log in (in the tray)")
        self.start_at_login.setEnabled(autostart.supported())
        start_layout.addWidget(self.start_at_login)
        layout.addWidget(start_box)
        layout.addStretch(1)
        # A number as wide as the page read as a text box, its arrows a screen away from the
        # value: each number field keeps the width its largest value needs. (The wheel guard
        # that leaves them alone while scrolling is the window's, ui/wheel_guard.py.)
        for field in body.findChildren(QAbstractSpinBox):
            field.setSizePolicy(QSizePolicy.Policy.Fixed, field.sizePolicy().verticalPolicy())

        buttons = QHBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.revert_button = QPushButton("Revert")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.revert_button.clicked.connect(self.load)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(300)
        self._preview_timer.timeout.connect(self.update_preview)
        self.threshold.valueChanged.connect(self._preview_timer.start)
        self.scale.valueChanged.connect(self._preview_timer.start)
        self.load()

    # ------------------------------------------------------------------ values

    def load(self) -> None:
        settings = self.reverie.settings
        self._list_models(None, settings.model)
        # Finding the GGUF files reads the disk (and other apps' folders): on the worker, the
        # list fills in after.
        folders = self.reverie.model_folders()
        self.runner.submit("listing models", lambda _: find_models(folders),
                           on_done=self._list_models)  # fmt: skip
        self.review_mode.setCurrentIndex(max(0, self.review_mode.findData(settings.review_mode)))
        self.threshold.setValue(settings.archive_threshold)
        self.scale.setValue(settings.stability_scale)
        self.capture_enabled.setChecked(settings.capture_enabled)
        self.interval.setValue(settings.capture_interval_s)
        self.thumbnails.setChecked(settings.capture_thumbnails)
        self.redact_contacts.setChecked(settings.redact_contacts)
        self.excluded_apps.setPlainText("\n".join(settings.capture_excluded_apps))
        self.excluded_titles.setPlainText("\n".join(settings.capture_excluded_titles))
        self.disk_cap.setValue(settings.capture_disk_cap_mb)
        self.start_at_login.setChecked(settings.start_at_login)
        self.backups.load(settings)
        home = self.reverie.home
        self.runner.submit("reading the last backup", lambda _: last_status(home),
                           on_done=self.backups.show_status)  # fmt: skip
        self.message.setText("")
        self._preview_timer.start()

    def _list_models(self, catalog: ModelCatalog | None, chosen: str | None = None) -> None:
        if chosen is None:
            chosen = str(self.model.currentData() or BUNDLED)  # keep what is selected now
        self.model.clear()
        self.model.addItem("Bundled: SmolLM2 135M (small, fast)", BUNDLED)
        self._best_fit = catalog.best_fit if catalog else None
        for model in catalog.models if catalog else []:
            if model.source != "bundled":
                self.model.addItem(model_title(model, model == self._best_fit), str(model.path))
        self._select_model(chosen)
        if catalog is None:
            return
        advice = catalog.advice.describe()
        if self._best_fit is None:
            self.model_advice.setText(f"{advice} None of the models found is that size.")
        else:
            self.model_advice.setText(f"{advice} Best fit found: {self._best_fit.name} "
                                      f"({self._best_fit.source}).")  # fmt: skip
            self.use_best_fit.setText(f"Use {self._best_fit.name}")
        self.use_best_fit.setVisible(self._best_fit is not None)
        self.use_best_fit.setEnabled(
            self._best_fit is not None and str(self._best_fit.path) != chosen
        )

    def _select_model(self, path: str) -> None:
        index = self.model.findData(path)
        if index < 0:
            self.model.addItem(Path(path).name, path)
            index = self.model.count() - 1
        self.model.setCurrentIndex(index)

    def proposed(self) -> Settings:
        """The settings as shown; InputError when a value is out of range."""
        return replace(
            self.backups.chosen(self.reverie.settings),
            model=str(self.model.currentData() or BUNDLED),
            archive_threshold=round(self.threshold.value(), 4),
            stability_scale=round(self.scale.value(), 4),
            capture_enabled=self.capture_enabled.isChecked(),
            capture_interval_s=float(self.interval.value()),
            capture_thumbnails=self.thumbnails.isChecked(),
            redact_contacts=self.redact_contacts.isChecked(),
            capture_excluded_apps=lines(self.excluded_apps.toPlainText()),
            capture_excluded_titles=lines(self.excluded_titles.toPlainText()),
            capture_disk_cap_mb=self.disk_cap.value(),
            start_at_login=self.start_at_login.isChecked(),
            review_mode=str(self.review_mode.currentData() or "ask"),
        )

    # ------------------------------------------------------------------ actions

    def use_best_fit_model(self) -> None:
        """One click: select the best-fitting model and save that choice alone (other
        edits in the panel still wait for Save)."""
        if self._best_fit is None:
            return
        path, name = str(self._best_fit.path), self._best_fit.name
        self._select_model(path)
        chosen = replace(self.reverie.settings, model=path)

        def work(_: object) -> Settings:
            self.reverie.apply_settings(chosen)
            return chosen

        def done(settings: Settings) -> None:
            self.use_best_fit.setEnabled(False)
            self.message.setText(f"Reverie now uses {name}.")
            self.saved.emit(settings)

        self.runner.submit("choosing the model", work, on_done=done,
                           on_error=self.message.setText)  # fmt: skip

    def choose_model_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", str(Path.home()),
                                              "GGUF models (*.gguf)")  # fmt: skip
        if name:
            self._select_model(name)

    def choose_data_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Choose the data folder", str(Path.home()))
        if name:
            self.set_data_folder(Path(name))

    def set_data_folder(self, folder: Path) -> None:
        choose_data_folder(folder)
        self.data_folder.setText(str(folder))
        self.data_note.setText(
            f"From the next start Reverie uses {folder}. Your memories now in "
            f"{self.reverie.home} stay there (move the folder's contents to take them along)."
        )

    def showEvent(self, event: QShowEvent) -> None:
        # The figures are computed when the page is looked at, not only when a value changes
        # (they were "0 of 0" from the empty store the window opened with).
        super().showEvent(event)
        self.update_preview()

    def update_preview(self) -> None:
        try:
            proposed = self.proposed()
        except InputError as error:
            self.preview.setText(str(error))
            return
        self.runner.submit("previewing forgetting",
                           lambda _: preview_archive(self.reverie, proposed),
                           on_done=self._show_preview, on_error=self.preview.setText)  # fmt: skip

    def _show_preview(self, counts: tuple[int, int]) -> None:
        would, checked = counts
        self.preview.setText(
            f"With these values, {would} of {checked} active memories would be archived now "
            "(archived memories can be restored)."
        )

    def save(self) -> None:
        try:
            chosen = self.proposed()
        except InputError as error:
            self.message.setText(str(error))
            return

        def work(_: object) -> Settings:
            self.reverie.apply_settings(chosen)
            if autostart.supported():
                autostart.set_start_at_login(chosen.start_at_login)
            return chosen

        self.runner.submit("saving settings", work, on_done=self._saved,
                           on_error=self.message.setText)  # fmt: skip

    def _saved(self, chosen: Settings) -> None:
        self.message.setText("Saved.")
        self.saved.emit(chosen)
