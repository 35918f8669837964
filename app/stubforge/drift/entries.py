"""A probe's answer as a recording entry (HAR 1.2 + stubforge's extensions), redacted.

The request side is the *recorded* request, placeholders and all: the secrets a probe
sent never enter the entry. The response side goes through the recorder's
:class:`~stubforge.redact.redactor.Redactor`, which has been told the secret values, so an
upstream that echoes a token gets a placeholder, not the token.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from stubforge.compile.exchange import Exchange
from stubforge.model.recording import CURRENT_SCHEMA

JsonDict = dict[str, Any]


@dataclass
class ProbeAnswer:
    """What came back for one probe (``status == 0`` with ``fault`` when nothing did)."""

    started: float
    status: int = 0
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    wait_ms: float = 0.0
    receive_ms: float = 0.0
    fault: str | None = None
    error: str | None = None
    content_encoding: str | None = None


def recorded_url(ex: Exchange) -> str:
    """The URL of a recorded request (scheme, host, path, query) as the recording had it."""
    path = quote(ex.path, safe="/:@!$&'()*+,;=-._~")
    url = f"{ex.scheme}://{ex.host}{path}"
    return url + (f"?{urlencode(ex.query)}" if ex.query else "")


def _stamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="milliseconds")


def _content(answer: ProbeAnswer, mime: str) -> JsonDict:
    content: JsonDict = {"size": len(answer.body), "mimeType": mime}
    try:
        content["text"] = answer.body.decode("utf-8")
    except UnicodeDecodeError:
        content["text"] = base64.b64encode(answer.body).decode("ascii")
        content["encoding"] = "base64"
    if answer.content_encoding:
        content["_contentEncoding"] = answer.content_encoding
    return content


def entry_of(ex: Exchange, answer: ProbeAnswer) -> JsonDict:
    """The recording entry of a probe of ``ex``'s (recorded, placeholder-carrying) request."""
    req_headers = [{"name": k, "value": v} for k, v in ex.headers.items()]
    request: JsonDict = {
        "method": ex.method,
        "url": recorded_url(ex),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": req_headers,
        "queryString": [{"name": k, "value": v} for k, v in ex.query],
        "headersSize": -1,
        "bodySize": len((ex.body or "").encode()),
    }
    if ex.body:
        request["postData"] = {"mimeType": ex.headers.get("content-type", ""), "text": ex.body}
    headers = [
        {"name": k, "value": v}
        for k, v in answer.headers
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    mime = next((v for k, v in answer.headers if k.lower() == "content-type"), "")
    if answer.status:
        headers.append({"name": "content-length", "value": str(len(answer.body))})
    entry: JsonDict = {
        "_schema": CURRENT_SCHEMA,
        "_id": uuid.uuid4().hex,
        "startedDateTime": _stamp(answer.started),
        "time": round(answer.wait_ms + answer.receive_ms, 3),
        "request": request,
        "response": {
            "status": answer.status,
            "statusText": answer.reason,
            "httpVersion": answer.http_version,
            "cookies": [],
            "headers": headers,
            "content": _content(answer, mime),
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(answer.body),
        },
        "cache": {},
        "timings": {
            "send": 0,
            "wait": round(answer.wait_ms, 3),
            "receive": round(answer.receive_ms, 3),
        },
    }
    if answer.fault is not None:
        entry["_fault"] = answer.fault
        entry["_error"] = answer.error or answer.fault
    return entry


class EntryWriter:
    """Appends entries to ``DIR/NNNN-YYYYMMDDTHHMMSSZ.jsonl`` (the recorder's naming), one
    flushed line per entry."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[:4]) for p in directory.glob("*.jsonl") if p.name[:4].isdigit()]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.path = directory / f"{max(numbers, default=0) + 1:04d}-{stamp}.jsonl"
        self._fh = self.path.open("a", encoding="utf-8")

    def write(self, entry: JsonDict) -> None:
        self._fh.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
