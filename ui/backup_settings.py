"""Settings' Backups box: scheduled vault backups on or off, the folder, how often, how many to
keep, and the last backup's time and outcome (from the scheduler's backup job)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.services.vault_backup import BackupStatus
from app.settings import Settings

NEVER = "No backup written yet."


class BackupSettings(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        form = QFormLayout(self)
        self.enabled = QCheckBox("Back up the memory vault automatically")
        form.addRow(self.enabled)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("a folder, e.g. on a backup disk")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        form.addRow("Folder:", row)
        self.every = QComboBox()
        self.every.addItem("Daily", "daily")
        self.every.addItem("Weekly", "weekly")
        form.addRow("How often:", self.every)
        self.keep = QSpinBox()
        self.keep.setRange(1, 1000)
        self.keep.setSuffix(" backups")
        form.addRow("Keep the newest:", self.keep)
        note = QLabel("Backups are encrypted with the vault passphrase remembered in the OS "
                      "keyring (tick 'Remember' when exporting a vault).")  # fmt: skip
        note.setWordWrap(True)
        form.addRow(note)
        self.status = QLabel(NEVER)
        self.status.setObjectName("backupStatus")
        self.status.setWordWrap(True)
        form.addRow("Last backup:", self.status)
        self.enabled.toggled.connect(self._enable_fields)

    def load(self, settings: Settings) -> None:
        self.enabled.setChecked(settings.backup_enabled)
        self.folder.setText(settings.backup_folder)
        self.every.setCurrentIndex(max(0, self.every.findData(settings.backup_every)))
        self.keep.setValue(settings.backup_keep)
        self._enable_fields(settings.backup_enabled)

    def chosen(self, settings: Settings) -> Settings:
        """`settings` with the backup fields as shown (InputError when they do not fit)."""
        return replace(
            settings,
            backup_enabled=self.enabled.isChecked(),
            backup_folder=self.folder.text().strip(),
            backup_every=str(self.every.currentData() or "daily"),
            backup_keep=self.keep.value(),
        )

    def show_status(self, status: BackupStatus | None) -> None:
        if status is None:
            self.status.setText(NEVER)
            return
        self.status.setText(status.describe())
        self.status.setProperty("failed", not status.ok)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for backups", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _enable_fields(self, on: bool) -> None:
        for field in (self.folder, self.every, self.keep):
            field.setEnabled(on)
