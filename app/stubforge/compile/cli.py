"""``stubforge compile RECORDINGS -o STUBS``: recordings → stubs, with a report.

Exit codes: 0 compiled; 1 nothing to compile or a compiled file was edited by hand;
2 bad arguments, unreadable recordings or hints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stubforge.compile.hints import HINTS_FILE, HintsError, load_hints


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``compile`` to the ``stubforge`` parser."""
    p = sub.add_parser(
        "compile",
        help="compile recordings into stubs (templates, variants, latency, errors, limits)",
        description="Compile recorded exchanges into editable stub files. Compiled files "
        "(*.compiled.yaml) are rewritten on every run; hand edits go in *.overrides.yaml.",
    )
    p.add_argument("recordings", type=Path, help="recordings directory (or one .jsonl file)")
    p.add_argument(
        "-o", "--out", type=Path, required=True, metavar="DIR", help="stubs directory to write"
    )
    p.add_argument(
        "--hints",
        type=Path,
        metavar="FILE",
        help=f"hints file (default: RECORDINGS/{HINTS_FILE} if present)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite compiled files even if they were edited by hand",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="merge into the compiled stubs already in --out: routes these recordings do "
        "not cover are kept, and what was added, updated or kept is reported",
    )
    p.add_argument(
        "--spec",
        type=Path,
        metavar="SPEC",
        help="an OpenAPI/Swagger spec: operations never recorded and documented errors are "
        "added in <service>.spec.compiled.yaml (docs/openapi.md)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the report")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--no-fidelity",
        action="store_true",
        help="skip the projected fidelity (the offline replay of the recordings against the "
        "stubs, and the held-out replay, which compiles a second time)",
    )
    p.set_defaults(handler=run)


Projector = Callable[[argparse.Namespace, Any, Any, dict[str, str]], Any]
projector: Projector | None = None
"""Computes the projected fidelity of a compile (set by :mod:`stubforge.evaluate.cli`,
which replays through the server's pipeline; compile itself stays free of serving)."""


def run(args: argparse.Namespace) -> int:
    from stubforge.compile.merge import (
        HandEditedError,
        UnsafePathError,
        hand_route_ids,
        write_output,
    )
    from stubforge.compile.pipeline import compile_directory
    from stubforge.model.recording import RecordingFormatError

    hints_path = args.hints or (
        args.recordings / HINTS_FILE
        if args.recordings.is_dir()
        else args.recordings.parent / HINTS_FILE
    )
    if args.hints is not None and not args.hints.is_file():
        print(f"stubforge compile: hints file {args.hints} does not exist", file=sys.stderr)
        return 2
    try:
        hints = load_hints(hints_path)
        hand, problems = hand_route_ids(args.out)
        output = compile_directory(args.recordings, hints, hand, progress=True)
    except (HintsError, RecordingFormatError, FileNotFoundError) as exc:
        print(f"stubforge compile: {exc}", file=sys.stderr)
        return 2
    output.report.dropped.extend(problems)
    if output.report.exchanges == 0:
        print(f"stubforge compile: no exchanges in {args.recordings}", file=sys.stderr)
        return 1
    if getattr(args, "spec", None) is not None:
        from stubforge.openapi.cli import enrich_output

        problem = enrich_output(args.spec, output)
        if problem is not None:
            print(f"stubforge compile --spec: {problem}", file=sys.stderr)
            return 2
    changes = None
    if args.update:
        import yaml

        from stubforge.compile.update import merge_existing

        try:
            changes = merge_existing(args.out, output, hand)
        except (OSError, yaml.YAMLError) as exc:
            print(f"stubforge compile --update: cannot read {args.out}: {exc}", file=sys.stderr)
            return 2
    try:
        output.report.written = write_output(args.out, output, force=args.force)
    except (HandEditedError, UnsafePathError) as exc:
        print(f"stubforge compile: {exc}", file=sys.stderr)
        return 1
    if not args.no_fidelity and projector is not None:
        output.report.fidelity = projector(args, output, hints, hand)
    if args.json:
        import json

        from stubforge.compile.report import as_json

        sys.stdout.write(json.dumps(as_json(output.report), indent=2) + "\n")
    elif not args.quiet:
        sys.stdout.write(output.report.text())
    if changes is not None:
        from stubforge.compile.update import changes_text

        sys.stdout.write(changes_text(changes))
    return 0
