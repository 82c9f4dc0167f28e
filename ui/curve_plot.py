"""A small plot of one memory's forgetting curve: retention (%) over days since it was said
or last recalled, where it is now, and where it gets archived."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.forgetting import retention

ACCENT = QColor("#6d5dfc")
NOW = QColor("#2bb3c0")
ARCHIVE = QColor("#c0392b")


def day_label(day: float) -> str:
    return f"{day:.0f}" if day >= 10 or day == int(day) else f"{day:.1f}"


class CurvePlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(260, 130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.stability_days = 0.0
        self.elapsed_days = 0.0
        self.threshold = 0.05
        self.pinned = False
        self.drawn: list[str] = []  # the texts of the last paint (axis labels, markers)
        self.now_x: float | None = None  # where the "now" line was drawn
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
        painter.fillRect(self.rect(), self.palette().base())
        self.drawn, self.now_x = [], None
        if self.stability_days <= 0:
            painter.end()
            return
        text_colour = self.palette().text().color()
        muted = self.palette().placeholderText().color()
        font = painter.font()
        font.setPixelSize(11)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        left = metrics.horizontalAdvance("100%") + 8
        area = QRectF(self.rect()).adjusted(left, line + 4, -10, -(2 * line + 4))
        span = self.span_days()

        def point(day: float, value: float) -> QPointF:
            return QPointF(area.left() + area.width() * day / span,
                           area.bottom() - area.height() * value)  # fmt: skip

        def text(rect: QRectF, flags: Qt.AlignmentFlag, words: str) -> None:
            painter.drawText(rect, int(flags), words)
            self.drawn.append(words)

        # Axes, with retention ticks at 0, 50 and 100 % and day ticks at the ends and middle.
        painter.setPen(QPen(muted, 1))
        painter.drawLine(area.bottomLeft(), area.topLeft())
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for value in (0.0, 0.5, 1.0):
            y = point(0, value).y()
            painter.drawLine(QPointF(area.left() - 3, y), QPointF(area.left(), y))
            text(QRectF(0, y - line / 2, left - 5, line), right, f"{value:.0%}")
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        for day in (0.0, span / 2, span):
            x = point(day, 0).x()
            painter.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3))
            text(QRectF(x - 30, area.bottom() + 3, 60, line), centre, day_label(day))
        painter.setPen(text_colour)
        text(QRectF(area.left(), area.bottom() + line + 3, area.width(), line), centre,
             "days since said or last recalled")  # fmt: skip
        text(QRectF(2, 0, area.width(), line),
             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "retention")  # fmt: skip

        # The archive line, the curve, and now.
        painter.setPen(QPen(ARCHIVE, 1, Qt.PenStyle.DashLine))
        painter.drawLine(point(0, self.threshold), point(span, self.threshold))
        path = QPainterPath(point(0, 1.0))
        steps = 80
        for step in range(1, steps + 1):
            day = span * step / steps
            path.lineTo(point(day, 1.0 if self.pinned else retention(day, self.stability_days)))
        painter.setPen(QPen(ACCENT, 2))
        painter.drawPath(path)
        now_value = 1.0 if self.pinned else retention(self.elapsed_days, self.stability_days)
        now = point(self.elapsed_days, now_value)
        self.now_x = now.x()
        painter.setPen(QPen(NOW, 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(now.x(), area.top()), QPointF(now.x(), area.bottom()))
        painter.setBrush(NOW)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(now, 4, 4)
        painter.setPen(NOW)
        label = f"now {now_value:.0%}"
        width = metrics.horizontalAdvance(label) + 4
        clear_of_title = metrics.horizontalAdvance("retention") + 12
        x = max(min(now.x() + 4, area.right() - width), clear_of_title)
        text(QRectF(x, area.top() - line - 2, width, line),
             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)  # fmt: skip
        painter.end()
