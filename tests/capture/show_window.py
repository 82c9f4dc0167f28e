"""A real application window with known text, for the capture tests: run as its own process
on the test X server (its own WM_CLASS, title and pid, as any other application has).

    python -m tests.capture.show_window APP TITLE X Y W H TEXT_FILE
The window's text is re-read from TEXT_FILE every 200 ms, so a test can change what is shown.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel


def main() -> None:
    app_name, title, x, y, w, h, text_file = sys.argv[1:8]
    app = QApplication([app_name])
    app.setApplicationName(app_name)
    label = QLabel()
    label.setWindowTitle(title)
    label.setFont(QFont("DejaVu Sans", 20))
    label.setStyleSheet("background: white; color: black; padding: 20px;")
    label.setWordWrap(True)
    label.setGeometry(int(x), int(y), int(w), int(h))
    source = Path(text_file)

    def refresh() -> None:
        text = source.read_text(encoding="utf-8") if source.exists() else ""
        if text != label.text():
            label.setText(text)

    refresh()
    timer = QTimer()
    timer.timeout.connect(refresh)
    timer.start(200)
    label.show()
    print("shown", flush=True)
    app.exec()


if __name__ == "__main__":
    main()
