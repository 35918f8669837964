"""Requests held to the spec: parameters, content type and body, each violation with a
JSON pointer into the request (``/query/limit``, ``/body/items/0/sku``), what was
expected, what came, and the spec's pointer.

Pure: a request's parts in, a list of violations out (``None`` when the spec has no
operation for the method and path, which is not the validator's business). The server
side (:mod:`stubforge.serve.validation`) decides what to do with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from stubforge.openapi.bodies import is_json
from stubforge.openapi.operations import Operation, Parameter
from stubforge.openapi.paths import OperationIndex
from stubforge.openapi.pointer import escape
from stubforge.openapi.schemas import SchemaChecker, json_type
from stubforge.openapi.spec import Spec, SpecError

MAX_DEPTH = 32
"""A JSON body nested deeper than this is refused before schema validation."""
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}
"""Header parameters OpenAPI says to ignore."""


@dataclass(frozen=True, slots=True)
class RequestViolation:
    location: str
    """``path``, ``query``, ``header``, ``cookie`` or ``body``."""
    pointer: str
    """Into the request: ``/query/limit``, ``/body/amount``, ``/header/content-type``."""
    expected: str
    got: str
    message: str
    spec: str
    """The spec's pointer: the parameter, the body, or the schema keyword that failed."""
    content: bool = False
    """The body was well-formed but its content breaks the schema (422 rather than 400)."""

    def to_dict(self) -> dict[str, str]:
        out = asdict(self)
        out["in"] = out.pop("location")
        del out["content"]
        return out

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


