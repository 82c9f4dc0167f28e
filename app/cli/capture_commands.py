"""`reverie capture`: screen capture without the desktop app, under the same privacy policy."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from app.cli.output import emit_fields, emit_json
from app.core.errors import EnvironmentProblem
from app.runtime import Reverie


def cmd_capture(args: argparse.Namespace, reverie: Reverie) -> int:
    if args.status:
        return _status(args, reverie)
    overrides: dict[str, Any] = {}
    if args.interval is not None:
        overrides["interval_s"] = args.interval
    if args.idle_after is not None:
        overrides["idle_after_s"] = args.idle_after
    passphrase = os.environ.get(args.passphrase_env) if args.passphrase_env else None
    if args.passphrase_env and not passphrase:
        raise EnvironmentProblem(f"the environment variable {args.passphrase_env} is not set")
    if args.forget_minutes is not None:
        from app.services.capture import forget_recent  # Pillow and numpy: only when needed

        forgotten = forget_recent(reverie, args.forget_minutes)
        result = {
            "frames": forgotten.frames,
            "evidence": forgotten.evidence,
            "memories": forgotten.memories,
            "thumbnails": len(forgotten.thumbnails),
        }
        if args.json:
            emit_json(result)
        else:
            print(f"Forgot the last {args.forget_minutes:g} minutes: {result['frames']} screens, "
                  f"{result['memories']} memories.")  # fmt: skip
        return 0
    agent = reverie.capture_agent(passphrase, **overrides)
    try:
        return _run(args, agent)
    finally:
        agent.close()


def _run(args: argparse.Namespace, agent: Any) -> int:
    for note in agent.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.once:
        outcome = agent.capture_once(force=True)
        agent.finish()
        if args.json:
            emit_json(outcome.to_dict())
        else:
            kept = len(outcome.kept)
            print(
                f"Kept {kept} screen{'s' if kept != 1 else ''}"
                + (f"; skipped: {', '.join(outcome.skipped)}" if outcome.skipped else "")
                + (f"; {outcome.redactions} secrets hidden" if outcome.redactions else "")
            )
        return 0
    outcomes: list[dict[str, Any]] = []

    def report(outcome: Any) -> None:
        outcomes.append(outcome.to_dict())
        if not args.json and outcome.kept:
            print(f"{outcome.at:%H:%M:%S} kept {len(outcome.kept)} screen(s)", flush=True)

    try:
        agent.run(args.duration, on_outcome=report)
    except KeyboardInterrupt:
        agent.finish()
    figures = agent.figures()
    if args.json:
        emit_json({"cycles": len(outcomes), "kept": sum(len(o["kept_frames"]) for o in outcomes),
                   **figures})  # fmt: skip
    else:
        print(
            f"{len(outcomes)} cycles, {sum(len(o['kept_frames']) for o in outcomes)} screens kept"
        )
    return 0


def _status(args: argparse.Namespace, reverie: Reverie) -> int:
    from app.services.doctor import check_capture
    from app.storage.capture_store import CaptureStore

    store = CaptureStore(reverie.store)
    check = check_capture()
    status = {
        "capture": f"{check.status}: {check.detail}",
        "enabled_in_settings": reverie.settings.capture_enabled,
        "thumbnail_bytes": store.thumbnail_bytes(),
    }
    emit_fields(status, args.json)
    return 0
