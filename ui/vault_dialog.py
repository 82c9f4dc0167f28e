"""File → Export / Import memory vault: the passphrase (with a strength hint, optionally kept
in the OS keyring), a dry-run preview before an import changes anything, and the work on the
engine's worker with progress and Cancel. The GUI thread only renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.capture.keys import keyring_available
from app.core.passphrase_strength import passphrase_strength
from app.runtime import Reverie
from app.services import vault, vault_passphrase
from app.services.vault_summary import describe_import
from ui.tasks import EngineRunner, Job


class VaultDialog(QDialog):
    """One dialog for both directions (`mode` "export" or "import")."""

    exported = Signal(object)  # ExportReport
    previewed = Signal(object)  # ImportReport of the dry run
    imported = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(
        self, reverie: Reverie, runner: EngineRunner, mode: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.reverie, self.runner, self.mode = reverie, runner, mode
        self.job: Job | None = None
        self._previewed_for: tuple[Any, ...] | None = None
        self.setWindowTitle("Export memory vault" if mode == "export" else "Import memory vault")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("memories.reverie-vault")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Vault file:", row)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Passphrase:", self.passphrase)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel()
        if mode == "export":
            form.addRow("Again:", self.again)
            form.addRow("", self.strength)
            self.passphrase.textChanged.connect(self._hint)
            self.again.textChanged.connect(self._hint)
        self.remember = QCheckBox("Remember the passphrase in the system keyring")
        self.remember.setEnabled(keyring_available())
        if not keyring_available():
            self.remember.setToolTip("There is no secure system keyring here.")
        form.addRow("", self.remember)
        remembered = vault_passphrase.remembered_passphrase(reverie.home)
        if remembered:
            self.passphrase.setText(remembered)
            self.again.setText(remembered)
            self.remember.setChecked(True)
        self.thumbnails = QCheckBox("Include screen thumbnails")
        self.embeddings = QCheckBox("Include vectors (bigger file; re-made on import anyway)")
        self.mode_box = QComboBox()
        self.mode_box.addItem("Merge into my memories", "merge")
        self.mode_box.addItem("Replace my memories (a snapshot is kept)", "replace")
        self.prefer = QComboBox()
        for label, value in (("the newer change", "newer"), ("mine", "mine"),
                             ("the vault's", "theirs")):  # fmt: skip
            self.prefer.addItem(label, value)
        if mode == "export":
            form.addRow("", self.thumbnails)
            form.addRow("", self.embeddings)
        else:
            form.addRow("Mode:", self.mode_box)
            form.addRow("When both changed a memory, keep:", self.prefer)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setVisible(mode == "import")
        self.summary.setPlaceholderText("Preview shows what the import would add and change.")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.preview)
        self.preview_button.setVisible(mode == "import")
        self.go_button = QPushButton("Export" if mode == "export" else "Import")
        self.go_button.clicked.connect(self.start)
        self.go_button.setEnabled(mode == "export")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.preview_button, self.go_button, self.cancel_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        for changed in (self.path.textChanged, self.passphrase.textChanged):
            changed.connect(self._inputs_changed)
        self.mode_box.currentIndexChanged.connect(self._inputs_changed)
        self.prefer.currentIndexChanged.connect(self._inputs_changed)
        self._hint()

    # ------------------------------------------------------------ inputs

    def _browse(self) -> None:
        if self.mode == "export":
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export to", str(Path.home() / "memories.reverie-vault"),
                "Reverie vaults (*.reverie-vault)")  # fmt: skip
        else:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Import from", str(Path.home()), "Reverie vaults (*.reverie-vault)"
            )
        if chosen:
            self.path.setText(chosen)

    def _hint(self) -> None:
        if self.mode != "export":
            return
        text = self.passphrase.text()
        strength = passphrase_strength(text)
        mismatch = bool(self.again.text()) and self.again.text() != text
        self.strength.setText(
            "The two passphrases differ." if mismatch else (strength.hint if text else "")
        )
        self.go_button.setEnabled(
            strength.label != "too short" and text == self.again.text() and self.job is None
        )

    def _inputs(self) -> tuple[Any, ...]:
        return (self.path.text(), self.passphrase.text(), self.mode_box.currentData(),
                self.prefer.currentData())  # fmt: skip

    def _inputs_changed(self) -> None:
        if self.mode == "import":  # a new file or passphrase needs a new preview
            self.go_button.setEnabled(self._previewed_for == self._inputs() and self.job is None)
        else:
            self._hint()

    def _target(self) -> Path | None:
        text = self.path.text().strip()
        if not text:
            self.status.setText("Choose the vault file first.")
            return None
        return Path(text).expanduser()

    # ------------------------------------------------------------ work

    def _run(self, label: str, work: Any, done: Any) -> Job | None:
        if self.job is not None:
            return None
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(True)
        self.preview_button.setEnabled(False)
        self.go_button.setEnabled(False)
        self.status.setText(f"{label}…")

        # Completion comes through the callbacks, which the job holds from its creation: a
        # quick job (a wrong passphrase) may finish before any signal could be connected here.
        def succeeded(result: Any) -> None:
            done(result)
            self._finished()

        def failed(message: str) -> None:
            self._finished()
            self._error(message)

        job = self.runner.submit(label, work, on_done=succeeded, on_error=failed)
        job.progressed.connect(self._progressed)
        job.cancelled.connect(self._cancelled)
        self.job = job
        return job

    def _cancelled(self) -> None:
        self._finished()
        self.status.setText("Cancelled; nothing was changed.")

    def _progressed(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if label:
            self.status.setText(f"{label}…")

    def _finished(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.preview_button.setEnabled(True)
        self._inputs_changed()

    def _error(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _keep_passphrase(self) -> None:
        if self.remember.isChecked():
            vault_passphrase.remember_passphrase(self.reverie.home, self.passphrase.text())
        elif self.remember.isEnabled():
            vault_passphrase.remember_passphrase(self.reverie.home, None)

    def start(self) -> Job | None:
        target = self._target()
        if target is None:
            return None
        secret = self.passphrase.text()
        self._keep_passphrase()
        if self.mode == "export":
            thumbnails, embeddings = self.thumbnails.isChecked(), self.embeddings.isChecked()
            key = self._thumbnail_key() if thumbnails else None

            def export(job: Job) -> vault.ExportReport:
                return vault.export_vault(
                    self.reverie, target, secret, include_thumbnails=thumbnails,
                    include_embeddings=embeddings, thumbnail_key=key, progress=job,
                )  # fmt: skip

            return self._run("exporting", export, self._exported)
        return self._import(target, secret, dry_run=False)

    def preview(self) -> Job | None:
        target = self._target()
        if target is None:
            return None
        self._previewed_for = None
        return self._import(target, self.passphrase.text(), dry_run=True)

    def _import(self, target: Path, secret: str, dry_run: bool) -> Job | None:
        inputs = self._inputs()
        mode, prefer = self.mode_box.currentData(), self.prefer.currentData()
        key = self._thumbnail_key()

        def done(report: vault.ImportReport) -> None:
            self.summary.setPlainText(describe_import(report.to_dict()))
            if dry_run:
                self._previewed_for = inputs
                self.status.setText("Preview ready: nothing was changed. Import to apply it.")
                self.previewed.emit(report)
            else:
                self.status.setText("Imported.")
                self.imported.emit(report)

        def work(job: Job) -> vault.ImportReport:
            return vault.import_vault(
                self.reverie, target, secret, mode=mode, prefer=prefer, dry_run=dry_run,
                thumbnail_key=key, progress=job,
            )  # fmt: skip

        return self._run("checking the vault" if dry_run else "importing", work, done)

    def _thumbnail_key(self) -> bytes | None:
        if not keyring_available():
            return None
        from app.capture.keys import ThumbnailKey

        return ThumbnailKey(self.reverie.home / "captures").load()

    def _exported(self, report: vault.ExportReport) -> None:
        counts = report.counts
        self.status.setText(
            f"Exported and checked: {counts.get('memory', 0)} memories, "
            f"{counts.get('evidence', 0)} messages and screens, {counts.get('entity', 0)} "
            f"entities, {counts.get('thumbnail', 0)} thumbnails ({report.bytes / 1e6:.1f} MB)."
        )
        self.exported.emit(report)
