"""The system-tray agent: status at a glance and the quick actions, with the window closed."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from ui.controls import AppControls


def tray_available() -> bool:
    # False under bare Xvfb and on stock GNOME without the AppIndicator extension; show() would
    # then silently do nothing and leave the app unreachable.
    return QSystemTrayIcon.isSystemTrayAvailable()


class TrayAgent(QSystemTrayIcon):
    def __init__(self, controls: AppControls, icon: QIcon, parent: QWidget | None = None):
        super().__init__(icon, parent)
        self.controls = controls
        self.menu = QMenu(parent)
        self.status_item = self.menu.addAction("Reverie: idle")
        self.status_item.setEnabled(False)
        self.menu.addSeparator()
        for action in controls.actions():
            if action is controls.quit_action:
                self.menu.addSeparator()
            self.menu.addAction(action)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        controls.status_changed.connect(self.show_status)
        self.show_status(controls.status())

    def show_status(self, status: str) -> None:
        self.status_item.setText(f"Reverie: {status}")
        self.setToolTip(f"Reverie — {status}")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.controls.open_requested.emit()
