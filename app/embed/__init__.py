"""Sentence embeddings for Chroma and for similarity checks: MiniLM as int8 ONNX, offline."""
