"""The operations of a spec in one shape for Swagger 2.0, OpenAPI 3.0 and 3.1.

Each :class:`Operation` holds resolved parameters, the request body and the responses by
status, every part with the :class:`Node` it came from, so that schemas stay references
into the document (for validation and for pointers in messages).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from stubforge.openapi.spec import Node, Spec, SpecError

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM_FIELDS = {"name", "in", "required", "description", "collectionFormat", "allowEmptyValue"}


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str
    """``path``, ``query``, ``header`` or ``cookie`` (form fields go to the body)."""
    required: bool
    schema: Node | None
    node: Node


@dataclass(frozen=True, slots=True)
class Media:
    """One content type of a body: its schema and its examples by name."""

    content_type: str
    schema: Node | None
    examples: dict[str, Node]
    node: Node


@dataclass(frozen=True, slots=True)
class Body:
    required: bool
    media: list[Media]
    node: Node


@dataclass(frozen=True, slots=True)
class Response:
    status: str
    """``"200"``, ``"4XX"`` or ``"default"``."""
    media: list[Media]
    headers: dict[str, Node]
    """Header name → its schema."""
    node: Node


@dataclass
class Operation:
    method: str
    path: str
    """The path as written in the spec (``/pets/{petId}``)."""
    operation_id: str | None
    summary: str | None
    parameters: list[Parameter]
    body: Body | None
    responses: list[Response]
    security: list[dict[str, list[str]]]
    node: Node
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Constructs of this operation not served: (pointer, what)."""


def base_path(spec: Spec) -> tuple[str, str | None]:
    """The path prefix every operation is served under, and the upstream URL if known."""
    doc = spec.document
    if spec.version == "2.0":
        prefix = str(doc.get("basePath") or "")
        host = doc.get("host")
        schemes = doc.get("schemes") or ["https"]
        upstream = f"{schemes[0]}://{host}{prefix}" if host else None
        return prefix.rstrip("/"), upstream
    servers = doc.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return "", None
    server = servers[0]
    url = str(server.get("url") or "")
    for name, var in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    parts = urlsplit(url)
    upstream = url if parts.scheme in ("http", "https") else None
    return parts.path.rstrip("/"), upstream


def operations(spec: Spec) -> Iterator[Operation]:
    """Every operation of ``paths``, in document order."""
    paths = spec.root.child("paths") if isinstance(spec.document.get("paths"), dict) else None
    if paths is None:
        return
    for path in paths.value:
        item = spec.resolve(paths.child(path))
        if not isinstance(item.value, dict):
            continue
        shared = item.value.get("parameters") or []
        for method in METHODS:
            if method in item.value:
                yield _operation(spec, path, method, item, shared)


def _operation(spec: Spec, path: str, method: str, item: Node, shared: list[Any]) -> Operation:
    node = item.child(method)
    op = node.value
    skipped: list[tuple[str, str]] = []
    params = _parameters(spec, item, node, shared, skipped)
    if spec.version == "2.0":
        body = _body_v2(spec, node, params, skipped)
        responses = _responses_v2(spec, node)
    else:
        body = _body_v3(spec, node)
        responses = _responses_v3(spec, node)
        if op.get("callbacks"):
            skipped.append(
                (
                    node.child("callbacks").pointer,
                    "callbacks are not sent (the mock never calls out)",
                )
            )
    security = op.get("security")
    if security is None:
        security = spec.document.get("security") or []
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=op.get("operationId"),
        summary=op.get("summary"),
        parameters=[p for p in params if p.location in ("path", "query", "header", "cookie")],
        body=body,
        responses=responses,
        security=[dict(r) for r in security if isinstance(r, dict)],
        node=node,
        skipped=skipped,
    )


def _parameters(
    spec: Spec, item: Node, op: Node, shared: list[Any], skipped: list[tuple[str, str]]
) -> list[Parameter]:
    found: dict[tuple[str, str], Parameter] = {}
    for owner, items in ((item, shared), (op, op.value.get("parameters") or [])):
        for i in range(len(items)):
            base = owner.child("parameters", i)
            try:
                node = spec.resolve(base)
            except SpecError as exc:
                skipped.append((base.pointer, str(exc)))
                continue
            p = node.value
            if not isinstance(p, dict) or "name" not in p or "in" not in p:
                continue
            schema: Node | None
            if "schema" in p:
                schema = node.child("schema")
            elif "content" in p and isinstance(p["content"], dict) and p["content"]:
                first = next(iter(p["content"]))
                schema = (
                    node.child("content", first, "schema")
                    if "schema" in p["content"][first]
                    else None
                )
            elif spec.version == "2.0" and "type" in p:
                # Swagger 2.0: the parameter itself carries the schema keywords
                schema = Node(
                    {k: v for k, v in p.items() if k not in _PARAM_FIELDS},
                    node.uri,
                    node.pointer,
                    synthetic=True,
                )
            else:
                schema = None
            location = str(p["in"])
            param = Parameter(
                name=str(p["name"]),
                location=location,
                required=bool(p.get("required")) or location == "path",
                schema=schema,
                node=node,
            )
            found[(param.name, location)] = param  # operation-level wins over path-level
    return list(found.values())


