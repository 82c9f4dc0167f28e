"""A vault import's outcome (or a dry run's forecast), as the CLI and the vault dialog show it."""

from __future__ import annotations

from typing import Any


def describe_import(report: dict[str, Any]) -> str:
    """The import's outcome (or a dry run's forecast) as a few lines for people."""
    would = report["dry_run"]
    lines = [
        ("Dry run, nothing changed. " if would else "")
        + ("Replacing the store with " if report["mode"] == "replace" else "Merging ")
        + f"{report['path']} (written {report['vault'].get('created_at') or '?'} by Reverie "
        f"{report['vault'].get('app') or '?'}):"
    ]
    for kind, counts in report["counts"].items():
        if any(counts.values()):
            lines.append(
                f"  {kind:<13} {counts['added']:>7} {'to add' if would else 'added'}, "
                f"{counts['updated']:>6} {'to update' if would else 'updated'}, "
                f"{counts['conflicting']:>4} conflicting, {counts['unchanged']:>7} unchanged"
            )
    for conflict in report["conflicts"][:20]:
        lines.append(f"  conflict: {conflict['text']!r}: kept {conflict['kept']}")
    if len(report["conflicts"]) > 20:
        lines.append(f"  ... and {len(report['conflicts']) - 20} more conflicts (see --json)")
    if report.get("replaced"):
        kept = f"; kept in {report['snapshot']} (`reverie vault restore-snapshot` brings them back)"
        lines.append(f"  the store's current {report['replaced']['memories']} memories are "
                     "replaced" + ("" if would else kept))  # fmt: skip
    for note in dict.fromkeys(report["notes"]):
        lines.append(f"  note: {note}")
    if not would:
        reused = report.get("reused_vectors") or 0
        lines.append(f"  vector index updated for {report['indexed']} memories"
                     + (f" ({reused} from the vault's vectors)" if reused else ""))  # fmt: skip
    return "\n".join(lines)
