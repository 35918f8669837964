"""A compiler's view of one recorded exchange: parsed once, read many times.

:func:`from_entry` turns a :class:`~stubforge.model.recording.RecordingEntry` into an
:class:`Exchange` with the URL split, headers lower-cased, JSON bodies parsed and the
upstream latency (``timings.wait``) in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from stubforge.model.formdata import form_body
from stubforge.model.recording import RecordingEntry

NO_JSON: Any = object()
"""Sentinel: the body is empty or not JSON."""

_HOP_HEADERS = frozenset(
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "date",
        "server",
        "proxy-connection",
        "upgrade",
        "te",
        "trailer",
        "vary",
        "via",
        "alt-svc",
    ]
)
"""Response headers that describe the transport, never worth replaying."""


@dataclass(slots=True)
class Exchange:
    """One request and what answered it (``status == 0`` and ``fault`` set for failures)."""

    index: int
    started: float
    scheme: str
    host: str
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: str | None
    json: Any
    status: int
    resp_headers: dict[str, str]
    resp_text: str | None
    resp_base64: str | None
    resp_json: Any
    content_type: str
    latency: float
    fault: str | None
    chunks: list[tuple[float, int]] | None = None
    """Arrival offsets (ms after the response headers) and sizes of a streamed body."""
    params: dict[str, str] = field(default_factory=dict)
    """Path parameters, once the route's template is known."""
    request_bytes: bytes = b""
    """The request body as recorded (bytes)."""
    resp_length: int | None = None
    """The recorded ``Content-Length`` of the response (a HEAD's is the GET body's)."""

    @property
    def segments(self) -> list[str]:
        return self.path[1:].split("/") if self.path != "/" else [""]

    def query_value(self, name: str) -> str | None:
        for k, v in self.query:
            if k == name:
                return v
        return None

    @property
    def failed(self) -> bool:
        return self.fault is not None


def _parse_json(text: str | None, mime: str) -> Any:
    if not text:
        return NO_JSON
    stripped = text.lstrip()
    if not stripped or (stripped[0] not in "{[" and "json" not in mime):
        return NO_JSON
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return NO_JSON
    return doc if shallow(doc) else NO_JSON  # deeper JSON stays a literal text body


MAX_JSON_DEPTH = 100
"""JSON nested deeper than this is compiled as text (the compiler walks JSON recursively)."""


def shallow(doc: Any) -> bool:
    """Whether ``doc`` nests at most MAX_JSON_DEPTH levels (checked without recursion)."""
    stack = [(doc, 1)]
    while stack:
        item, level = stack.pop()
        if level > MAX_JSON_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return True


def _parse_request_body(req: Any, body: str | None, mime: str) -> Any:
    """JSON, or the fields of a form-encoded or multipart body (as the server reads them)."""
    if body and req.postData is not None:
        form = form_body(req.postData.body_bytes(), mime)
        if form is not None:
            return form
    return _parse_json(body, mime)


def parse_time(text: str) -> float:
    """``startedDateTime`` (ISO 8601) as Unix seconds; 0 when unparseable."""
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def from_entry(entry: RecordingEntry, index: int) -> Exchange:
    """Normalise one recording entry."""
    req, resp = entry.request, entry.response
    url = urlsplit(req.url)
    query = [(q.name, q.value) for q in req.queryString] or parse_qsl(
        url.query, keep_blank_values=True
    )
    headers = {h.name.lower(): h.value for h in reversed(req.headers)}
    body: str | None = None
    raw_request = req.postData.body_bytes() if req.postData is not None else b""
    if req.postData is not None and req.postData.text:
        body = (
            req.postData.text
            if req.postData.encoding != "base64"
            else req.postData.body_bytes().decode("utf-8", "replace")
        )
    mime = headers.get("content-type", req.postData.mimeType if req.postData else "")
    resp_headers = {
        h.name.lower(): h.value
        for h in reversed(resp.headers)
        if h.name.lower() not in _HOP_HEADERS
    }
    content = resp.content
    binary = content.encoding == "base64"
    resp_text = None if binary else (content.text or "")
    ctype = resp_headers.get("content-type", content.mimeType or "")
    fault = entry.fault or ("other" if entry.error is not None and resp.status == 0 else None)
    wait = entry.timings.wait if entry.timings.wait >= 0 else entry.time
    return Exchange(
        index=index,
        started=parse_time(entry.startedDateTime),
        scheme=url.scheme or "http",
        host=url.netloc.lower(),
        method=req.method.upper(),
        path=unquote(url.path) or "/",
        query=query,
        headers=headers,
        body=body,
        json=_parse_request_body(req, body, mime),
        status=resp.status,
        resp_headers=resp_headers,
        resp_text=resp_text,
        resp_base64=content.text if binary else None,
        resp_json=NO_JSON if binary else _parse_json(resp_text, ctype),
        content_type=ctype,
        latency=max(wait, 0.0) / 1000.0,
        fault=fault,
        chunks=[(float(t), int(n)) for t, n in entry.chunks] if entry.chunks else None,
        request_bytes=raw_request,
        resp_length=_length(resp.header("content-length")),
    )


def _length(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None
