"""Journal entries as the admin API shows them: JSON, redacted like recordings.

Redaction runs here, when entries are read, with the recorder's rules
(:mod:`stubforge.redact.shown`, no mitmproxy involved): a secret in the path, a header, the
query, a body of any format the recorder parses, or anywhere secret-shaped becomes a
placeholder. The HMAC key is ``$STUBFORGE_REDACT_KEY`` if set (placeholders then equal the
recordings'), else a random key per server process, so equal secrets still show equal
placeholders. Callers run this off the event loop (it costs time linear in the bodies).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from stubforge.redact.redactor import Redactor, set_body_text
from stubforge.redact.shown import redact_shown, shown_redactor
from stubforge.serve.journal import RawEntry


def redactor() -> Redactor:
    """A fresh redactor (it remembers secrets for the entries of one answer only)."""
    return shown_redactor()


def iso_time(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for n, v in headers:
        if n == name:
            return v.decode("latin-1")
    return ""


def _har_request(e: RawEntry) -> dict[str, Any]:
    qs = e.query_string.decode("latin-1")
    request: dict[str, Any] = {
        "method": e.method,
        "url": e.path + ("?" + qs if qs else ""),
        "headers": [
            {"name": n.decode("latin-1"), "value": v.decode("latin-1")} for n, v in e.headers
        ],
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(qs, keep_blank_values=True)],
        "cookies": [],
    }
    if e.body:
        post: dict[str, Any] = {"mimeType": _header(e.headers, b"content-type")}
        set_body_text(post, e.body)
        request["postData"] = post
    return request


def entry_dict(e: RawEntry, red: Redactor) -> dict[str, Any]:
    """One entry as JSON, with secrets replaced."""
    har = {"request": _har_request(e), "response": {}}
    red.entry(har)
    req = har["request"]
    headers: dict[str, Any] = {}
    for h in req["headers"]:
        name, value = h["name"], h["value"]
        prev = headers.get(name)
        headers[name] = (
            value if prev is None else [*(prev if isinstance(prev, list) else [prev]), value]
        )
    query: dict[str, list[str]] = {}
    for q in req["queryString"]:
        query.setdefault(q["name"], []).append(q["value"])
    request: dict[str, Any] = {
        "method": e.method,
        "path": req["url"].split("?", 1)[0],
        "url": req["url"],
        "query": query,
        "headers": headers,
        "client": e.client,
        "body_size": e.body_size,
    }
    post = req.get("postData")
    if post is not None:
        request["body"] = post["text"]
        if post.get("encoding") == "base64":
            request["body_encoding"] = "base64"
        request["body_truncated"] = e.body_size > len(e.body)
    return {
        "id": e.id,
        "time": iso_time(e.started),
        "timestamp": e.started,
        "session": e.session_id,
        "profile": e.profile,
        "matched": e.route_id is not None,
        "route": e.route_id,
        "passthrough": e.passthrough,
        "params": {k: redact_value(red, k, v) for k, v in e.params.items()},
        "request": request,
        "response": {"status": e.status},
        "duration_ms": round(e.duration * 1000, 3),
        "delay_ms": round(e.delay * 1000, 3),
        "fault": e.fault,
        "rule": e.rule,
        "near_misses": redact_near_misses(red, e.near_misses),
        "redactions": har.get("_redactions", []),
    }


def redact_value(red: Redactor, field: str | None, value: Any) -> Any:
    """A value shown in a report for request field ``field`` (``body``, ``path``,
    ``query.api_key``, ``headers.authorization``...): redacted by name and by shape."""
    return redact_shown(red, field, value)


def redact_near_misses(
    red: Redactor, misses: list[dict[str, Any]] | None
) -> list[dict[str, Any]] | None:
    if misses is None:
        return None
    out = []
    for m in misses:
        diffs = [
            {**d, "actual": redact_value(red, _field(d.get("field")), d.get("actual"))}
            for d in m.get("differences", [])
        ]
        out.append({**m, "differences": diffs})
    return out


def _field(field: Any) -> str | None:
    return field if isinstance(field, str) else None
