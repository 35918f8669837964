"""``stubforge schema``: print (or write, or install next to a stubs directory) the JSON
Schema of stub files."""

from __future__ import annotations

import argparse
from pathlib import Path

from stubforge.model.schema import SCHEMA_FILE, schema_text, shipped_schema_text

SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
"""The first line of a stub file in a directory where the schema is installed (the path is
relative to the stub file: ``../stubs.schema.json`` one directory deeper)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.add_argument(
        "--install",
        type=Path,
        metavar="DIR",
        help=f"write {SCHEMA_FILE} into the stubs directory DIR, for the editor line "
        f"'{SCHEMA_LINE}'",
    )


def install(directory: Path) -> Path:
    """Write the shipped schema into ``directory``; returns the file written."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / SCHEMA_FILE
    target.write_text(shipped_schema_text(), encoding="utf-8")
    return target


def run(args: argparse.Namespace) -> int:
    if args.install is not None:
        target = install(args.install)
        print(f"wrote {target}; start each stub file with: {SCHEMA_LINE}")
        return 0
    text = schema_text()
    if args.output:
        args.output.write_text(text)
    else:
        print(text, end="")
    return 0
