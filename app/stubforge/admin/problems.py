"""Admin API errors as RFC 9457 problem objects, never HTML or tracebacks.

``{"type", "title", "status", "detail", "errors": [{"field", "message"}]}`` with media
type ``application/problem+json``. :func:`install` registers the handlers on the FastAPI
app: unknown admin routes (404), wrong methods (405), malformed JSON (400), invalid
payloads (422) and anything unexpected (500, logged).
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from stubforge.store.errors import StoreUnavailable

log = logging.getLogger("stubforge")
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise in an endpoint to answer with a problem object."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
        self.kind, self.headers = kind, headers


def problem(
    status: int,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem response; ``kind`` names a stubforge problem type (else ``about:blank``)."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {
        "type": f"urn:stubforge:problem:{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


_TAG = re.compile(r"^(str|int|float|bool|none|[a-z-]+\[.*\]|list\[.*\]|dict\[.*\])$")
"""Union member tags pydantic puts in ``loc`` (``str``, ``list[str]``): not user fields."""


def _field(loc: tuple[Any, ...]) -> str:
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else list(loc)
    parts = [p for p in parts if not (isinstance(p, str) and _TAG.match(p))]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    where = loc[0] if loc and loc[0] in ("query", "path", "header") else None
    return f"{where}:{out}" if where and out else out


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for err in errors:
        msg = str(err.get("msg", "invalid"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        field = _field(tuple(err.get("loc", ())))
        if field in seen:  # one entry per field: union members each add an error
            seen[field]["message"] += f"; or: {msg}"
            continue
        seen[field] = {"field": field, "message": msg, "type": err.get("type")}
        out.append(seen[field])
    return out


async def _problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem(exc.status, exc.detail, exc.errors, exc.kind, exc.headers)


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = "no such admin endpoint (see /__admin/docs)"
    elif exc.status_code == 405 and detail == "Method Not Allowed":
        detail = "method not allowed on this admin endpoint (see the Allow header)"
    return problem(exc.status_code, detail, headers=dict(exc.headers or {}))


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(
            400, "the request body is not valid JSON", validation_errors(errors), "malformed-json"
        )
    return problem(422, "the request does not validate", validation_errors(errors), "invalid")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("admin API error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, f"internal error: {type(exc).__name__}", kind="internal")


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("admin API %s %s: state store unavailable: %s", request.method, request.url.path, exc)
    return problem(
        503,
        f"state store unavailable: {exc}",
        kind="store-unavailable",
        headers={"retry-after": "1"},
    )


def install(api: FastAPI) -> None:
    api.add_exception_handler(Problem, _problem)
    api.add_exception_handler(StoreUnavailable, _store_unavailable)
    api.add_exception_handler(StarletteHTTPException, _http)
    api.add_exception_handler(RequestValidationError, _validation)
    api.add_exception_handler(Exception, _unexpected)
