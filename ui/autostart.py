"""Start Reverie at login: an XDG autostart entry (Linux desktops all read this folder)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENTRY = """[Desktop Entry]
Type=Application
Name=Reverie
Comment=Personal memory assistant (starts in the tray)
Exec={command} --minimized
Icon=reverie
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def autostart_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / "reverie.desktop"


def launch_command() -> str:
    script = Path(sys.executable).parent / "reverie-gui"
    return str(script) if script.exists() else f"{sys.executable} -m ui.launch"


def supported() -> bool:
    return sys.platform.startswith("linux")


def set_start_at_login(enabled: bool) -> None:
    path = autostart_file()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(ENTRY.format(command=launch_command()), encoding="utf-8")
    os.replace(temporary, path)
