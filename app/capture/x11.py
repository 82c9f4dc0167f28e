"""The X11 side of screen capture: which windows are on screen (title, application, place),
which one is active, how long the user has been idle, and whether the screen is locked.
Read through python-xlib; grabbing pixels is `app.capture.screen`'s job."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from app.core.capture_policy import Rect, WindowInfo
from app.core.errors import EnvironmentProblem

LOCKERS = ("xscreensaver", "i3lock", "light-locker", "gnome-screensaver", "xsecurelock",
           "slock", "swaylock", "kscreenlocker", "cinnamon-screensaver")  # fmt: skip


def session_problem(environ: Mapping[str, str] | None = None) -> str:
    """Why screen capture cannot work in this session, or "" when it can."""
    env = os.environ if environ is None else environ
    if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" or (
        env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")
    ):
        return (
            "this is a Wayland session: Wayland lets no application read the screen or the "
            "window list directly, so Reverie's screen capture needs an X11 session (choose "
            "'GNOME on Xorg' or similar at login). Support for the desktop portal is planned; "
            "chat and imports work as usual."
        )
    if not env.get("DISPLAY"):
        return "no X display (DISPLAY is not set); screen capture needs a graphical session"
    return ""


class X11Windows:
    def __init__(self, display_name: str | None = None) -> None:
        problem = session_problem() if display_name is None else ""
        if problem:
            raise EnvironmentProblem(f"screen capture is unavailable: {problem}")
        from Xlib import X, display, error

        self._X = X
        self._errors = (error.BadWindow, error.BadDrawable, error.BadMatch)
        try:
            self.display: Any = display.Display(display_name)
        except Exception as failure:  # Xlib raises its own DisplayError types
            raise EnvironmentProblem(f"cannot open the X display: {failure}") from None
        self.root = self.display.screen().root
        self._atoms: dict[str, int] = {}
        self._saver = self.display.has_extension("MIT-SCREEN-SAVER")

    def close(self) -> None:
        self.display.close()

    def _atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = self.display.intern_atom(name)
        return self._atoms[name]

    def _property(self, window: Any, name: str) -> Any:
        reply = window.get_full_property(self._atom(name), self._X.AnyPropertyType)
        return None if reply is None else reply.value

    def _title(self, window: Any) -> str:
        value = self._property(window, "_NET_WM_NAME")
        if value is None:
            value = self._property(window, "WM_NAME")
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return str(value or "")

    def _app(self, window: Any) -> str | None:
        names = window.get_wm_class()
        if not names:
            return None
        return str(names[-1] or names[0])

    def _pid(self, window: Any) -> int | None:
        value = self._property(window, "_NET_WM_PID")
        return int(value[0]) if value is not None and len(value) else None

    def _client(self, window: Any, depth: int = 0) -> Any | None:
        """The application window inside a top-level window (window managers add frames)."""
        if self._app(window) is not None:
            return window
        if depth >= 3:
            return None
        for child in reversed(window.query_tree().children):
            found = self._client(child, depth + 1)
            if found is not None:
                return found
        return None

    def _visible_toplevels(self) -> Iterator[Any]:
        for top in self.root.query_tree().children:  # bottom to top
            try:
                if top.get_attributes().map_state == self._X.IsViewable:
                    yield top
            except self._errors:
                continue  # closed while we looked

    def windows(self) -> list[WindowInfo]:
        """Visible application windows, bottom to top of the stacking order."""
        found: list[WindowInfo] = []
        for top in self._visible_toplevels():
            try:
                client = self._client(top)
                if client is None:
                    continue
                geometry = top.get_geometry()
                origin = top.translate_coords(self.root, 0, 0)
                rect = Rect(-origin.x, -origin.y, geometry.width, geometry.height)
                found.append(WindowInfo(client.id, self._title(client), self._app(client) or "",
                                        rect, self._pid(client)))  # fmt: skip
            except self._errors:
                continue
        return found

    def active(self, windows: list[WindowInfo]) -> WindowInfo | None:
        """_NET_ACTIVE_WINDOW when a window manager keeps it, else the topmost window."""
        value = self._property(self.root, "_NET_ACTIVE_WINDOW")
        if value is not None and len(value) and value[0]:
            for window in windows:
                if window.window_id == value[0]:
                    return window
        return windows[-1] if windows else None

    def idle_seconds(self) -> float:
        if not self._saver:
            return 0.0
        return float(self.root.screensaver_query_info().idle) / 1000.0

    def locked(self, windows: list[WindowInfo]) -> bool:
        if self._saver and self.root.screensaver_query_info().state == 1:  # ScreenSaverOn
            return True
        return any(any(name in w.app.lower() for name in LOCKERS) for w in windows)
