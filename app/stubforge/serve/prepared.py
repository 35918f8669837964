"""Responses prepared at load time: status, header list and body bytes ready for ASGI.

A static response is built once and its ASGI messages reused for every request; a
templated one keeps compiled renderers and builds the messages per request.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stubforge.behave.streams import EventStream
from stubforge.behave.templating import (
    Renderer,
    body_only,
    compile_json,
    compile_text,
    context_for,
    with_response,
)
from stubforge.match.request import Request
from stubforge.model.headers import CONTROL
from stubforge.model.jsonlayout import COMPACT, JsonLayout
from stubforge.model.response import ResponseSpec, resolve_body_file
from stubforge.model.template_budget import render_budget
from stubforge.model.template_syntax import contains_template, is_template

Headers = list[tuple[bytes, bytes]]


_SHARED: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}
"""Header pairs of static responses, one object per distinct pair: thousands of routes
answering ``content-type: application/json`` touch one tuple, not thousands, which keeps
the request path's working set small when traffic is spread over many routes."""


class Prepared:
    """A complete response; ``start`` and ``body_message`` are the ASGI messages."""

    __slots__ = ("body", "body_message", "headers", "start", "status", "stream")

    def __init__(self, status: int, headers: Headers, body: bytes, share: bool = False) -> None:
        self.stream: EventStream | None = None
        """For a Server-Sent Events response: its events (see :mod:`stubforge.serve.streams`)."""
        self.status = status
        self.body = body
        self.headers = [*headers, (b"content-length", str(len(body)).encode())]
        if share:  # load time: equal header pairs become one object across all routes
            self.headers = [_SHARED.setdefault(pair, pair) for pair in self.headers]
        self.start: dict[str, Any] = {
            "type": "http.response.start",
            "status": status,
            "headers": self.headers,
        }
        self.body_message: dict[str, Any] = {"type": "http.response.body", "body": body}

    def with_headers(self, extra: Headers) -> Prepared:
        """A copy with ``extra`` headers appended (behaviour headers such as rate limits)."""
        copy = Prepared.__new__(Prepared)
        copy.status, copy.body = self.status, self.body
        copy.headers = [*self.headers, *extra]
        copy.start = {"type": "http.response.start", "status": self.status, "headers": copy.headers}
        copy.body_message = self.body_message
        copy.stream = self.stream
        return copy


