"""The encrypted vault file: a versioned header, Argon2id key derivation, 64 KiB AEAD chunks
(age's STREAM construction) around zstd-compressed JSON lines. Knows nothing of the store."""
