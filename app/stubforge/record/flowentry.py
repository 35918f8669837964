"""Turn a mitmproxy ``HTTPFlow`` into a recording entry (a HAR entry dict, unredacted).

Only imported once recording starts (it uses mitmproxy's content decoders).
Timings come from mitmproxy's timestamps of the *upstream* side, so they
describe the third party, not the proxy: ``wait`` runs from the moment the
request could be sent upstream (request fully read and the upstream connection
ready) to the response headers; ``receive`` to the end of the response body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from stubforge.model.recording import CURRENT_SCHEMA, FaultKind
from stubforge.record.codings import CodingError, codings, decode
from stubforge.redact.redactor import UNDECODABLE, set_body_text

JsonDict = dict[str, Any]


def _ms(a: float | None, b: float | None) -> float:
    if a is None or b is None or b < a:
        return -1
    return round((b - a) * 1000, 3)


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).isoformat(timespec="milliseconds")


def _headers(headers: Any, drop: frozenset[str] = frozenset()) -> list[JsonDict]:
    return [{"name": k, "value": v} for k, v in headers.items(multi=True) if k.lower() not in drop]


def _decoded(message: Any, raw: bytes) -> tuple[bytes, str | None, JsonDict | None]:
    """(body, wire content-encoding or None, why it could not be decoded or None).

    Stacked and legacy codings are undone (:mod:`stubforge.record.codings`). A body that
    cannot be decoded is *not* kept: redaction cannot read it, so it fails closed and the
    redactor stores a placeholder with its size and type.
    """
    ce = ", ".join(codings(message.headers.get("content-encoding", "")))
    if not raw or not ce:
        return raw, None, None
    try:
        return decode(raw, ce), ce, None
    except CodingError as exc:
        failed = {
            "size": len(raw),
            "contentEncoding": ce,
            "reason": str(exc)[:200],
            "digest": hashlib.sha256(raw).hexdigest(),
        }
        return b"", ce, failed


def _set_length(headers: list[JsonDict], size: int) -> None:
    for h in headers:
        if h["name"].lower() == "content-length":
            h["value"] = str(size)


def request_part(req: Any) -> JsonDict:
    """HAR ``request`` of a mitmproxy request (body content-decoded)."""
    raw = req.raw_content or b""
    body, ce, failed = _decoded(req, raw)
    headers = _headers(req.headers, frozenset({"content-encoding"}) if ce else frozenset())
    if ce:
        _set_length(headers, len(body))
    out: JsonDict = {
        "method": req.method,
        "url": req.url,
        "httpVersion": req.http_version,
        "cookies": [{"name": k, "value": v} for k, v in req.cookies.items(multi=True)],
        "headers": headers,
        "queryString": [{"name": k, "value": v} for k, v in req.query.items(multi=True)],
        "headersSize": -1,
        "bodySize": len(body),
    }
    if body or req.method in ("POST", "PUT", "PATCH"):
        post: JsonDict = {"mimeType": req.headers.get("content-type", "")}
        set_body_text(post, body)
        if failed:
            post[UNDECODABLE] = failed
        elif ce:
            post["_contentEncoding"] = ce
        out["postData"] = post
    return out


def response_part(resp: Any, raw: bytes) -> JsonDict:
    """HAR ``response`` of a mitmproxy response whose wire body is ``raw``."""
    body, ce, failed = _decoded(resp, raw)
    headers = _headers(resp.headers, frozenset({"content-encoding"}) if ce else frozenset())
    if ce:
        _set_length(headers, len(body))
    content: JsonDict = {"size": len(body), "mimeType": resp.headers.get("content-type", "")}
    set_body_text(content, body)
    if failed:
        content[UNDECODABLE] = failed
    elif ce:
        content["_contentEncoding"] = ce
        content["compression"] = len(body) - len(raw)
    cookies = []
    for name, (value, _attrs) in resp.cookies.items(multi=True):
        cookies.append({"name": name, "value": value})
    return {
        "status": resp.status_code,
        "statusText": resp.reason,
        "httpVersion": resp.http_version,
        "cookies": cookies,
        "headers": headers,
        "content": content,
        "redirectURL": resp.headers.get("location", ""),
        "headersSize": -1,
        "bodySize": len(raw),
    }


def no_response() -> JsonDict:
    """The HAR ``response`` of an exchange that got none (status 0)."""
    return {
        "status": 0,
        "statusText": "",
        "httpVersion": "",
        "cookies": [],
        "headers": [],
        "content": {"size": 0, "mimeType": ""},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": -1,
    }


def timings(flow: Any) -> JsonDict:
    """HAR timings of the upstream side, from mitmproxy's timestamps."""
    req, resp, conn = flow.request, flow.response, flow.server_conn
    t_conn = getattr(conn, "timestamp_start", None)
    t_tcp = getattr(conn, "timestamp_tcp_setup", None)
    t_tls = getattr(conn, "timestamp_tls_setup", None)
    # Did this exchange open the connection (or was it reused)?
    opened = (
        t_conn is not None and req.timestamp_start is not None and t_conn >= req.timestamp_start
    )
    candidates = [req.timestamp_end] + ([t_tcp, t_tls] if opened else [])
    ready = max((x for x in candidates if x is not None), default=None)
    out: JsonDict = {
        "blocked": -1,
        "dns": -1,
        "connect": _ms(t_conn, t_tcp) if opened else -1,
        "ssl": _ms(t_tcp, t_tls) if opened and t_tls else -1,
        "send": 0,
        "wait": _ms(ready, resp.timestamp_start) if resp is not None else -1,
        "receive": _ms(resp.timestamp_start, resp.timestamp_end) if resp is not None else -1,
    }
    for k, v in out.items():
        if v == -1 and k in ("wait", "receive"):
            out[k] = 0
    return out


