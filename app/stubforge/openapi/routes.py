"""One operation as stub routes: the typed path, the response variants and, for a secured
operation, the provider's 401 for requests without credentials.

Variants, first match wins:

- ``Prefer: code=404`` picks any other documented status (``Prefer`` is the header Prism
  uses for the same purpose);
- ``Prefer: example=NAME`` picks a named example of the main response;
- otherwise the main response: the lowest 2xx documented (or ``default`` as 200).
"""

from __future__ import annotations

import re
from typing import Any

from stubforge.openapi.bodies import BodyMaker
from stubforge.openapi.operations import Operation, Parameter, Response
from stubforge.openapi.report import ImportReport
from stubforge.openapi.security import Requirement
from stubforge.openapi.spec import Spec

_PARAM = re.compile(r"\{([^{}]*)\}")
_ID = re.compile(r"[^A-Za-z0-9_.:/-]+")
MAX_ALTERNATIVES = 3
MARK = "openapi"
"""Route descriptions start ``openapi: #/paths/...``: where the route came from."""


def prefer(token: str) -> dict[str, Any]:
    """A ``when`` that holds when the ``Prefer`` header carries ``token`` (``code=404``)."""
    return {"headers": {"prefer": {"regex": rf"(^|[,;\s]){re.escape(token)}($|[,;\s])"}}}


def typed_path(spec: Spec, op: Operation, prefix: str, report: ImportReport) -> str:
    """``/v1/pets/{petId:int}`` from the spec's path and its path parameters' schemas."""
    types = {p.name: _param_type(spec, p) for p in op.parameters if p.location == "path"}
    segments = []
    written = plain_path(op.path)
    if written != op.path:
        report.note(op.node.pointer, f"path {op.path!r} is served as {written!r}", "changed")
    for segment in written.split("/"):
        names = _PARAM.findall(segment)
        if not names:
            segments.append(segment)
            continue
        if len(names) > 1 or not re.fullmatch(r"[^{}]*\{[A-Za-z_][A-Za-z0-9_]*\}[^{}]*", segment):
            merged = "_".join(re.sub(r"\W", "_", n) for n in names).strip("_") or "param"
            if not merged[0].isalpha() and merged[0] != "_":
                merged = "p_" + merged
            report.note(
                op.node.pointer,
                f"path segment {segment!r} is matched as one parameter {{{merged}}}",
                "changed",
            )
            segments.append("{" + merged + "}")
            continue
        name = names[0]
        kind = types.get(name, "str")
        segments.append(
            segment.replace(
                "{" + name + "}", "{" + name + ("" if kind == "str" else f":{kind}") + "}"
            )
        )
    path = prefix + "/".join(segments)
    return path if path.startswith("/") else "/" + path


def plain_path(path: str) -> str:
    """The path without a ``#fragment`` or ``?query`` some specs add to tell operations
    apart (``/shared_items#app_items``): neither reaches a server."""
    return re.split(r"[#?]", path, maxsplit=1)[0] or "/"


def _param_type(spec: Spec, p: Parameter) -> str:
    if p.schema is None:
        return "str"
    try:
        schema = spec.resolve(p.schema).value
    except Exception:
        return "str"
    if not isinstance(schema, dict):
        return "str"
    kind = schema.get("type")
    if kind == "integer":
        return "int"
    if kind == "string" and schema.get("format") == "uuid":
        return "uuid"
    return "str"


def route_id(op: Operation, taken: set[str]) -> str:
    base = op.operation_id or f"{op.method.lower()}{op.path}"
    base = _ID.sub("-", base).strip("-") or op.method.lower()
    rid, n = base, 1
    while rid in taken:
        n += 1
        rid = f"{base}-{n}"
    taken.add(rid)
    return rid


def _status(code: str) -> int | None:
    if code.isdigit() and 100 <= int(code) <= 599:
        return int(code)
    return None


