"""The Graph tab's view written to a file: PNG (pixels) or SVG (vectors)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QGraphicsView


def export_canvas(canvas: QGraphicsView, path: Path) -> bool:
    """Write what `canvas` shows to `path`: SVG when the suffix says so, else PNG. False when
    the PNG could not be written. SVG: pyqtgraph's own SVG exporter fails on Qt 6's path
    data, so Qt's SVG generator paints the canvas."""
    if path.suffix.lower() == ".svg":
        # Imported here: QtSvg is loaded only by those who export.
        from PySide6.QtGui import QPainter
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(canvas.size())
        generator.setViewBox(canvas.rect())
        generator.setTitle("Reverie memory graph")
        painter = QPainter(generator)
        try:
            canvas.render(painter)
        finally:
            painter.end()
        return True
    return bool(canvas.grab().save(str(path)))
