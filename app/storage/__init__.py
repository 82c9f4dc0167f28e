"""SQLite (the source of truth, with FTS5 and history) and Chroma (a derived vector index)."""
