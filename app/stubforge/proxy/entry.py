"""A proxied exchange as a recording entry (a HAR entry dict, unredacted): the same shape
``stubforge record`` writes (see ``docs/recording-format.md``), built from what the
server saw instead of from a mitmproxy flow. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stubforge.model.recording import CURRENT_SCHEMA
from stubforge.redact.redactor import set_body_text

JsonDict = dict[str, Any]
StrHeaders = list[tuple[str, str]]


@dataclass(slots=True)
class Exchange:
    """What a proxied request and its answer were, as captured on the way through."""

    started: float
    method: str
    url: str
    request_headers: StrHeaders
    request_body: bytes | None
    """``None`` when the body was larger than the capture limit (only its size is kept)."""
    request_size: int
    status: int = 0
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: StrHeaders = field(default_factory=list)
    response_body: bytes | None = b""
    response_size: int = 0
    wait_ms: float = 0.0
    """Request sent to upstream response headers."""
    receive_ms: float = 0.0
    """Response headers to the end of the body."""
    chunks: list[tuple[float, int]] = field(default_factory=list)
    """Arrival offset (ms after the headers) and size of each body chunk, when streamed."""
    error: str | None = None
    fault: str | None = None


def _decoded(body: bytes, headers: StrHeaders) -> tuple[bytes, str | None]:
    """(body, wire content-encoding or None); bodies that do not decode stay as they came."""
    ce = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if not body or not ce or ce == "identity":
        return body, None
    try:
        if ce in ("gzip", "x-gzip"):
            return zlib.decompress(body, 16 + zlib.MAX_WBITS), ce
        if ce == "deflate":
            try:
                return zlib.decompress(body), ce
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS), ce
        if ce == "br":
            import brotli  # type: ignore[import-untyped,import-not-found,unused-ignore]

            return bytes(brotli.decompress(body)), ce
    except Exception:  # brotli missing or a corrupt body: keep the wire bytes
        return body, None
    return body, None


def _headers(headers: StrHeaders, drop_encoding: bool, size: int | None) -> list[JsonDict]:
    out = []
    for name, value in headers:
        low = name.lower()
        if drop_encoding and low == "content-encoding":
            continue
        if drop_encoding and size is not None and low == "content-length":
            value = str(size)
        out.append({"name": name, "value": value})
    return out


def _cookies(headers: StrHeaders, header: str) -> list[JsonDict]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == header:
            try:
                jar.load(value)
            except CookieError:
                continue
    return [{"name": k, "value": m.value} for k, m in jar.items()]


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).isoformat(timespec="milliseconds")


def _request(ex: Exchange) -> JsonDict:
    body, ce = _decoded(ex.request_body or b"", ex.request_headers)
    out: JsonDict = {
        "method": ex.method,
        "url": ex.url,
        "httpVersion": "HTTP/1.1",
        "cookies": _cookies(ex.request_headers, "cookie"),
        "headers": _headers(ex.request_headers, ce is not None, len(body)),
        "queryString": [
            {"name": k, "value": v}
            for k, v in parse_qsl(urlsplit(ex.url).query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": len(body) if ex.request_body is not None else ex.request_size,
    }
    if ex.request_size or ex.method in ("POST", "PUT", "PATCH"):
        mime = next((v for k, v in ex.request_headers if k.lower() == "content-type"), "")
        post: JsonDict = {"mimeType": mime}
        if ex.request_body is None:
            post["text"] = ""
            post["_truncated"] = True
        else:
            set_body_text(post, body)
        if ce:
            post["_contentEncoding"] = ce
        out["postData"] = post
    return out


def _response(ex: Exchange) -> JsonDict:
    raw = ex.response_body or b""
    body, ce = _decoded(raw, ex.response_headers)
    mime = next((v for k, v in ex.response_headers if k.lower() == "content-type"), "")
    content: JsonDict = {"size": len(body), "mimeType": mime}
    if ex.response_body is None:
        content["text"] = ""
        content["size"] = ex.response_size
        content["_truncated"] = True
    else:
        set_body_text(content, body)
    if ce:
        content["_contentEncoding"] = ce
        content["compression"] = len(body) - len(raw)
    location = next((v for k, v in ex.response_headers if k.lower() == "location"), "")
    return {
        "status": ex.status,
        "statusText": ex.reason,
        "httpVersion": ex.http_version,
        "cookies": _cookies(ex.response_headers, "set-cookie"),
        "headers": _headers(ex.response_headers, ce is not None, len(body)),
        "content": content,
        "redirectURL": location,
        "headersSize": -1,
        "bodySize": ex.response_size,
    }


def exchange_entry(ex: Exchange) -> JsonDict:
    """The recording entry of ``ex`` (redact it before it reaches disk)."""
    timings = {
        "blocked": -1,
        "dns": -1,
        "connect": -1,
        "ssl": -1,
        "send": 0,
        "wait": round(ex.wait_ms, 3),
        "receive": round(ex.receive_ms, 3),
    }
    entry: JsonDict = {
        "_schema": CURRENT_SCHEMA,
        "_id": str(uuid.uuid4()),
        "startedDateTime": _iso(ex.started),
        "time": round(ex.wait_ms + ex.receive_ms, 3),
        "request": _request(ex),
        "response": _response(ex),
        "cache": {},
        "timings": timings,
    }
    if ex.chunks:
        entry["_chunks"] = [[round(o, 3), n] for o, n in ex.chunks]
    if ex.error is not None:
        entry["_error"] = ex.error
        entry["_fault"] = ex.fault or "other"
    return entry
