"""``stubforge import openapi``, ``stubforge export openapi`` and ``check --spec``.

Importing this module imports no OpenAPI library: each handler loads what it needs, and a
missing extra is one line telling what to install. Every user error is one line on stderr
and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_EXTRA = "the OpenAPI commands need the openapi extra: pip install 'stubforge[openapi]'"


def _fail(cmd: str, message: str) -> int:
    print(f"stubforge {cmd}: {message}", file=sys.stderr)
    return 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from stubforge.subcommands import format_commands

    imports = format_commands(sub, "import", "import recordings or a spec from another format")
    p = imports.add_parser(
        "openapi",
        help="stubs from an OpenAPI 3.0/3.1 or Swagger 2.0 spec",
        description="One route per operation: the spec's examples (named examples selectable "
        "with 'Prefer: example=NAME', other statuses with 'Prefer: code=404'), else data "
        "generated from the schemas; secured operations answer 401 without credentials.",
    )
    p.add_argument("spec", type=Path, metavar="SPEC", help="YAML or JSON file")
    p.add_argument(
        "-o", "--out", type=Path, default=Path("stubs"), metavar="STUBS_DIR", help="default ./stubs"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    p.add_argument(
        "--report", type=Path, metavar="FILE.json", help="also write the import report as JSON"
    )
    p.add_argument(
        "--lint",
        action="store_true",
        help="also check the document against the OpenAPI schemas and report what is wrong "
        "(openapi-spec-validator; a few seconds on a large spec)",
    )
    p.set_defaults(handler=run_import)

    exports = format_commands(sub, "export", "export recordings or stubs to another format")
    p = exports.add_parser("openapi", help="an OpenAPI 3.1 document describing the stubs")
    p.add_argument("dir", type=Path, nargs="?", default=Path("stubs"), metavar="STUBS_DIR")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: standard output")
    p.add_argument("--title", default=None, help="info.title (default: the services' names)")
    p.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace) -> int:
    try:
        from stubforge.openapi.importer import import_file
        from stubforge.openapi.spec import SpecError
    except ModuleNotFoundError:
        return _fail("import", _EXTRA)
    if not args.spec.is_file():
        return _fail("import", f"no such file: {args.spec}")
    try:
        imported = import_file(args.spec, args.seed, args.lint)
    except SpecError as exc:
        return _fail("import", str(exc))
    out: Path = args.out
    try:
        files = imported.files(args.spec.name)
        for name, text in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text, encoding="utf-8")
        target = out / next(iter(files)) if len(files) == 1 else out / imported.service
        if args.report is not None:
            args.report.write_text(json.dumps(imported.report.to_dict(), indent=2) + "\n")
    except OSError as exc:
        return _fail("import", f"cannot write: {exc}")
    report = imported.report
    for note in report.notes:
        print(f"  {note}")
    print(f"stubforge import: {report.summary()} -> {target}", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from stubforge.load.loader import load_directory
    from stubforge.openapi.export import export_document

    result = load_directory(args.dir)
    if not result.ok:
        for err in result.errors:
            print(err, file=sys.stderr)
        return _fail("export", f"{len(result.errors)} error(s) in {args.dir}")
    document = export_document(result, args.title)
    import yaml

    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail("export", f"cannot write {args.output}: {exc}")
    paths = len(document.get("paths") or {})
    print(f"stubforge export: {paths} path(s) -> {args.output}", file=sys.stderr)
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``check --spec``: after the stubs loaded, hold every response to the spec."""
    try:
        from stubforge.openapi.conformance import check_stubs
        from stubforge.openapi.spec import Spec, SpecError
    except ModuleNotFoundError:
        return _fail("check", _EXTRA)
    from stubforge.load.loader import load_directory

    try:
        spec = Spec.load(args.spec)
    except SpecError as exc:
        return _fail("check", str(exc))
    loaded = load_directory(args.stubs)
    if getattr(args, "json", False):
        document = {
            "ok": loaded.ok,
            "files": len(loaded.files),
            "routes": loaded.route_count,
            "errors": [e.to_dict() for e in loaded.errors],
        }
        if loaded.ok:
            found = check_stubs(loaded, spec)
            document["ok"] = found.ok
            document["spec"] = found.to_dict()
        print(json.dumps(document, indent=2))
        return 0 if document["ok"] else 1
    result = check_stubs(loaded, spec)
    for problem in result.problems:
        print(problem)
    for unknown in result.unknown:
        print(unknown)
    print(result.summary(), file=sys.stderr)
    return 0 if result.ok else 1


def enrich_output(spec_path: Path, output: Any) -> str | None:
    """``compile --spec``: add the spec's file to the compiler's output; a problem as text."""
    try:
        from stubforge.openapi.enrich import enrich
        from stubforge.openapi.spec import Spec, SpecError
    except ModuleNotFoundError:
        return _EXTRA
    try:
        enrichment = enrich(Spec.load(spec_path), output.files)
    except SpecError as exc:
        return str(exc)
    output.files[enrichment.file_name] = enrichment.text
    for fact in enrichment.facts:
        print(f"  spec: {fact}", file=sys.stderr)
    print(f"stubforge compile: {enrichment.summary()}", file=sys.stderr)
    return None