def classify_error(message: str, got_response: bool) -> FaultKind:
    """Map a mitmproxy error message onto a fault kind."""
    m = message.lower()
    if "refused" in m or "connect call failed" in m or "errno 111" in m:
        return "connection_refused"
    if any(s in m for s in ("tls", "ssl", "certificate", "handshake")):
        return "tls_error"
    if "timed out" in m or "timeout" in m:
        return "timeout"
    if got_response:
        return "truncated_body"
    if "reset" in m:
        return "connection_reset"
    if any(s in m for s in ("closed", "disconnect", "eof", "empty")):
        return "empty_reply"
    return "other"


def flow_entry(
    flow: Any,
    *,
    body: bytes | None = None,
    chunks: list[tuple[float, int]] | None = None,
) -> JsonDict:
    """The (unredacted) recording entry of a finished or failed flow.

    ``body`` replaces the response body when the response was streamed (the
    proxy then keeps its own copy); ``chunks`` are the arrival offsets.
    """
    req, resp = flow.request, flow.response
    raw = body if body is not None else ((resp.raw_content or b"") if resp is not None else b"")
    entry: JsonDict = {
        "_schema": CURRENT_SCHEMA,
        "_id": flow.id,
        "startedDateTime": _iso(req.timestamp_start),
        "request": request_part(req),
        "response": response_part(resp, raw) if resp is not None else no_response(),
        "cache": {},
        "timings": timings(flow),
    }
    t = entry["timings"]
    entry["time"] = round(sum(v for v in t.values() if v > 0), 3)
    peer = getattr(flow.server_conn, "peername", None)
    if peer:
        entry["serverIPAddress"] = str(peer[0])
    if chunks:
        entry["_chunks"] = [[round(o, 3), n] for o, n in chunks]
    if flow.error is not None:
        entry["_error"] = flow.error.msg
        entry["_fault"] = classify_error(flow.error.msg, resp is not None)
    return entry
