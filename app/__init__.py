"""Reverie's headless core: memory records, storage, recall and the CLI. Never imports Qt."""

__version__ = "0.1.0"
