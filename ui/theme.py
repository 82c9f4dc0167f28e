"""Light or dark, as the system prefers: the palette, the stylesheet (resources/style.qss) and
the icons (Lucide SVGs in resources/icons, drawn in the palette's text colour, so they stay
readable on a dark background). Follows the desktop when its preference changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
ICONS = RESOURCES / "icons"
ICON_SIZES = (16, 20, 24, 32, 48)


@dataclass(frozen=True)
class Colours:
    dark: bool
    window: str
    base: str
    alternate: str
    text: str
    muted: str
    button: str
    border: str
    accent: str
    accent_text: str  # the accent, readable as text on `base`
    bubble: str
    hover: str
    note: str
    card: str
    teal: str = "#2bb3c0"
    danger: str = "#c0392b"


LIGHT = Colours(dark=False, window="#f4f4f6", base="#ffffff", alternate="#f7f7fa",
                text="#1d1d22", muted="#6b6b76", button="#ececf0", border="#c9c9d2",
                accent="#6d5dfc", accent_text="#4b3fd6", bubble="#ececf3", hover="#e6e3ff",
                note="#eef9fa", card="#ffffff")  # fmt: skip
DARK = Colours(dark=True, window="#1e1f24", base="#17181c", alternate="#22232a",
               text="#e7e7ec", muted="#9a9aa6", button="#2c2d34", border="#44454f",
               accent="#6d5dfc", accent_text="#a99fff", bubble="#2a2b33", hover="#34305a",
               note="#1b3236", card="#24252c", danger="#ff6b5b")  # fmt: skip


@cache
def svg_source(name: str) -> str:
    return (ICONS / f"{name}.svg").read_text(encoding="utf-8")


def render_icon(name: str, colour: str) -> QIcon:
    """The SVG with `currentColor` replaced, rendered at the sizes Qt asks for most."""
    renderer = QSvgRenderer(QByteArray(svg_source(name).replace("currentColor", colour).encode()))
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def palette_for(colours: Colours) -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, value in (
        (roles.Window, colours.window), (roles.WindowText, colours.text),
        (roles.Base, colours.base), (roles.AlternateBase, colours.alternate),
        (roles.Text, colours.text), (roles.Button, colours.button),
        (roles.ButtonText, colours.text), (roles.ToolTipBase, colours.card),
        (roles.ToolTipText, colours.text), (roles.PlaceholderText, colours.muted),
        (roles.Highlight, colours.accent), (roles.HighlightedText, "#ffffff"),
        (roles.Link, colours.accent_text), (roles.Mid, colours.border),
        (roles.Midlight, colours.button), (roles.Dark, colours.border),
        (roles.Light, colours.alternate), (roles.Shadow, "#000000"),
        (roles.BrightText, colours.danger),
    ):  # fmt: skip
        palette.setColor(role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor(colours.muted))
    return palette


def stylesheet(colours: Colours) -> str:
    tokens = {"@accentText": colours.accent_text, "@accent": colours.accent,
              "@muted": colours.muted, "@bubble": colours.bubble, "@hover": colours.hover,
              "@note": colours.note, "@teal": colours.teal, "@border": colours.border,
              "@card": colours.card}  # fmt: skip
    sheet = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    for token, value in tokens.items():  # longer tokens first: @accentText before @accent
        sheet = sheet.replace(token, value)
    return sheet


class Theme(QObject):
    """The app's light or dark look. Widgets ask it for icons with `bind`, so their icons are
    drawn again in the new colour when the scheme changes."""

    changed = Signal(object)  # Colours

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)  # ends with the window, and so does following the system
        self.window = window
        self.colours = LIGHT
        self._bound: list[tuple[Callable[[QIcon], None], str]] = []
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self.follow)
        self.follow(hints.colorScheme())

    @property
    def dark(self) -> bool:
        return self.colours.dark

    def follow(self, scheme: Qt.ColorScheme) -> None:
        """The system's preference (Unknown, as on bare X servers, reads as light)."""
        self.apply(DARK if scheme == Qt.ColorScheme.Dark else LIGHT)

    def apply(self, colours: Colours) -> None:
        self.colours = colours
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if app.style().name().lower() != "fusion":
                app.setStyle("Fusion")  # draws every widget from the palette, light or dark
            app.setPalette(palette_for(colours))
        self.window.setStyleSheet(stylesheet(colours))
        for setter, name in self._bound:
            setter(self.icon(name))
        self.changed.emit(colours)

    def icon(self, name: str) -> QIcon:
        return render_icon(name, self.colours.text)

    def bind(
        self, setter: Callable[[QIcon], None], name: str, owner: QObject | None = None
    ) -> None:
        """Set an icon now and again at each change of scheme (while `owner`, when given,
        lives; by default as long as the window)."""
        entry = (setter, name)
        self._bound.append(entry)
        if owner is not None:
            owner.destroyed.connect(lambda: self._bound.remove(entry))
        setter(self.icon(name))
