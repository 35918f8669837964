"""``stubforge compile --update``: merge what new recordings teach into the stubs already
in the output directory, and say what changed.

The usual case: stubs compiled last week, then ``stubforge serve --on-miss record``
captured the requests they did not cover. ``compile --update recordings/ -o stubs/``
then, per service:

* **added** -- routes the new recordings have and the compiled file had not;
* **updated** / **unchanged** -- routes both have: re-compiled from the new recordings,
  reported as updated only when the route itself changed;
* **kept** -- routes of the compiled file the new recordings do not cover: carried over
  as they were, with their body files;
* **by hand** -- routes a hand file (``*.overrides.yaml`` or any other) defines: never
  compiled, never touched, as in a plain compile.

Hand files are never written. A compiled file edited by hand is refused as in a plain
compile (unless ``--force``). Only the file's routes are merged; ``defaults`` and
``resources`` come from the new compile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stubforge.compile.compiler import COMPILED_SUFFIX, CompileOutput
from stubforge.compile.yamltext import Commented, dump

_VOLATILE_KEYS = ("recorded",)
"""Route keys that change with every compile (the recording window)."""


@dataclass
class ServiceChanges:
    service: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    hand: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.service}:"]
        for label, ids in (
            ("added", self.added),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("kept (not in these recordings)", self.kept),
            ("defined by hand (left alone)", self.hand),
        ):
            if ids:
                out.append(f"  {label}: {len(ids)}: {', '.join(ids)}")
        return out


def _routes(doc: Any) -> list[dict[str, Any]]:
    routes = doc.get("routes") if isinstance(doc, dict) else None
    return [r for r in routes or [] if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _stable(route: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in route.items() if k not in _VOLATILE_KEYS}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _stable(a) == _stable(b)


def _body_files(node: Any) -> list[str]:
    """Every ``body_file`` a route refers to."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "body_file" and isinstance(v, str)]
        for value in node.values():
            found += _body_files(value)
        return found
    if isinstance(node, list):
        return [f for item in node for f in _body_files(item)]
    return []


def insert_routes(text: str, routes: list[dict[str, Any]]) -> str:
    """``text`` (a compiled file) with ``routes`` appended to its ``routes:`` list, its
    comments and layout otherwise untouched."""
    note = ["kept by 'compile --update': not in the recordings of that update"]
    kept = [Commented(r, note) for r in routes]  # commented items are written in blocks
    block = dump({"routes": kept}).splitlines()[1:]  # the items, without "routes:"
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("routes:"))
    except StopIteration:
        return text.rstrip("\n") + "\n" + dump({"routes": kept})
    if lines[start].strip() == "routes: []":
        lines[start] = "routes:"
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " #-"):
        end += 1
    return "\n".join([*lines[:end], *block, *lines[end:]]) + "\n"


def merge_existing(
    out_dir: Path, output: CompileOutput, hand: dict[str, str]
) -> list[ServiceChanges]:
    """Fold the compiled files already in ``out_dir`` into ``output`` (before it is
    written) and return what changed, per service."""
    changes: list[ServiceChanges] = []
    for name in sorted(output.files):
        service = name[: -len(COMPILED_SUFFIX)]
        report = ServiceChanges(service)
        changes.append(report)
        text = output.files[name]
        new = {r["id"]: r for r in _routes(yaml.safe_load(text))}
        path = out_dir / name
        old: dict[str, dict[str, Any]] = {}
        if path.is_file():
            old = {r["id"]: r for r in _routes(yaml.safe_load(path.read_text(encoding="utf-8")))}
        for rid, route in new.items():
            if rid not in old:
                report.added.append(rid)
            elif _same(old[rid], route):
                report.unchanged.append(rid)
            else:
                report.updated.append(rid)
        keep = [r for rid, r in old.items() if rid not in new and rid not in hand]
        report.kept = [r["id"] for r in keep]
        report.hand = sorted(r.id for r in output.report.routes if r.service == service and r.hand)
        if keep:
            output.files[name] = insert_routes(text, keep)
            for rel in _body_files(keep):
                source = out_dir / rel
                if source.is_file() and rel not in output.body_files:
                    output.body_files[rel] = source.read_bytes()
    return changes


def changes_text(changes: list[ServiceChanges]) -> str:
    lines = ["stubforge compile --update: what changed"]
    for c in changes:
        lines += c.lines()
    return "\n".join(lines) + "\n"
