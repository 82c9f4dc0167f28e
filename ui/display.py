"""Is there a screen to open a window on? Checked before Qt is imported, because Qt aborts the
process (rather than raising) when it finds no display."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

NO_DISPLAY = (
    "Reverie's window needs a graphical display, and none was found "
    "(DISPLAY and WAYLAND_DISPLAY are not set).\n"
    "  - Everything is also available from the command line: .venv/bin/reverie --help\n"
    "    (try: .venv/bin/reverie demo)\n"
    "  - Or run the window on a virtual display: xvfb-run -a .venv/bin/reverie-gui"
)


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """An explanation when no window can be shown, else ""."""
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux":
        return ""  # Windows and macOS always have a display when a user runs the app
    if env.get("QT_QPA_PLATFORM", "").split(":")[0] in {"offscreen", "minimal", "vnc"}:
        return ""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return ""
    return NO_DISPLAY
