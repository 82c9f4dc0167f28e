"""Screen capture adapters: the window list (X11), pixels (mss), change detection, OCR, and
encrypted thumbnails. Nothing here writes to the memory store."""