def main_response(op: Operation) -> tuple[Response, int] | None:
    explicit = sorted(
        ((s, r) for r in op.responses if (s := _status(r.status)) is not None),
        key=lambda t: (not 200 <= t[0] < 300, t[0]),
    )
    if explicit and 200 <= explicit[0][0] < 300:
        return explicit[0][1], explicit[0][0]
    for r in op.responses:
        if r.status.lower() == "default":
            return r, 200
        if r.status.upper() == "2XX":
            return r, 200
    if explicit:
        return explicit[0][1], explicit[0][0]
    return None


def variants(op: Operation, rid: str, bodies: BodyMaker) -> list[dict[str, Any]]:
    main = main_response(op)
    out: list[dict[str, Any]] = []
    for r in op.responses:
        code = _status(r.status)
        if code is None or (main is not None and r is main[0]):
            continue
        variant = bodies.response(r, code, f"{rid}:{code}")
        out.append({"when": prefer(f"code={code}"), **variant})
    if main is None:
        out.append({"status": 200})
        return out
    response, code = main
    names = bodies.examples(response)
    for name in names[1:]:
        variant = bodies.response(response, code, f"{rid}:{code}:{name}", example=name)
        out.append({"when": prefer(f"example={name}"), **variant})
    default = bodies.response(response, code, f"{rid}:{code}", example=names[0] if names else None)
    if names:
        out.append({"when": prefer(f"example={names[0]}"), **default})
    out.append(default)
    return out


def unauthorized(
    op: Operation, rid: str, bodies: BodyMaker, challenge: str | None
) -> dict[str, Any]:
    """The 401 the provider documents (or ``default``'s shape), else a problem JSON."""
    for r in op.responses:
        if r.status == "401":
            found = bodies.response(r, 401, f"{rid}:401")
            break
    else:
        found = {
            "status": 401,
            "headers": {"content-type": "application/problem+json"},
            "json": {
                "type": "about:blank",
                "title": "Unauthorized",
                "status": 401,
                "detail": "this operation requires credentials",
            },
        }
        for r in op.responses:
            if r.status.lower() == "default" and r.media:
                found = bodies.response(r, 401, f"{rid}:401")
    if challenge is not None:
        found.setdefault("headers", {})["www-authenticate"] = challenge
    return found


def routes(
    spec: Spec,
    op: Operation,
    prefix: str,
    ways_in: list[Requirement] | None,
    bodies: BodyMaker,
    report: ImportReport,
    taken: set[str],
) -> list[dict[str, Any]]:
    """The routes of one operation."""
    rid = route_id(op, taken)
    path = typed_path(spec, op, prefix, report)
    description = f"{MARK}: #{op.node.pointer}" + (f" {op.summary}" if op.summary else "")
    request = {"method": op.method, "path": path}
    answers = variants(op, rid, bodies)
    body: dict[str, Any] = {"responses": answers} if len(answers) > 1 else {"response": answers[0]}
    if ways_in and len(ways_in) > MAX_ALTERNATIVES:
        report.note(
            op.node.pointer + "/security",
            f"{len(ways_in)} security alternatives: credentials are not checked",
            "changed",
        )
        ways_in = None
    if not ways_in:  # priority 1 like secured routes: only the 401 fallbacks sit below
        return [{"id": rid, "description": description, "priority": 1, "request": request, **body}]
    out = []
    for i, way in enumerate(ways_in):
        out.append(
            {
                "id": rid if i == 0 else f"{rid}.auth{i + 1}",
                "description": description,
                "priority": 1,
                "request": {**request, **way.conditions},
                **body,
            }
        )
    challenge = ways_in[0].challenge
    out.append(
        {
            "id": f"{rid}.unauthorized",
            "description": f"{MARK}: #{op.node.pointer}/security (no credentials)",
            "request": request,
            "response": unauthorized(op, rid, bodies, challenge),
        }
    )
    return out
