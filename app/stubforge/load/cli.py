"""``stubforge check [DIR]``: print every error as file:line:col and exit 1, or summarise."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stubforge.load.loader import load_directory


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "stubs",
        nargs="?",
        type=Path,
        default=Path("stubs"),
        help="stubs directory or file (default: ./stubs)",
    )
    p.add_argument("--json", action="store_true", help="print the errors as JSON")


def run(args: argparse.Namespace) -> int:
    result = load_directory(args.stubs)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "files": len(result.files),
                    "routes": result.route_count,
                    "errors": [e.to_dict() for e in result.errors],
                },
                indent=2,
            )
        )
        return 0 if result.ok else 1
    if not result.ok:
        for err in result.errors:
            print(err)
        print(f"{len(result.errors)} error(s)", file=sys.stderr)
        return 1
    if not result.files:
        print(f"{args.stubs}: no stub files (*.yaml, *.yml) found")
        return 1
    print(f"ok: {result.route_count} route(s) in {len(result.files)} file(s) under {args.stubs}")
    return 0
