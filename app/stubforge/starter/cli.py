"""``stubforge init [DIR]``: write a starter stubs directory (refuses to overwrite)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stubforge.model.schema_cli import install
from stubforge.starter.files import FILES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "init", help="write a starter stubs directory (schema, example routes, README)"
    )
    p.add_argument(
        "dir", nargs="?", type=Path, default=Path("stubs"), help="directory (default ./stubs)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    directory: Path = args.dir
    taken = [name for name in FILES if (directory / name).exists()]
    if taken:
        print(
            f"stubforge init: {directory} already has {', '.join(taken)}; nothing written",
            file=sys.stderr,
        )
        return 2
    for name, text in FILES.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    install(directory)
    print(f"wrote {directory}/: {', '.join(FILES)}, stubs.schema.json")
    print(f"next: stubforge serve {directory}   then: curl localhost:8080/ping")
    return 0
