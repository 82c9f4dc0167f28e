"""`reverie-gui`: start the desktop app (and its tray agent, where the desktop has a tray)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from ui.display import display_problem

STARTED = time.time()
ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / "reverie.svg"
RAISE_REQUEST = "raise.request"  # written by a second launch: the running window comes forward
log = logging.getLogger("reverie")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reverie-gui", description="Reverie's desktop app.")
    parser.add_argument("--home", help="data folder (default: $REVERIE_HOME or your data dir)")
    parser.add_argument("--model", type=Path, help="a GGUF model file to use instead")
    parser.add_argument("--minimized", action="store_true",
                        help="start in the tray (used when starting at login)")  # fmt: skip
    probe = "print when the window is on screen, then quit (benchmarks)"
    parser.add_argument("--startup-probe", action="store_true", help=probe)
    return parser.parse_args(argv)


def setup_logging(home: Path) -> None:
    """Warnings and crashes go to <data>/logs/reverie.log (never memory contents: the engine
    logs those at DEBUG only)."""
    folder = home / "logs"
    try:
        folder.mkdir(exist_ok=True)
        handler = RotatingFileHandler(folder / "reverie.log", maxBytes=1_000_000, backupCount=3)
    except OSError:
        return  # a read-only data folder: warnings go to stderr only
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def single_instance(home: Path) -> Any:
    """Hold a lock on the data folder while the app runs: two apps on one folder would run two
    schedulers and two capture loops. Returns the open lock file, or None if taken."""
    import fcntl

    try:
        handle = (home / "app.lock").open("a")
    except OSError:
        return object()  # a read-only data folder: this app cannot write, so cannot race
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    # Qt is imported only now: with no display it would abort the process instead of raising.
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.core.errors import ReverieError
    from app.runtime import Reverie
    from ui.collector import MainThreadCollector
    from ui.main_window import MainWindow
    from ui.tray import tray_available

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Reverie")
    app.setDesktopFileName("reverie")
    icon = QIcon(str(ICON))
    app.setWindowIcon(icon)
    collector = MainThreadCollector(app)  # before any worker thread starts
    app.aboutToQuit.connect(collector.stop)
    try:
        from app.home import resolve_home
        from app.store_key import StoreKey
        from ui.store_unlock import ask_in_dialog, open_unlocked

        new_store = StoreKey(resolve_home(args.home, writable=False)).record() is None
        opened = open_unlocked(
            lambda passphrase: Reverie(args.home, model_path=args.model, passphrase=passphrase),
            ask_in_dialog(None),
            new_store,
        )
        if opened is None:
            print("reverie-gui: no passphrase given; the memories stay locked", file=sys.stderr)
            return 1
        reverie = opened
    except ReverieError as error:
        QMessageBox.critical(None, "Reverie cannot start", str(error))
        print(f"reverie-gui: {error}", file=sys.stderr)
        return 1
    lock = single_instance(reverie.home)
    if lock is None:
        # The running app watches its data folder for this file and comes to the front.
        (reverie.home / RAISE_REQUEST).write_text(f"{time.time():.3f}\n", encoding="utf-8")
        message = f"Reverie is already running for {reverie.home}: its window was brought forward."
        print(f"reverie-gui: {message}", file=sys.stderr)
        reverie.close()
        return 3
    setup_logging(reverie.home)

    def crashed(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.critical("unexpected error", exc_info=(kind, error, tb))
        QMessageBox.warning(None, "Reverie hit a bug",
                            f"{kind.__name__}: {error}\n\nDetails are in "
                            f"{reverie.home / 'logs' / 'reverie.log'}.")  # fmt: skip

    sys.excepthook = crashed
    has_tray = tray_available()
    app.setQuitOnLastWindowClosed(not has_tray)
    window = MainWindow(reverie, tray=has_tray, icon=icon, start_scheduler=not args.startup_probe)
    app.aboutToQuit.connect(window.shutdown)
    if not (args.minimized and has_tray):
        window.show()
    if args.startup_probe:
        from PySide6.QtCore import QTimer

        def shown() -> None:
            print(f"window-shown {time.time():.4f} started {STARTED:.4f}", flush=True)
            window.quit()
            app.quit()

        QTimer.singleShot(0, shown)  # runs after the first paint has been queued and done
    try:
        return app.exec()
    finally:
        reverie.close()


if __name__ == "__main__":
    raise SystemExit(main())
