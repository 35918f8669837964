"""Response headers whose value changes per request: templates instead of frozen values.

* Request-id style headers (``x-request-id``, ``request-id``, ``cf-ray``, …) answer
  ``{{ uuid }}`` (keeping a ``req_`` style prefix), or echo the request's header of the
  same name when the upstream copied the client's value
  (``{{ headers["x-request-id"] | default(uuid) }}``).
* Other headers that vary across a route's responses (``Location``,
  ``Content-Location``, ``Link``, …) become templates when every recorded value is explained
  the same way by the request or the body: a path parameter (``{{ path.user_id }}``), a
  query parameter or top-level JSON body field (empty when the request lacks it), or an
  id the body generates (the body's own template, e.g. ``/v1/users/{{ uuid }}``). The
  recorded text around the templates is escaped (:mod:`stubforge.compile.literal`).

``date``, ``content-length`` and hop-by-hop headers never get here: they are removed when
the recording is read (:mod:`stubforge.compile.exchange`).
"""

from __future__ import annotations

import re
from typing import Any

from stubforge.compile.echo import Echo
from stubforge.compile.exchange import Exchange
from stubforge.compile.literal import escape

REQUEST_ID_HEADERS = frozenset(
    [
        "x-request-id",
        "request-id",
        "x-amzn-requestid",
        "x-amz-request-id",
        "x-amz-id-2",
        "cf-ray",
        "x-trace-id",
        "x-correlation-id",
        "x-github-request-id",
        "x-ms-request-id",
        "apigw-requestid",
    ]
)
"""Response headers carrying an id the upstream generates per request."""

_PREFIX = re.compile(r"^([A-Za-z]{1,12}[_-])[A-Za-z0-9]{8,}$")
_MIN_ECHO = 3
"""Shortest value worth replacing inside a header (shorter ones match by accident)."""


def request_id_template(name: str, ex: Exchange) -> str:
    """The template of a request-id header of ``ex``'s response."""
    sent = ex.headers.get(name)
    if sent is not None and sent == ex.resp_headers.get(name):
        return f'{{{{ headers["{name}"] | default(uuid) }}}}'
    m = _PREFIX.match(ex.resp_headers.get(name, ""))
    return (m.group(1) if m else "") + "{{ uuid }}"


def _body_echoes(marked: Any) -> dict[str, str]:
    """Recorded value → template text of the echoes and generated values at the top levels
    of a templatized body (``id`` of the created object, and those of ``data``-style
    wrappers one level down)."""
    out: dict[str, str] = {}
    layers = [marked] if isinstance(marked, dict) else []
    if isinstance(marked, dict):
        layers.extend(v for v in marked.values() if isinstance(v, dict))
    for layer in layers:
        for value in layer.values():
            if isinstance(value, Echo) and isinstance(value.fallback, str | int):
                text = str(value.fallback)
                if len(text) >= _MIN_ECHO:
                    expr = value.expr.replace("%FALLBACK%", "''")
                    out.setdefault(text, f"{value.prefix}{{{{ {expr} }}}}")
    return out


def _sources(ex: Exchange, marked: Any) -> list[tuple[str, str]]:
    """(recorded value, template text) pairs that may explain part of a header value,
    longest value first (so ``/users/12345`` is not explained by ``123``)."""
    found: dict[str, str] = {}
    for name, value in ex.params.items():
        found.setdefault(value, f"{{{{ path.{name} }}}}")
    for value, text in _body_echoes(marked).items():
        found.setdefault(value, text)
    for name, value in ex.query:
        if name.isidentifier():
            found.setdefault(value, f"{{{{ query.{name} | default('') }}}}")
    if isinstance(ex.json, dict):
        for key, value in ex.json.items():
            if isinstance(value, str) and str(key).isidentifier():
                found.setdefault(value, f"{{{{ json.{key} | default('') }}}}")
    pairs = [(v, t) for v, t in found.items() if len(v) >= _MIN_ECHO and "{" not in v]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


def echo_template(value: str, ex: Exchange, marked: Any) -> str | None:
    """``value`` (a response header of ``ex``) with request and body values replaced by
    templates, or None when nothing in it echoes the request or the body."""
    parts: list[str | tuple[str]] = [value]
    for recorded, template in _sources(ex, marked):
        next_parts: list[str | tuple[str]] = []
        for part in parts:
            if not isinstance(part, str) or recorded not in part:
                next_parts.append(part)
                continue
            pieces = part.split(recorded)
            for i, piece in enumerate(pieces):
                if i:
                    next_parts.append((template,))
                if piece:
                    next_parts.append(piece)
        parts = next_parts
    if all(isinstance(p, str) for p in parts):
        return None
    return "".join(escape(p) if isinstance(p, str) else p[0] for p in parts)
