"""Has the screen changed enough to keep a new frame? A difference hash (64 bits from a 9x8
grey thumbnail: robust to noise, cheap) plus the mean absolute difference of a 64x36 grey
thumbnail (catches a changed line of text the hash can miss). Thresholds were chosen on real
screenshots (tests/capture/test_capture_x11.py, test_change_thresholds_on_real_screenshots): a
new line of text measured 0.49, a changed character 0.004, a cursor-sized mark 0.01."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

HASH_BITS_CHANGED = 4  # of 64: more than this and the layout changed
MEAN_DIFF_CHANGED = 0.1  # grey levels (0-255) on the 64x36 thumbnail


@dataclass(frozen=True)
class Fingerprint:
    dhash: int
    thumb: np.ndarray  # 36x64 uint8

    def hex(self) -> str:
        return f"{self.dhash:016x}"


def fingerprint(image: Image.Image) -> Fingerprint:
    grey = image.convert("L")
    small = np.asarray(grey.resize((9, 8), Image.Resampling.BILINEAR), dtype=np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    value = int("".join("1" if b else "0" for b in bits), 2)
    thumb = np.asarray(grey.resize((64, 36), Image.Resampling.BILINEAR), dtype=np.uint8)
    return Fingerprint(value, thumb)


def hash_distance(a: Fingerprint, b: Fingerprint) -> int:
    return (a.dhash ^ b.dhash).bit_count()


def mean_difference(a: Fingerprint, b: Fingerprint) -> float:
    return float(np.abs(a.thumb.astype(np.int16) - b.thumb.astype(np.int16)).mean())


def changed(previous: Fingerprint | None, current: Fingerprint) -> bool:
    if previous is None:
        return True
    return (
        hash_distance(previous, current) > HASH_BITS_CHANGED
        or mean_difference(previous, current) > MEAN_DIFF_CHANGED
    )
