"""``stubforge import openapi``: a spec in, one stub file and a report out.

Pure apart from reading the spec: :func:`import_spec` returns the stub document (plain
data the loader validates like any hand-written file) and the report; the CLI writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stubforge.openapi import security
from stubforge.openapi.bodies import BodyMaker
from stubforge.openapi.generate import Generator
from stubforge.openapi.operations import base_path, operations
from stubforge.openapi.report import ImportReport
from stubforge.openapi.routes import plain_path, routes
from stubforge.openapi.schemas import SchemaChecker
from stubforge.openapi.spec import Spec, SpecError, spec_problems


@dataclass
class Imported:
    service: str
    document: dict[str, Any]
    report: ImportReport
    groups: list[str] = field(default_factory=list)
    """The first tag of each route's operation, in route order (how large imports split)."""

    def files(self, source: str) -> dict[str, str]:
        """File name (relative to the stubs directory) → YAML text. Up to ``SPLIT_AT``
        routes: one ``<service>.yaml``; more: ``<service>/<tag>.yaml`` files of at most
        ``SPLIT_AT`` routes each, which also keeps the server's peak memory while loading
        lower (files are parsed one at a time)."""
        routes = self.document["routes"]
        if len(routes) <= SPLIT_AT:
            return {f"{self.service}.yaml": self.yaml_text(source)}
        by_tag: dict[str, list[dict[str, Any]]] = {}
        for route, tag in zip(routes, self.groups, strict=True):
            by_tag.setdefault(tag, []).append(route)
        out = {}
        for tag, members in by_tag.items():
            chunks = [members[i : i + SPLIT_AT] for i in range(0, len(members), SPLIT_AT)]
            for n, chunk in enumerate(chunks, 1):
                name = tag if len(chunks) == 1 else f"{tag}-{n}"
                document = {**self.document, "routes": chunk}
                out[f"{self.service}/{name}.yaml"] = self.yaml_text(source, document)
        return out

    def yaml_text(self, source: str, document: dict[str, Any] | None = None) -> str:
        header = (
            f"# Imported from {source} by `stubforge import openapi`.\n"
            "# Each route's description names the operation it serves (openapi: #/paths/...).\n"
        )
        body = yaml.dump(
            self.document if document is None else document,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=False,
        )
        return header + body


SPLIT_AT = 100
"""Routes per file in a large import."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "default"


class _Dumper(yaml.SafeDumper):
    """Safe dumper that never writes anchors (each route reads on its own)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def service_name(spec: Spec) -> str:
    title = str((spec.document.get("info") or {}).get("title") or spec.path.stem)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "api"


def import_spec(spec: Spec, seed: int = 0, validate_spec: bool = False) -> Imported:
    report = ImportReport(spec=str(spec.path), version=spec.version)
    if validate_spec:
        for pointer, message in spec_problems(spec):
            report.note(pointer, message, "spec")
    skipped: list[tuple[str, str]] = []
    known = security.schemes(spec, skipped)
    checker = SchemaChecker(spec)
    bodies = BodyMaker(Generator(spec, seed), checker, report)
    prefix, upstream = base_path(spec)
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    groups: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for op in operations(spec):
        report.operations += 1
        first = seen.setdefault((op.method, plain_path(op.path)), op.node.pointer)
        if first != op.node.pointer:
            report.note(op.node.pointer, f"same method and path as #{first}: not served")
            continue
        try:
            made = routes(
                spec, op, prefix, security.alternatives(op.security, known), bodies, report, taken
            )
        except SpecError as exc:
            report.note(op.node.pointer, f"operation not imported: {exc}")
            continue
        for pointer, message in op.skipped:
            report.note(pointer, message)
        for r in op.responses:
            if isinstance(r.node.value, dict) and r.node.value.get("links"):
                report.note(r.node.pointer + "/links", "links are not followed (documentation)")
        out.extend(made)
        tags = op.node.value.get("tags") if isinstance(op.node.value, dict) else None
        tag = _slug(str(tags[0])) if isinstance(tags, list) and tags else "default"
        groups += [tag] * len(made)
        report.routes += len(made)
        report.variants += sum(len(r.get("responses") or [1]) for r in made)
    for pointer, message in skipped:
        report.note(pointer, message)
    for name in spec.document.get("webhooks") or {}:
        report.note(f"/webhooks/{name}", "webhooks are not sent (the mock never calls out)")
    document: dict[str, Any] = {"version": 1, "service": service_name(spec)}
    info = spec.document.get("info") or {}
    if info.get("title"):
        document["description"] = f"{info['title']} {info.get('version', '')}".strip()
    if upstream:
        document["upstream"] = upstream
    document["routes"] = out
    return Imported(document["service"], document, report, groups)


def import_file(path: Path, seed: int = 0, validate_spec: bool = False) -> Imported:
    return import_spec(Spec.load(path), seed, validate_spec)