def dump_json(value: Any) -> bytes:
    """Compact JSON; ``NaN`` and infinities are refused (``ValueError``): they are not JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def json_response(status: int, value: Any, headers: Headers | None = None) -> Prepared:
    return Prepared(
        status, [(b"content-type", b"application/json"), *(headers or [])], dump_json(value)
    )


def _merge_headers(defaults: Mapping[str, str], own: Mapping[str, str]) -> dict[str, str]:
    merged = {k.lower(): (k, v) for k, v in defaults.items()}
    merged.update({k.lower(): (k, v) for k, v in own.items()})
    return {name.lower(): value for name, value in merged.values()}


STREAM_HEADERS = {"content-type": "text/event-stream", "cache-control": "no-cache"}
"""The defaults of a Server-Sent Events response (a stub's own headers win; the file's
default content type does not: it is usually JSON)."""


def streamed(prepared: Prepared, stream: EventStream) -> Prepared:
    """``prepared`` as the head of an event stream: no ``content-length`` (the body is
    chunked, one piece per event), the events attached for the responder."""
    copy = prepared.with_headers([])
    copy.headers = [pair for pair in prepared.headers if pair[0] != b"content-length"]
    copy.start = {"type": "http.response.start", "status": copy.status, "headers": copy.headers}
    copy.body = stream.body
    copy.body_message = {"type": "http.response.body", "body": stream.body}
    copy.stream = stream
    return copy


FRAMING = frozenset({"content-length", "transfer-encoding"})
"""Headers the server sets itself from the body it sends: a stub's (often recorded from
a chunked upstream answer) would frame the response twice (``Transfer-Encoding`` with
``Content-Length``), which clients and proxies must reject."""


def _encode_headers(headers: Mapping[str, str]) -> Headers:
    return [
        (k.encode("latin-1"), v.encode("latin-1", errors="replace"))
        for k, v in headers.items()
        if k not in FRAMING
    ]


def _fold_derived(headers: dict[str, str], body: bytes) -> dict[str, str]:
    """Header templates that depend only on a fixed body (``{{ md5(response.body) }}``),
    rendered once at load time so the response stays static."""
    out = dict(headers)
    ctx = with_response({}, body)
    for name, value in headers.items():
        if not is_template(value) or not body_only(value):
            continue
        try:
            text = CONTROL.sub(" ", str(compile_text(value)(ctx)))
        except Exception:  # rendered per request then, answering 500 with the reason
            continue
        if not is_template(text):  # output is never read as a template again
            out[name] = text
    return out


class ResponseBuilder:
    """Builds the :class:`Prepared` response of one variant."""

    __slots__ = (
        "_body",
        "_bytes",
        "_headers",
        "_json",
        "_layout",
        "_static",
        "_status",
        "_stream",
    )

    def __init__(
        self, spec: ResponseSpec, default_headers: Mapping[str, str], context: Mapping[str, Path]
    ) -> None:
        headers = _merge_headers(default_headers, spec.headers)
        body: bytes = b""
        kind = None
        templated = spec.template is not False
        fields = spec.model_fields_set
        self._json: Renderer | None = None
        self._body: Renderer | None = None
        self._layout: JsonLayout = spec.json_layout or COMPACT
        if "json_" in fields:
            kind = "application/json"
            if templated and (spec.template or contains_template(spec.json_)):
                self._json = compile_json(spec.json_)
            else:
                body = self._layout.dumps(spec.json_)
        elif spec.body is not None:
            kind = "text/plain; charset=utf-8"
            if templated and (spec.template or is_template(spec.body)):
                self._body = compile_text(spec.body)
            else:
                body = spec.body.encode()
        elif spec.body_base64 is not None:
            kind = "application/octet-stream"
            body = base64.b64decode(spec.body_base64)
        elif spec.body_file is not None:
            target = resolve_body_file(spec.body_file, dict(context))
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            body = target.read_bytes()
            if spec.template:  # opt-in only: a body file is served byte for byte by default
                self._body = compile_text(body.decode("utf-8"))
        self._stream: EventStream | None = None
        if spec.events is not None:
            self._stream = EventStream(spec.events, spec.event_timing, spec.cut)
            headers = {**STREAM_HEADERS, **headers}
            if "content-type" not in {k.lower() for k in spec.headers}:
                headers["content-type"] = STREAM_HEADERS["content-type"]
        if kind is not None and "content-type" not in headers:
            headers["content-type"] = kind
        self._status = spec.status
        self._bytes = body  # the static body (also when only the headers are templated)
        if templated and self._json is None and self._body is None:
            headers = _fold_derived(headers, body)
        templated_headers = templated and any(is_template(v) for v in headers.values())
        self._headers: list[tuple[bytes, Renderer]] | Headers
        if templated_headers:
            self._headers = [
                (k.encode("latin-1"), compile_text(v))
                for k, v in headers.items()
                if k not in FRAMING
            ]
        else:
            self._headers = _encode_headers(headers)
        dynamic = self._json is not None or self._body is not None or templated_headers
        self._static = (
            None
            if dynamic or self._stream is not None  # a stream is timed per request
            else Prepared(spec.status, self._headers, body, share=True)  # type: ignore[arg-type]
        )

    @property
    def static(self) -> Prepared | None:
        return self._static

    def build(self, req: Request, params: dict[str, Any]) -> Prepared:
        if self._static is not None:
            return self._static
        with render_budget():
            prepared = self._render(req, params)
        if self._stream is not None:
            return streamed(prepared, self._stream)
        return prepared

    def _render(self, req: Request, params: dict[str, Any]) -> Prepared:
        ctx = context_for(req, params)
        if self._json is not None:
            body = self._layout.dumps(self._json(ctx))
        elif self._body is not None:
            body = str(self._body(ctx)).encode()
        else:
            body = self._bytes
        headers: Headers = []
        with_response(ctx, body)
        for name, value in self._headers:
            if callable(value):
                text = CONTROL.sub(" ", str(value(ctx)))  # no header splitting from input
                headers.append((name, text.encode("latin-1", errors="replace")))
            else:
                headers.append((name, value))
        return Prepared(self._status, headers, body)
