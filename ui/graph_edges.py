"""All the graph's edges as one item that pans at the cost of one image.

Stroking 30k segments takes 40-100 ms on Qt's raster engine, too slow to redo at every frame
of a pan. This item strokes them once into an image covering the visible range plus a margin,
and paints that image while the view moves (a translated or scaled image: a few ms). When
the view rests (RESTROKE_MS after the last change) the image is stroked again at the new
range, sharp at the new zoom.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform

RESTROKE_MS = 300  # a pause this long means the pan or zoom has stopped
MARGIN = 0.25  # stroke a quarter view more on every side, so short pans show no blank edge


class EdgeLayer(pg.GraphicsObject):  # type: ignore[misc]
    def __init__(self, view_box: Any) -> None:
        super().__init__()
        self.view_box = view_box
        self.solid: npt.NDArray[np.float64] = np.zeros((0, 2))  # pairs of points, data coords
        self.dashed: npt.NDArray[np.float64] = np.zeros((0, 2))
        self.colour = QColor("#000000")
        self.image: QImage | None = None
        self.covered = QRectF()  # the data rectangle the image shows
        self.bounds = QRectF()
        self.timer = QTimer(self)  # owned by the item, so it goes with it
        self.timer.setSingleShot(True)
        self.timer.setInterval(RESTROKE_MS)
        self.timer.timeout.connect(self.restroke)
        view_box.sigRangeChanged.connect(lambda *_: self.timer.start())
        view_box.sigResized.connect(lambda *_: self.timer.start())

    def set_segments(self, solid: npt.NDArray[np.float64], dashed: npt.NDArray[np.float64],
                     colour: QColor) -> None:  # fmt: skip
        self.prepareGeometryChange()
        self.solid, self.dashed, self.colour = solid, dashed, colour
        both = np.concatenate([solid, dashed]) if len(solid) + len(dashed) else np.zeros((0, 2))
        if len(both):
            low, high = both.min(axis=0), both.max(axis=0)
            self.bounds = QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])
        else:
            self.bounds = QRectF()
        self.restroke()

    def boundingRect(self) -> QRectF:
        return self.bounds

    def restroke(self) -> None:
        """Stroke every edge into an image of the visible range (plus margin)."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        pixels = self.view_box.boundingRect()
        width, height = max(1, int(pixels.width())), max(1, int(pixels.height()))
        dx, dy = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
        covered = QRectF(x0 - dx, y0 - dy, (x1 - x0) + 2 * dx, (y1 - y0) + 2 * dy)
        size = (int(width * (1 + 2 * MARGIN)), int(height * (1 + 2 * MARGIN)))
        image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        if covered.width() > 0 and covered.height() > 0:
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            # Data y grows upwards; image rows grow downwards.
            painter.setTransform(QTransform(
                size[0] / covered.width(), 0, 0, -size[1] / covered.height(),
                -covered.left() * size[0] / covered.width(),
                covered.bottom() * size[1] / covered.height(),
            ))  # fmt: skip
            for points, alpha, style in ((self.solid, 0.35, Qt.PenStyle.SolidLine),
                                         (self.dashed, 0.22, Qt.PenStyle.DashLine)):  # fmt: skip
                if not len(points):
                    continue
                colour = QColor(self.colour)
                colour.setAlphaF(alpha)
                pen = QPen(colour, 1, style)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.drawPath(pg.arrayToQPath(points[:, 0], points[:, 1], connect="pairs"))
            painter.end()
        self.image, self.covered = image, covered
        self.update()

    def paint(self, painter: QPainter, *_: Any) -> None:
        if self.image is None or self.covered.isEmpty():
            return
        # The image's rows run top-down while data y runs up: flip it into place.
        painter.save()
        # Panning only moves the image: a plain copy, no filtering (it is restroked sharp
        # once the view rests).
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.translate(self.covered.left(), self.covered.bottom())
        painter.scale(1, -1)
        painter.drawImage(QRectF(0, 0, self.covered.width(), self.covered.height()), self.image)
        painter.restore()