def _examples_v3(spec: Spec, media: Node) -> dict[str, Node]:
    out: dict[str, Node] = {}
    value = media.value
    if isinstance(value.get("examples"), dict):
        for name in value["examples"]:
            ex = spec.resolve(media.child("examples", name))
            if isinstance(ex.value, dict) and "value" in ex.value:
                out[str(name)] = ex.child("value")
    if not out and "example" in value:
        out["example"] = media.child("example")
    return out


def _media_v3(spec: Spec, owner: Node) -> list[Media]:
    content = owner.value.get("content")
    if not isinstance(content, dict):
        return []
    out = []
    for ctype in content:
        media = owner.child("content", ctype)
        if not isinstance(media.value, dict):
            media = Node({}, media.uri, media.pointer)
        schema = media.child("schema") if "schema" in media.value else None
        out.append(Media(str(ctype), schema, _examples_v3(spec, media), media))
    return out


def _body_v3(spec: Spec, op: Node) -> Body | None:
    if "requestBody" not in op.value:
        return None
    node = spec.resolve(op.child("requestBody"))
    if not isinstance(node.value, dict):
        return None
    return Body(bool(node.value.get("required")), _media_v3(spec, node), node)


def _headers(spec: Spec, response: Node) -> dict[str, Node]:
    headers = response.value.get("headers")
    if not isinstance(headers, dict):
        return {}
    out = {}
    for name in headers:
        h = spec.resolve(response.child("headers", name))
        if not isinstance(h.value, dict):
            continue
        if "schema" in h.value:
            out[str(name)] = h.child("schema")
        elif "type" in h.value:  # Swagger 2.0: the header carries the schema keywords
            out[str(name)] = h
    return out


def _responses_v3(spec: Spec, op: Node) -> list[Response]:
    responses = op.value.get("responses")
    if not isinstance(responses, dict):
        return []
    out = []
    for status in responses:
        node = spec.resolve(op.child("responses", status))
        if isinstance(node.value, dict):
            out.append(Response(str(status), _media_v3(spec, node), _headers(spec, node), node))
    return out


def _produces(spec: Spec, op: Node) -> list[str]:
    return list(op.value.get("produces") or spec.document.get("produces") or ["application/json"])


def _responses_v2(spec: Spec, op: Node) -> list[Response]:
    responses = op.value.get("responses")
    if not isinstance(responses, dict):
        return []
    out = []
    produces = _produces(spec, op)
    for status in responses:
        node = spec.resolve(op.child("responses", status))
        value = node.value
        if not isinstance(value, dict):
            continue
        media: list[Media] = []
        examples = value.get("examples") or {}
        schema = node.child("schema") if "schema" in value else None
        for ctype in produces:  # no schema: still answered with a content type produced
            named = {"example": node.child("examples", ctype)} if ctype in examples else {}
            media.append(Media(ctype, schema, named, node))
        out.append(Response(str(status), media, _headers(spec, node), node))
    return out


def _body_v2(
    spec: Spec, op: Node, params: list[Parameter], skipped: list[tuple[str, str]]
) -> Body | None:
    consumes = list(
        op.value.get("consumes") or spec.document.get("consumes") or ["application/json"]
    )
    for p in params:
        if p.location == "body":
            media = [Media(c, p.schema, {}, p.node) for c in consumes]
            return Body(p.required, media, p.node)
    form = [p for p in params if p.location == "formData"]
    if not form:
        return None
    properties = {p.name: (p.schema.value if p.schema else {}) for p in form}
    required = [p.name for p in form if p.required]
    schema = {"type": "object", "properties": properties, "required": required}
    if not required:
        del schema["required"]
    node = Node(schema, op.uri, op.pointer + "/parameters", synthetic=True)
    types = [c for c in consumes if "form" in c] or ["application/x-www-form-urlencoded"]
    return Body(bool(required), [Media(c, node, {}, node) for c in types], node)
