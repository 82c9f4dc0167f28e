"""Natural-language parsing adapters (spaCy): entities named in messages."""