class RequestValidator:
    """Validates requests against one spec; built once at start-up."""

    def __init__(self, spec: Spec, max_depth: int = MAX_DEPTH) -> None:
        self.spec = spec
        self.index = OperationIndex(spec)
        self.checker = SchemaChecker(spec)
        self.max_depth = max_depth

    def operation(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        return self.index.for_request(method, path)

    def opted_out(self, routes: Iterable[tuple[Iterable[str], str]]) -> frozenset[str]:
        """The operations (their pointers) of routes that opt out: ``(methods, path)``."""
        out = set()
        for methods, path in routes:
            for method in methods:
                op = self.index.for_template(method, path)
                if op is not None:
                    out.add(op.node.pointer)
        return frozenset(out)

    def check(
        self,
        method: str,
        path: str,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        skip: frozenset[str] = frozenset(),
    ) -> list[RequestViolation] | None:
        found = self.operation(method, path)
        if found is None:
            return None
        op, path_params = found
        if op.node.pointer in skip:
            return []
        names: dict[str, str] = {}
        for name, value in headers:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            names[key] = f"{names[key]}, {text}" if key in names else text
        query = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
        cookies = _cookies(names.get("cookie", ""))
        out: list[RequestViolation] = []
        for p in op.parameters:
            if p.location == "header" and p.name.lower() in _IGNORED_HEADERS:
                continue
            raw: list[str] | None
            if p.location == "path":
                raw = [path_params[p.name]] if p.name in path_params else None
            elif p.location == "query":
                raw = query.get(p.name)
            elif p.location == "header":
                raw = [names[p.name.lower()]] if p.name.lower() in names else None
            else:
                raw = [cookies[p.name]] if p.name in cookies else None
            out += self._parameter(p, raw)
        out += self._body(op, names.get("content-type"), body)
        return out

    # --- parameters --------------------------------------------------------------

    def _parameter(self, p: Parameter, raw: list[str] | None) -> list[RequestViolation]:
        where = f"/{p.location}/{escape(p.name)}"
        ref = self.spec.display(p.node)
        if raw is None:
            if p.required:
                return [
                    RequestViolation(
                        p.location, where, "present", "absent", f"{p.name} is required", ref
                    )
                ]
            return []
        if p.schema is None:
            return []
        try:
            schema = self.spec.resolve(p.schema).value
        except SpecError:
            return []
        value = _coerce(schema, raw)
        if value is SKIP:
            return []
        out = []
        for v in self.checker.violations(value, p.schema, "write", limit=5):
            pointer = where + v.pointer
            out.append(
                RequestViolation(p.location, pointer, v.expected, v.got, v.message, v.schema_ref)
            )
        return out

    # --- body --------------------------------------------------------------------

    def _body(self, op: Operation, ctype: str | None, body: bytes) -> list[RequestViolation]:
        spec_body = op.body
        if spec_body is None:
            return []
        ref = self.spec.display(spec_body.node)
        if not body:
            if spec_body.required:
                return [
                    RequestViolation("body", "/body", "a body", "none", "a body is required", ref)
                ]
            return []
        if not spec_body.media:
            return []
        types = [m.content_type for m in spec_body.media]
        media = next((m for m in spec_body.media if _matches(m.content_type, ctype)), None)
        if media is None:
            return [
                RequestViolation(
                    "header",
                    "/header/content-type",
                    "one of " + ", ".join(types),
                    ctype or "none",
                    f"content type {ctype or '(none)'} is not accepted",
                    ref,
                )
            ]
        if media.schema is None:
            return []
        if is_json(media.content_type):
            try:
                value = json.loads(body)
            except RecursionError:
                return [self._too_deep(ref)]
            except ValueError as exc:
                return [
                    RequestViolation("body", "/body", "JSON", "not JSON", f"not JSON: {exc}", ref)
                ]
            if _depth(value, self.max_depth) > self.max_depth:
                return [self._too_deep(ref)]
        elif "x-www-form-urlencoded" in media.content_type:
            fields = parse_qs(body.decode("latin-1"), keep_blank_values=True)
            value = self._form(media.schema, fields)
        else:
            return []
        out = []
        for v in self.checker.violations(value, media.schema, "write", limit=20):
            out.append(
                RequestViolation(
                    "body", "/body" + v.pointer, v.expected, v.got, v.message, v.schema_ref, True
                )
            )
        return out

    def _too_deep(self, ref: str) -> RequestViolation:
        limit = self.max_depth
        return RequestViolation(
            "body",
            "/body",
            f"depth <= {limit}",
            f"depth > {limit}",
            f"body nested deeper than {limit} levels",
            ref,
        )

    def _form(self, schema_node: Any, fields: dict[str, list[str]]) -> dict[str, Any]:
        try:
            schema = self.spec.resolve(schema_node).value
        except SpecError:
            schema = {}
        props = schema.get("properties") or {} if isinstance(schema, dict) else {}
        out: dict[str, Any] = {}
        for name, values in fields.items():
            sub = props.get(name)
            if isinstance(sub, dict) and "$ref" in sub:
                try:
                    sub = self.spec.lookup(sub["$ref"], schema_node.uri).value
                except SpecError:
                    sub = {}
            value = _coerce(sub if isinstance(sub, dict) else {}, values)
            out[name] = values[-1] if value is SKIP else value
        return out


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind if isinstance(kind, str) else "string"


def _scalar(kind: str, text: str) -> Any:
    """The typed value of a parameter's text, or the text when it does not parse (the
    schema check then says what was expected)."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


SKIP = object()
"""A parameter value whose serialization is not checked (objects, arrays of objects)."""


def _coerce(schema: dict[str, Any], raw: list[str]) -> Any:
    kind = _kind(schema)
    if kind in ("array", "object") and raw[-1][:1] in ("[", "{"):
        try:  # a parameter with ``content: application/json``, or a JSON-looking value
            return json.loads(raw[-1])
        except ValueError:
            pass
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        item_kind = _kind(items or {})
        if item_kind in ("object", "array") or (items and "$ref" in items):
            return SKIP
        values = raw if len(raw) > 1 else raw[0].split(",") if raw[0] else []
        return [_scalar(item_kind, v) for v in values]
    if kind == "object":
        return SKIP  # deepObject and friends: only presence is checked
    return _scalar(kind, raw[-1])


def _matches(documented: str, actual: str | None) -> bool:
    if actual is None:
        return False
    a = documented.split(";")[0].strip().lower()
    b = actual.split(";")[0].strip().lower()
    if a in ("*/*", b):
        return True
    return a.endswith("/*") and b.startswith(a[:-1])


def _depth(value: Any, limit: int) -> int:
    """How deeply ``value`` nests (stops counting past ``limit``), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if level > limit:
            return level
        if isinstance(node, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in node)
    return deepest


def _cookies(header: str) -> dict[str, str]:
    if not header:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


def summary(violations: list[RequestViolation], limit: int = 900) -> str:
    """One header value: ``2; /query/limit: expected integer, got string; ...``."""
    text = f"{len(violations)}; " + "; ".join(str(v) for v in violations)
    text = "".join(ch if 0x20 <= ord(ch) < 0x7F else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = ["RequestValidator", "RequestViolation", "json_type", "summary"]
