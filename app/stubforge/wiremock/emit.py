"""Converted mappings written as stub files: one stub file per mapping file, body files
under ``bodies/``, the JSON Schema beside them. Each route is validated as the loader
would before it is written; a route the loader would refuse is reported, not written."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from stubforge.model.schema_cli import install
from stubforge.model.stub import StubFile
from stubforge.wiremock.issues import Converted, Issue


@dataclass
class ImportResult:
    converted: list[Converted] = field(default_factory=list)
    unreadable: list[Issue] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter(c.outcome for c in self.converted)
        counts["none"] += len(self.unreadable)
        return counts

    def issues(self) -> list[Issue]:
        return [*self.unreadable, *(i for c in self.converted for i in c.issues)]


def stub_name(source: str) -> str:
    """``mappings/users/get.json`` -> ``users/get.yaml`` (the ``mappings/`` level dropped)."""
    parts = PurePosixPath(source).with_suffix(".yaml").parts
    return "/".join(parts[1:] if len(parts) > 1 and parts[0] == "mappings" else parts)


def targets(result: ImportResult, out: Path) -> list[Path]:
    """The stub files an import would write (to refuse overwriting existing ones)."""
    sources = {c.file for c in result.converted if c.route is not None}
    return [out / stub_name(source) for source in sorted(sources)]


def write(result: ImportResult, out: Path) -> None:
    """Validate and write every converted route; fills ``result.written``."""
    out.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[Converted]] = {}
    for c in result.converted:
        if c.route is not None:
            by_file.setdefault(c.file, []).append(c)
    taken: set[str] = set()
    for source, items in by_file.items():
        target = out / stub_name(source)
        routes = []
        for c in items:
            _write_bodies(c, out)
            assert c.route is not None
            _unique_id(c.route, taken)
            c.route.setdefault("description", f"from {c.file}#{c.pointer}")
            _relocate_body_file(c.route, out, target.parent)
            problem = refusal(c.route, out, target.parent)
            if problem is not None:
                c.issues.append(Issue(c.file, c.pointer, f"not written: {problem}"))
                c.route = None
                continue
            routes.append(c.route)
        if routes:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_document(source, routes, out, target), encoding="utf-8")
            result.written.append(target)
    install(out)


def _write_bodies(c: Converted, out: Path) -> None:
    for rel, data in c.body_files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _unique_id(route: dict[str, Any], taken: set[str]) -> None:
    rid = route.get("id")
    if rid is None:
        return
    n, candidate = 1, rid
    while candidate in taken:
        n += 1
        candidate = f"{rid}-{n}"
    route["id"] = candidate
    taken.add(candidate)


def _relocate_body_file(route: dict[str, Any], root: Path, file_dir: Path) -> None:
    """``bodies/x`` (relative to the output directory) as written in a stub file below it."""
    body = route.get("response") or {}
    if "body_file" in body:
        body["body_file"] = _relative(root / body["body_file"], file_dir)


def refusal(route: dict[str, Any], root: Path, file_dir: Path) -> str | None:
    """Why the loader would refuse ``route`` in a stub file in ``file_dir``, or ``None``."""
    try:
        StubFile.model_validate(
            {"version": 1, "routes": [route]}, context={"root": root, "file_dir": file_dir}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][2:])
        return f"{where}: {first['msg']}"
    return None


def _relative(path: Path, start: Path) -> str:
    import os

    return Path(os.path.relpath(path, start)).as_posix()


def _document(source: str, routes: list[dict[str, Any]], out: Path, target: Path) -> str:
    schema = _relative(out / "stubs.schema.json", target.parent)
    head = (
        f"# yaml-language-server: $schema={schema}\n"
        f"# Imported from the WireMock mappings in {source} by 'stubforge import wiremock'.\n"
    )
    doc = {"version": 1, "service": PurePosixPath(source).stem, "routes": routes}
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
