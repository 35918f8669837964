"""``stubforge check [DIR] [--max-age 30d [--strict]]``: print every error as file:line:col
and exit 1, or summarise; warn (or, with ``--strict``, fail) on routes recorded too long ago."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path

from stubforge.load.loader import LoadedFile, load_directory
from stubforge.load.staleness import StaleRoute, parse_age, stale_routes


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "stubs",
        nargs="?",
        type=Path,
        default=Path("stubs"),
        help="stubs directory or file (default: ./stubs)",
    )
    p.add_argument("--json", action="store_true", help="print the errors as JSON")
    p.add_argument(
        "--max-age",
        metavar="AGE",
        help="warn about routes recorded longer ago than AGE (e.g. 30d; units s m h d w)",
    )
    p.add_argument(
        "--strict", action="store_true", help="with --max-age: stale routes fail the check"
    )


def _stale(args: argparse.Namespace, files: list[LoadedFile]) -> list[StaleRoute] | None:
    if args.max_age is None:
        return []
    try:
        max_age = parse_age(args.max_age)
    except ValueError as exc:
        print(f"stubforge check: --max-age: {exc}", file=sys.stderr)
        return None
    return stale_routes(files, max_age, dt.datetime.now(dt.UTC))


def run(args: argparse.Namespace) -> int:
    result = load_directory(args.stubs)
    stale = _stale(args, result.files)
    if stale is None:
        return 2
    failing = bool(stale) and args.strict
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok and not failing,
                    "files": len(result.files),
                    "routes": result.route_count,
                    "overrides": [asdict(o) for o in result.overrides],
                    "errors": [e.to_dict() for e in result.errors],
                    "stale": [
                        {
                            "file": s.file,
                            "line": s.line,
                            "col": s.col,
                            "route": s.route_id,
                            "recorded_to": f"{s.newest:%Y-%m-%dT%H:%M:%SZ}",
                            "age_seconds": int(s.age.total_seconds()),
                        }
                        for s in stale
                    ],
                },
                indent=2,
            )
        )
        return 0 if result.ok and not failing else 1
    if not result.ok:
        for err in result.errors:
            print(err)
        print(f"{len(result.errors)} error(s)", file=sys.stderr)
        return 1
    if not result.files:
        print(f"{args.stubs}: no stub files (*.yaml, *.yml) found")
        return 1
    for s in stale:
        print(f"{'error' if args.strict else 'warning'}: {s}")
    if stale:
        print(
            f"{len(stale)} route(s) recorded more than {args.max_age} ago"
            + (" (--strict)" if args.strict else ""),
            file=sys.stderr,
        )
    if failing:
        return 1
    print(f"ok: {result.route_count} route(s) in {len(result.files)} file(s) under {args.stubs}")
    for override in result.overrides:
        print(f"  override {override}")
    return 0
