"""OCR with tesseract, when it is installed (it is optional: capture still records which app
and window were in use without it)."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from app.core.errors import EnvironmentProblem

if TYPE_CHECKING:
    from PIL import Image


def ocr_problem() -> str:
    if shutil.which("tesseract") is None:
        return ("tesseract is not installed, so screen text is not read (install the "
                "tesseract-ocr package; the setup command does this on Debian/Ubuntu)")  # fmt: skip
    return ""


class TesseractOcr:
    def __init__(self, language: str = "eng") -> None:
        problem = ocr_problem()
        if problem:
            raise EnvironmentProblem(problem)
        import pytesseract

        self._tesseract = pytesseract
        self.language = language
        # One thread: tesseract's OpenMP threads fight over 2 cores and take 3x longer.
        os.environ["OMP_THREAD_LIMIT"] = "1"

    def read(self, image: Image.Image) -> str:
        grey = image.convert("L")
        try:
            text = self._tesseract.image_to_string(grey, lang=self.language, config="--psm 3")
        except self._tesseract.TesseractError as failure:
            raise EnvironmentProblem(f"tesseract failed: {failure}") from None
        lines = [" ".join(line.split()) for line in str(text).splitlines()]
        return "\n".join(line for line in lines if line)
