"""Grabbing monitors with mss, and painting excluded windows black before anything else sees
the pixels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from app.core.capture_policy import Rect
from app.core.errors import EnvironmentProblem


@dataclass(frozen=True)
class Monitor:
    index: int
    rect: Rect


class ScreenGrabber:
    def __init__(self) -> None:
        import mss

        try:
            self._mss: Any = mss.MSS()
        except Exception as failure:  # mss raises ScreenShotError on X errors
            raise EnvironmentProblem(f"cannot read the screen: {failure}") from None

    def monitors(self) -> list[Monitor]:
        found = self._mss.monitors[1:]  # [0] is all monitors together
        return [Monitor(n, Rect(m["left"], m["top"], m["width"], m["height"]))
                for n, m in enumerate(found, start=1)]  # fmt: skip

    def grab(self, monitor: Monitor, blackout: tuple[Rect, ...]) -> Image.Image:
        """The monitor's pixels with every `blackout` rectangle (screen coordinates) painted
        black: excluded windows never exist in memory as pixels past this function."""
        rect = monitor.rect
        shot = self._mss.grab({"left": rect.x, "top": rect.y,
                               "width": rect.width, "height": rect.height})  # fmt: skip
        image = Image.frombytes("RGB", shot.size, shot.rgb)
        del shot
        paint_black(image, [r.moved(-rect.x, -rect.y) for r in blackout])
        return image

    def close(self) -> None:
        self._mss.close()


def paint_black(image: Image.Image, rects: list[Rect]) -> None:
    if not rects:
        return
    draw = ImageDraw.Draw(image)
    for r in rects:
        draw.rectangle((r.x, r.y, r.x + r.width - 1, r.y + r.height - 1), fill=(0, 0, 0))
