"""Response values that are not constants: echoes of the request and generated values.

:func:`templatize` walks a recorded JSON response and replaces

* values that echo the request with a template: a path parameter (``{{ path.user_id }}``),
  a top-level JSON body field (``{{ json.email | default("a@b.c") }}``), a query parameter
  or a distinctive header value; echoes other than path parameters keep the recorded value
  as the ``default`` for requests without the field. A body or query echo needs proof of a
  copy: the response field has the request field's name, or the value is too particular
  to match by coincidence (:func:`copied`);
* generated values with a generator: a timestamp within two minutes of the exchange →
  ``{{ now }}`` (in the recorded format, or ``now('epoch')``), and a fresh id in the
  answer to a create (non-GET: ``id``/``*_id`` with a UUID, ULID or random suffix) or
  any ``request_id``/``trace_id``-like field → ``{{ uuid }}`` (keeping a ``ch_`` prefix).

Leaves become :class:`Echo` markers; :func:`render` turns them into template text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from stubforge.compile.detectors import detect
from stubforge.compile.exchange import Exchange

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRACE_KEY = re.compile(r"(?i)^(request|trace|correlation|span)[_-]?id$")
_ID_KEY = re.compile(r"(?i)^(id|.*_id|.*Id)$")
_PREFIXED = re.compile(r"^([A-Za-z]{1,12}[_-])([A-Za-z0-9]{8,})$")
_NOW_WINDOW = 120.0
_ISO_FORMATS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"), None),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"), "%Y-%m-%dT%H:%M:%SZ"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$"), "%Y-%m-%dT%H:%M:%S+00:00"),
    (
        re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$"),
        "%Y-%m-%dT%H:%M:%S.%f+00:00",
    ),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"), "%Y-%m-%dT%H:%M:%S.%fZ"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"), "%Y-%m-%d %H:%M:%S"),
)


@dataclass(frozen=True)
class Echo:
    """A response leaf computed per request: ``expr`` is a Jinja expression."""

    expr: str
    fallback: Any = None
    """The recorded value, used as ``default(...)`` when the request lacks the field."""
    prefix: str = ""

    @property
    def key(self) -> str:
        """What identifies the echo regardless of the recorded value (for grouping)."""
        return f"{self.prefix}{{{{ {self.expr} }}}}"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and "'" not in value and "\\" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def render(echo: Echo) -> str:
    """The template text of an echo (a whole ``{{ expr }}`` keeps the expression's type)."""
    expr = echo.expr
    if "%FALLBACK%" in expr:
        expr = expr.replace("%FALLBACK%", _literal(echo.fallback))
    return f"{echo.prefix}{{{{ {expr} }}}}"


def _ref(root: str, name: str) -> str:
    return (
        f"{root}.{name}"
        if _IDENT.match(name) and name not in ("items", "keys", "values")
        else (f"{root}[{json.dumps(name)}]")
    )


@dataclass
class _Sources:
    path: dict[str, tuple[str, str]]  # value -> (param name, param type)
    query: dict[str, list[str]]  # value -> names
    body: dict[str, tuple[str, Any]]  # text value -> (field, raw value)
    headers: dict[str, str]  # value -> header name


_ECHO_HEADERS_SKIP = frozenset(
    [
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "content-type",
    ]
)


def _names_by_value(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(v, []).append(k)
    return out


def _sources(ex: Exchange, param_types: dict[str, str]) -> _Sources:
    body: dict[str, tuple[str, Any]] = {}
    if isinstance(ex.json, dict):
        for k, v in ex.json.items():
            if isinstance(v, str | int | float | bool) and not isinstance(k, int):
                body.setdefault(str(v) if not isinstance(v, bool) else _literal(v), (str(k), v))
    return _Sources(
        path={v: (k, param_types.get(k, "str")) for k, v in ex.params.items()},
        query=_names_by_value(ex.query),
        body=body,
        headers={
            v: k for k, v in ex.headers.items() if len(v) >= 8 and k not in _ECHO_HEADERS_SKIP
        },
    )


def templatize(value: Any, ex: Exchange, param_types: dict[str, str]) -> Any:
    """``value`` (a recorded JSON response of ``ex``) with echoes and generated values marked."""
    src = _sources(ex, param_types)
    return _walk(value, None, 0, ex, src)


def _walk(value: Any, key: str | None, depth: int, ex: Exchange, src: _Sources) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, str(k), depth + 1, ex, src) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, key, depth + 1, ex, src) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str | int | float):
        return _leaf(value, key, depth, ex, src)
    return value


