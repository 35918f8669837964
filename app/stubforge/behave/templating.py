"""Response templating: sandboxed Jinja2, compiled at load time, rendered per request.

Context: ``path`` (path parameters), ``query`` (first value of each parameter),
``headers`` (lower-case names, first value), ``cookies``, ``body`` (text), ``json`` (the
parsed body or ``None``), ``method``, ``request_path``, ``now`` and ``uuid``.
``{{ now }}`` is the current UTC time in ISO 8601 (``{{ now('%Y-%m-%d') }}`` formats it,
``{{ now('epoch') }}`` gives Unix seconds); ``{{ uuid }}`` is a fresh UUID4.
``request.body`` is the request body as bytes; header templates also see ``response.body``,
the body being sent, for the digest helpers of :mod:`stubforge.model.digests`
(``{{ md5(response.body) }}``, ``{{ crc32(response.body) }}``...).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_module
from collections.abc import Callable
from typing import Any

from jinja2 import Template, meta

from stubforge.match.request import NOT_JSON, Request
from stubforge.model.digests import HELPERS, BodyView
from stubforge.model.template_budget import current
from stubforge.model.template_syntax import is_template, make_environment

_ENV = make_environment()
_BODY_ONLY = frozenset(["response", *HELPERS])
_WHOLE_EXPR = re.compile(r"^\{\{(.*)\}\}$", re.DOTALL)


class _Now:
    """``{{ now }}`` → ISO time; ``{{ now(fmt) }}`` → formatted; ``now('epoch')`` → seconds."""

    def __str__(self) -> str:
        return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def __call__(self, fmt: str | None = None) -> str | int:
        current = dt.datetime.now(dt.UTC)
        if fmt is None:
            return str(self)
        if fmt == "epoch":
            return int(current.timestamp())
        if fmt == "epoch_ms":
            return int(current.timestamp() * 1000)
        return current.strftime(fmt)


class _Uuid:
    def __str__(self) -> str:
        return str(uuid_module.uuid4())

    def __call__(self) -> str:
        return str(self)


def context_for(req: Request, params: dict[str, Any]) -> dict[str, Any]:
    doc = req.json
    return {
        "path": params,
        "query": {k: v[0] for k, v in req.query.items() if v},
        "headers": {k: v[0] for k, v in req.headers.items() if v},
        "cookies": req.cookies,
        "body": req.text,
        "json": None if doc is NOT_JSON else doc,
        "method": req.method,
        "request_path": req.path,
        "now": _Now(),
        "uuid": _Uuid(),
        "request": BodyView(req.body),
    }


def with_response(ctx: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The context of header templates: ``ctx`` plus ``response.body``."""
    ctx["response"] = BodyView(body)
    return ctx


def body_only(text: str) -> bool:
    """True when a header template depends on nothing but the response body (it can be
    rendered once when the body is fixed)."""
    if not is_template(text):
        return True
    return meta.find_undeclared_variables(_ENV.parse(text)) <= _BODY_ONLY


Renderer = Callable[[dict[str, Any]], Any]


def _constant(value: Any) -> Renderer:
    return lambda ctx: value


def compile_text(text: str) -> Renderer:
    """A renderer producing text (headers and text bodies)."""
    if not is_template(text):
        return _constant(text)
    template: Template = _ENV.from_string(text)

    def render(ctx: dict[str, Any]) -> str:
        budget = current()
        parts = []
        for chunk in template.generate(ctx):
            budget.emit(len(chunk))
            parts.append(chunk)
        return "".join(parts)

    return render


def compile_json(value: Any) -> Renderer:
    """A renderer producing a JSON value. A string that is exactly ``{{ expr }}`` keeps the
    type of ``expr``; other template strings render to text."""
    if isinstance(value, str):
        if not is_template(value):
            return _constant(value)
        whole = _WHOLE_EXPR.match(value.strip())
        if whole and "{{" not in whole.group(1) and "{%" not in value:
            expr = _ENV.compile_expression(whole.group(1), undefined_to_none=False)
            return lambda ctx: _sized(_plain(expr(**ctx)))
        return compile_text(value)
    if isinstance(value, dict):
        items = [(compile_text(str(k)), compile_json(v)) for k, v in value.items()]
        return lambda ctx: {k(ctx): v(ctx) for k, v in items}
    if isinstance(value, list):
        parts = [compile_json(v) for v in value]
        return lambda ctx: [p(ctx) for p in parts]
    return _constant(value)


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | dict):
        current().emit(len(value))
    return value


def _plain(value: Any) -> Any:
    """Make a template result JSON-serialisable (``now``/``uuid`` objects → text)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
