"""A small plot of one memory's forgetting curve: where it is now and where it gets archived."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.forgetting import retention


class CurvePlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(220, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.stability_days = 0.0
        self.elapsed_days = 0.0
        self.threshold = 0.05
        self.pinned = False
        self.setToolTip("Retention over time: each recall restarts and flattens the curve")

    def show_curve(
        self, stability_days: float, elapsed_days: float, threshold: float, pinned: bool
    ) -> None:
        self.stability_days, self.elapsed_days = stability_days, elapsed_days
        self.threshold, self.pinned = threshold, pinned
        self.update()

    def span_days(self) -> float:
        # Far enough to show the memory reach the archive line (or twice today's age).
        return max(2.0 * self.elapsed_days, self.stability_days * 3.5, 1.0)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(6, 6, -6, -16)
        painter.fillRect(self.rect(), self.palette().base())
        if self.stability_days <= 0:
            painter.end()
            return
        span = self.span_days()

        def point(day: float, value: float) -> QPointF:
            return QPointF(area.left() + area.width() * day / span,
                           area.bottom() - area.height() * value)  # fmt: skip

        painter.setPen(QPen(QColor("#c0392b"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(point(0, self.threshold), point(span, self.threshold))
        path = QPainterPath(point(0, 1.0))
        steps = 80
        for step in range(1, steps + 1):
            day = span * step / steps
            path.lineTo(point(day, 1.0 if self.pinned else retention(day, self.stability_days)))
        painter.setPen(QPen(QColor("#6d5dfc"), 2))
        painter.drawPath(path)
        now_value = 1.0 if self.pinned else retention(self.elapsed_days, self.stability_days)
        painter.setBrush(QColor("#2bb3c0"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(point(self.elapsed_days, now_value), 4, 4)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 14),
                         Qt.AlignmentFlag.AlignLeft, "learned / last recalled")  # fmt: skip
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 14),
                         Qt.AlignmentFlag.AlignRight, f"{span:.0f} days")  # fmt: skip
        painter.end()
