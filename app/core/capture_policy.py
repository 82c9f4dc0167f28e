"""What may be captured, decided from the window list before a single pixel is grabbed.

A frame is dropped whole when the user works in an excluded window (nothing about that activity
is recorded); otherwise every excluded window visible anywhere on screen is blacked out before
the pixels reach change detection, OCR or disk. Reverie's own windows are always excluded.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field

# Password managers and private browsing, matched on the application (WM_CLASS, lower case)
# and on the window title. The user's list adds to these; it cannot remove them.
BUILTIN_APPS = (
    "keepassxc", "keepass", "keepass2", "bitwarden", "1password", "enpass", "lastpass",
    "dashlane", "seahorse", "kwalletmanager", "gnome-keyring", "protonpass", "proton pass",
)  # fmt: skip
BUILTIN_TITLES = (
    "*keepassxc*", "*bitwarden*", "*1password*", "*private browsing*", "*incognito*",
    "*inprivate*", "*tor browser*", "*- private*", "*password manager*",
)  # fmt: skip
OWN_APPS = ("reverie", "reverie-gui")


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    def intersect(self, other: Rect) -> Rect | None:
        left, top = max(self.x, other.x), max(self.y, other.y)
        right = min(self.x + self.width, other.x + other.width)
        bottom = min(self.y + self.height, other.y + other.height)
        if right <= left or bottom <= top:
            return None
        return Rect(left, top, right - left, bottom - top)

    def moved(self, dx: int, dy: int) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def minus(self, other: Rect) -> list[Rect]:
        """This rectangle without `other`: up to four pieces."""
        cut = self.intersect(other)
        if cut is None:
            return [self]
        right, bottom = self.x + self.width, self.y + self.height
        pieces = [
            Rect(self.x, self.y, self.width, cut.y - self.y),  # above the cut
            Rect(self.x, cut.y + cut.height, self.width, bottom - cut.y - cut.height),  # below
            Rect(self.x, cut.y, cut.x - self.x, cut.height),  # left of it
            Rect(cut.x + cut.width, cut.y, right - cut.x - cut.width, cut.height),  # right of it
        ]
        return [p for p in pieces if p.width > 0 and p.height > 0]


def visible_parts(rect: Rect, covering: Sequence[Rect]) -> list[Rect]:
    """What of `rect` is not hidden under any of the `covering` rectangles."""
    parts = [rect]
    for cover in covering:
        parts = [piece for part in parts for piece in part.minus(cover)]
    return parts


@dataclass(frozen=True)
class WindowInfo:
    window_id: int
    title: str
    app: str  # the application's class (WM_CLASS), e.g. "firefox"
    rect: Rect
    pid: int | None = None


@dataclass(frozen=True)
class Decision:
    capture: bool
    reason: str  # why a frame is dropped ("" when captured)
    blackout: tuple[Rect, ...] = ()  # screen coordinates to paint black before anything else
    hidden: tuple[str, ...] = ()  # titles of the windows blacked out (for the log, never stored)


@dataclass(frozen=True)
class PrivacyPolicy:
    excluded_apps: tuple[str, ...] = ()
    excluded_titles: tuple[str, ...] = ()  # shell-style patterns, case-insensitive
    own_pid: int | None = None
    _apps: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        apps = {a.strip().lower() for a in (*BUILTIN_APPS, *OWN_APPS, *self.excluded_apps)}
        object.__setattr__(self, "_apps", frozenset(a for a in apps if a))

    def excluded(self, window: WindowInfo) -> bool:
        if self.own_pid is not None and window.pid == self.own_pid:
            return True
        app = window.app.lower()
        if app in self._apps or any(a in app for a in self._apps if len(a) > 4):
            return True
        title = window.title.lower()
        if title == "reverie" or title.startswith("reverie —"):
            return True
        patterns = (
            *BUILTIN_TITLES,
            *(p.strip().lower() for p in self.excluded_titles if p.strip()),
        )
        return any(fnmatch.fnmatchcase(title, p if "*" in p or "?" in p else f"*{p}*")
                   for p in patterns)  # fmt: skip

    def decide(
        self, windows: Sequence[WindowInfo], active: WindowInfo | None, screen: Rect
    ) -> Decision:
        if active is not None and self.excluded(active):
            return Decision(False, "the active window is excluded from capture")
        # `windows` is bottom to top: an excluded window is blacked out where it shows, not
        # where a window above it covers it (that window's own text stays readable).
        rects: list[Rect] = []
        hidden: list[str] = []
        for position, window in enumerate(windows):
            if not self.excluded(window):
                continue
            hidden.append(window.title)
            above = [w.rect for w in windows[position + 1 :] if not self.excluded(w)]
            for part in visible_parts(window.rect, above):
                if (on_screen := part.intersect(screen)) is not None:
                    rects.append(on_screen)
        return Decision(True, "", tuple(rects), tuple(hidden))