def _leaf(
    value: str | int | float, key: str | None, depth: int, ex: Exchange, src: _Sources
) -> Any:
    text = str(value)
    is_num = not isinstance(value, str)
    hit = src.path.get(text)
    if hit is not None and (key in (hit[0], "id") or (not is_num and len(text) >= 3)):
        name, ptype = hit
        expr = _ref("path", name)
        if is_num and ptype != "int":
            expr += " | int"
        elif not is_num and ptype == "int":
            expr += " | string"
        return Echo(expr, value)
    field = src.body.get(text)
    if (
        field is not None
        and (key == field[0] or (not is_num and copied(text)))
        and type(field[1]) is type(value)
    ):
        return Echo(f"{_ref('json', field[0])} | default(%FALLBACK%)", value)
    names = src.query.get(text, [])
    qname = key if key in names else (names[0] if names else None)
    if qname is not None and (key == qname or (not is_num and copied(text))):
        cast = " | int" if isinstance(value, int) else " | float" if is_num else ""
        return Echo(f"{_ref('query', qname)} | default(%FALLBACK%){cast}", value)
    hname = src.headers.get(text)
    if hname is not None and not is_num:
        return Echo(f"headers[{json.dumps(hname)}] | default(%FALLBACK%)", value)
    return _generated(value, key, depth, ex)


def copied(text: str) -> bool:
    """A value too particular to equal a request value by coincidence: 8 characters or
    more with a digit or a sign of structure (``@``, ``-``, ``_``, ``.``). A word such as
    ``shipped`` sent as ``?q=shipped`` and answered in every order's ``status`` is not
    evidence of a copy: it stays literal unless the field has the request field's name."""
    return len(text) >= 8 and any(c.isdigit() or c in "@-_." for c in text)


def _generated(value: str | int | float, key: str | None, depth: int, ex: Exchange) -> Any:
    if isinstance(value, int) and ex.started:
        if abs(value - ex.started) <= _NOW_WINDOW:
            return Echo("now('epoch')", value)
        if abs(value / 1000 - ex.started) <= _NOW_WINDOW and value > 10**11:
            return Echo("now('epoch_ms')", value)
        return value
    if not isinstance(value, str):
        return value
    if ex.started and len(value) >= 19 and value[:4].isdigit():
        fmt = _now_format(value, ex.started)
        if fmt is not None:
            return Echo("now" if fmt == "" else f"now('{fmt}')", value)
    if key is None:
        return value
    trace = bool(_TRACE_KEY.match(key))
    fresh = ex.method != "GET" and depth <= 2 and bool(_ID_KEY.match(key))
    if not (trace or fresh):
        return value
    kind = detect(value)
    if kind in ("uuid", "ulid", "hex", "token"):
        return Echo("uuid", value)
    m = _PREFIXED.match(value)
    if m and any(c.isdigit() for c in m.group(2)) and any(c.isalpha() for c in m.group(2)):
        return Echo("uuid", value, prefix=m.group(1))
    return value


def _now_format(value: str, started: float) -> str | None:
    for pattern, fmt in _ISO_FORMATS:
        if pattern.match(value):
            try:
                stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.UTC)
            if abs(stamp.timestamp() - started) <= _NOW_WINDOW:
                return fmt or ""
            return None
    return None


def canonical(value: Any) -> str:
    """A stable text of a templatized value, echoes by their expression (for grouping)."""
    return json.dumps(_keyed(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _keyed(value: Any) -> Any:
    if isinstance(value, Echo):
        return {"\x00echo": value.key}
    if isinstance(value, dict):
        return {k: _keyed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keyed(v) for v in value]
    return value


def materialize(value: Any) -> Any:
    """The JSON value with every echo rendered as template text."""
    if isinstance(value, Echo):
        return render(value)
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    return value
