"""``stubforge compile RECORDINGS --spec SPEC``: what the spec knows and recordings cannot.

The compiled files are left as the compiler wrote them; the spec adds one more file,
``<service>.spec.compiled.yaml``, holding:

- **operations never recorded**, served from the spec (examples or generated data, the
  401 without credentials), each route's description saying ``from the spec, never
  recorded``; priority -1, so a recorded route always wins;
- **documented errors not recorded**: for a recorded operation, a route answering
  ``Prefer: code=NNN`` with each documented status the recordings never showed; it matches
  only requests carrying that header, so recorded behaviour is untouched;
- the typed path (``{id:int}``, ``{id:uuid}``) of the spec for both.

The report lists, per recorded route, what the spec adds (path parameter types, enums,
required body fields) so that the compiled stubs can be tightened by hand or hints.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from stubforge.openapi import security
from stubforge.openapi.bodies import BodyMaker
from stubforge.openapi.generate import Generator
from stubforge.openapi.importer import _Dumper, service_name
from stubforge.openapi.operations import Operation
from stubforge.openapi.paths import OperationIndex
from stubforge.openapi.report import ImportReport
from stubforge.openapi.routes import plain_path, prefer, route_id, routes, typed_path
from stubforge.openapi.schemas import SchemaChecker
from stubforge.openapi.spec import Spec

NEVER_RECORDED = "from the spec, never recorded"


@dataclass
class Enrichment:
    file_name: str
    text: str
    added_operations: int = 0
    added_errors: int = 0
    facts: list[str] = field(default_factory=list)
    """What the spec says about recorded routes (``GET /v1/items/{id}: id is integer``)."""

    def summary(self) -> str:
        return (
            f"spec: {self.added_operations} operation(s) never recorded served from the spec, "
            f"{self.added_errors} documented error status(es) added (Prefer: code=NNN) "
            f"-> {self.file_name}"
        )


def recorded_routes(files: dict[str, str]) -> list[tuple[str, str]]:
    """``(method, path)`` of every route in compiled YAML texts."""
    out = []
    for text in files.values():
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        for route in (doc or {}).get("routes") or []:
            request = route.get("request") or {}
            methods = request.get("method") or "ANY"
            for method in [methods] if isinstance(methods, str) else methods:
                if isinstance(request.get("path"), str):
                    out.append((str(method), request["path"]))
    return out


def enrich(spec: Spec, files: dict[str, str], seed: int = 0) -> Enrichment:
    index = OperationIndex(spec)
    report = ImportReport(spec=str(spec.path), version=spec.version)
    bodies = BodyMaker(Generator(spec, seed), SchemaChecker(spec), report)
    skipped: list[tuple[str, str]] = []
    known = security.schemes(spec, skipped)
    recorded: dict[str, Operation] = {}
    for method, path in recorded_routes(files):
        op = index.for_template(method, path)
        if op is not None:
            recorded.setdefault(op.node.pointer, op)
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    result = Enrichment(f"{service_name(spec)}.spec.compiled.yaml", "")
    seen: set[tuple[str, str]] = set()
    for op in index.operations:
        key = (op.method, plain_path(op.path))
        if key in seen:
            continue
        seen.add(key)
        if op.node.pointer in recorded:
            error_route = _documented_errors(spec, op, index.prefix, bodies, report, taken)
            if error_route is not None:
                out.append(error_route)
                result.added_errors += len(error_route["responses"])
            result.facts += _facts(spec, op)
            continue
        ways_in = security.alternatives(op.security, known)
        made = routes(spec, op, index.prefix, ways_in, bodies, report, taken)
        for route in made:
            route["description"] = f"{route['description']} ({NEVER_RECORDED})"
            route["priority"] = route.get("priority", 0) - 2
        out.extend(made)
        result.added_operations += 1
    document = {
        "version": 1,
        "service": service_name(spec),
        "description": f"What {spec.path.name} describes and the recordings did not show",
        "routes": out,
    }
    result.text = (
        f"# Added from {spec.path.name} by `stubforge compile --spec`: operations never\n"
        "# recorded and documented errors (Prefer: code=NNN) the recordings did not show.\n"
        + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    )
    return result


def _documented_errors(
    spec: Spec,
    op: Operation,
    prefix: str,
    bodies: BodyMaker,
    report: ImportReport,
    taken: set[str],
) -> dict[str, Any] | None:
    """A route matching only ``Prefer: code=NNN`` for the operation's documented errors."""
    base = op.operation_id or f"{op.method.lower()}{op.path}"
    rid = route_id(replace(op, operation_id=f"{base}.spec-errors"), taken)
    variants = []
    codes = []
    for r in op.responses:
        if r.status.isdigit() and int(r.status) >= 400:
            code = int(r.status)
            codes.append(str(code))
            variants.append(
                {"when": prefer(f"code={code}"), **bodies.response(r, code, f"{rid}:{code}")}
            )
    if not variants:
        return None
    del variants[-1]["when"]  # the route matched one of the codes: the last is the default
    return {
        "id": rid,
        "description": f"openapi: #{op.node.pointer} documented errors (Prefer: code=NNN)",
        "priority": 10,
        "request": {
            "method": op.method,
            "path": typed_path(spec, op, prefix, report),
            "headers": {"prefer": {"regex": rf"(^|[,;\s])code=({'|'.join(codes)})($|[,;\s])"}},
        },
        **({"responses": variants} if len(variants) > 1 else {"response": variants[0]}),
    }


def _facts(spec: Spec, op: Operation) -> list[str]:
    out = []
    where = f"{op.method} {op.path}"
    for p in op.parameters:
        if p.schema is None:
            continue
        try:
            schema = spec.resolve(p.schema).value
        except Exception:
            continue
        if not isinstance(schema, dict):
            continue
        bits = []
        if schema.get("type"):
            bits.append(
                str(schema["type"]) + (f" ({schema['format']})" if schema.get("format") else "")
            )
        if schema.get("enum"):
            bits.append(f"one of {schema['enum']}")
        if p.required and p.location != "path":
            bits.append("required")
        if bits:
            out.append(f"{where}: {p.location} {p.name}: {', '.join(bits)}")
    if op.body is not None:
        for media in op.body.media[:1]:
            if media.schema is None:
                continue
            try:
                schema = spec.resolve(media.schema).value
            except Exception:
                continue
            required = schema.get("required") if isinstance(schema, dict) else None
            if required:
                out.append(f"{where}: body requires {', '.join(map(str, required))}")
    return out
