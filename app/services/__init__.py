"""Use cases: ingest, recall, decay, index upkeep, diagnostics. They receive their adapters."""
