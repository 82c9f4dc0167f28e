"""Small WebP thumbnails of captured screens, encrypted (AES-GCM) before they touch the disk."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from app.capture.keys import decrypt, encrypt

WIDTH = 960
QUALITY = 50


def write_thumbnail(folder: Path, name: str, image: Image.Image, key: bytes) -> tuple[Path, int]:
    small = image.copy()
    small.thumbnail((WIDTH, WIDTH))
    buffer = io.BytesIO()
    small.save(buffer, format="WEBP", quality=QUALITY, method=4)
    blob = encrypt(key, buffer.getvalue(), name.encode())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.webp.enc"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(blob)
    temporary.replace(path)
    return path, len(blob)


def read_thumbnail(path: Path, key: bytes) -> Image.Image:
    name = path.name.removesuffix(".webp.enc")
    return Image.open(io.BytesIO(decrypt(key, path.read_bytes(), name.encode())))
