"""``stubforge export openapi``: an OpenAPI 3.1 document describing the stubs.

Paths and path parameters from the route templates (``{id:int}`` becomes an integer
parameter), query and header conditions as parameters, each response variant as an
example of its status: stubs compiled from recordings become documentation.
"""

from __future__ import annotations

import re
from typing import Any

from stubforge.load.loader import LoadResult
from stubforge.model.path_syntax import parse_path_template
from stubforge.model.response import VariantSpec
from stubforge.model.stub import Route

_TYPES = {"int": {"type": "integer"}, "uuid": {"type": "string", "format": "uuid"}}
_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def openapi_path(template: str) -> tuple[str, list[dict[str, Any]]]:
    """``/v1/items/{id:int}`` → ``/v1/items/{id}`` and its parameter objects."""
    params = []
    for seg in parse_path_template(template):
        if seg.name is not None:
            schema = _TYPES.get(seg.type, {"type": "string"})
            params.append({"name": seg.name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*):[a-z]+\}", r"{\1}", template), params


def _condition_params(route: Route) -> list[dict[str, Any]]:
    out = []
    for where, conds in (("query", route.request.query), ("header", route.request.headers)):
        for name, matcher in conds.items():
            if matcher.absent:
                continue
            param: dict[str, Any] = {
                "name": name,
                "in": where,
                "required": True,
                "schema": {"type": "string"},
            }
            if matcher.equals is not None:
                param["schema"]["enum"] = [matcher.equals]
            elif matcher.one_of is not None:
                param["schema"]["enum"] = list(matcher.one_of)
            elif matcher.regex is not None:
                param["schema"]["pattern"] = matcher.regex
            out.append(param)
    return out


def _content_type(variant: VariantSpec) -> str | None:
    for name, value in variant.headers.items():
        if name.lower() == "content-type":
            return value
    if variant.has_json:
        return "application/json"
    if variant.body is not None:
        return "text/plain"
    if variant.body_base64 is not None or variant.body_file is not None:
        return "application/octet-stream"
    return None


def _responses(route: Route) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, variant in enumerate(route.variants()):
        entry = out.setdefault(
            str(variant.status),
            {"description": _REASONS.get(variant.status, f"status {variant.status}")},
        )
        ctype = _content_type(variant)
        if ctype is None:
            continue
        media = entry.setdefault("content", {}).setdefault(ctype, {})
        example: Any = variant.json_ if variant.has_json else variant.body
        if example is None:
            continue
        media.setdefault("examples", {})[f"variant{i}"] = {"value": example}
        headers = {k: v for k, v in variant.headers.items() if k.lower() != "content-type"}
        for name, value in headers.items():
            entry.setdefault("headers", {})[name] = {"schema": {"type": "string"}, "example": value}
    return out


def export_document(result: LoadResult, title: str | None = None) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    services = []
    for loaded in result.files:
        services.append(loaded.service)
        for i, route in enumerate(loaded.model.routes):
            path, params = openapi_path(route.request.path)
            item = paths.setdefault(path, {})
            methods = [m for m in route.request.methods if m != "ANY"] or ["GET"]
            for method in methods:
                key = method.lower()
                if key in item:
                    continue  # a variant route of the same operation: the first describes it
                op_id = loaded.route_ids[i] + (f"-{key}" if len(methods) > 1 else "")
                op: dict[str, Any] = {
                    "operationId": op_id,
                    "responses": _responses(route),
                }
                if route.description:
                    op["summary"] = route.description.splitlines()[0][:200]
                all_params = params + _condition_params(route)
                if all_params:
                    op["parameters"] = all_params
                item[key] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title or ", ".join(sorted(set(services))) or "stubs", "version": "1"},
        "paths": paths,
    }
