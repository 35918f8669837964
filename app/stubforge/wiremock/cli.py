"""``stubforge import wiremock DIR_OR_FILE [-o DIR]``: convert WireMock mappings.

Prints ``N mapping(s): F converted fully, P partly, X not converted`` and one line per
part that was not converted (``file#/json/pointer: why``); ``--report FILE`` writes the
same as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from stubforge.wiremock.convert import convert
from stubforge.wiremock.emit import ImportResult, targets, write
from stubforge.wiremock.issues import Issue
from stubforge.wiremock.source import Mapping, read_mappings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from stubforge.subcommands import format_commands

    imports = format_commands(sub, "import", "import recordings or a spec from another format")
    p = imports.add_parser(
        "wiremock",
        help="WireMock JSON mappings (mappings/ + __files/, or an admin export) as stub files",
    )
    p.add_argument("source", type=Path, metavar="DIR_OR_FILE")
    p.add_argument(
        "-o", "--out", type=Path, default=Path("stubs"), metavar="DIR", help="default ./stubs"
    )
    p.add_argument("--report", type=Path, metavar="FILE.json", help="write the report as JSON")
    p.add_argument("--force", action="store_true", help="overwrite stub files that exist")
    p.set_defaults(handler=run)


class Exists(Exception):
    """Stub files the import would overwrite."""


def import_wiremock(source: Path, out: Path, force: bool = False) -> ImportResult:
    result = ImportResult()
    for item in read_mappings(source):
        if isinstance(item, Mapping):
            result.converted.append(convert(item))
        else:
            result.unreadable.append(Issue(item.file, "", item.message))
    existing = [t for t in targets(result, out) if t.exists()]
    if existing and not force:
        raise Exists(", ".join(str(t) for t in existing))
    write(result, out)
    return result


def summary(result: ImportResult) -> str:
    counts = result.counts()
    total = sum(counts.values())
    return (
        f"{total} mapping(s): {counts['full']} converted fully, {counts['partial']} partly, "
        f"{counts['none']} not converted"
    )


def run(args: argparse.Namespace) -> int:
    if not args.source.exists():
        print(f"stubforge import: no such file or directory: {args.source}", file=sys.stderr)
        return 2
    try:
        result = import_wiremock(args.source, args.out, args.force)
    except Exists as exc:
        print(f"stubforge import: would overwrite {exc}; pass --force", file=sys.stderr)
        return 2
    for issue in result.issues():
        print(issue)
    print(summary(result))
    print(f"wrote {len(result.written)} stub file(s) under {args.out}")
    if args.report is not None:
        report = {
            "counts": dict(result.counts()),
            "mappings": [
                {"file": c.file, "pointer": c.pointer, "outcome": c.outcome}
                for c in result.converted
            ],
            "issues": [asdict(i) for i in result.issues()],
        }
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if result.converted else 1
