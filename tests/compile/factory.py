"""Recording entries for compiler tests: a HAR entry per call, deterministic times."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

EPOCH = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)


class Tape:
    """Builds a recording: ``tape.add(...)`` per exchange, ``tape.write(dir)``."""

    def __init__(self, base: str = "https://api.shop.example", step_ms: float = 250.0) -> None:
        self.base = base
        self.step = step_ms
        self.entries: list[dict[str, Any]] = []

    def now(self) -> dt.datetime:
        return EPOCH + dt.timedelta(milliseconds=self.step * len(self.entries))

    def add(
        self,
        method: str,
        path: str,
        status: int = 200,
        json_body: Any = None,
        request_json: Any = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        response_headers: dict[str, str] | None = None,
        text: str | None = None,
        wait_ms: float = 40.0,
        fault: str | None = None,
        chunks: list[tuple[float, int]] | None = None,
    ) -> dict[str, Any]:
        url = self.base + path + ("?" + urlencode(query) if query else "")
        req_headers = [{"name": "host", "value": urlsplit(self.base).netloc}]
        req_headers += [{"name": k, "value": v} for k, v in (headers or {}).items()]
        request: dict[str, Any] = {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": req_headers,
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query)],
            "cookies": [],
            "headersSize": -1,
            "bodySize": -1,
        }
        if request_json is not None:
            request["headers"].append({"name": "content-type", "value": "application/json"})
            request["postData"] = {"mimeType": "application/json", "text": json.dumps(request_json)}
        resp_headers = dict(response_headers or {})
        body = text
        if json_body is not None:
            resp_headers.setdefault("content-type", "application/json")
            body = json.dumps(json_body)
        elif text is not None:
            resp_headers.setdefault("content-type", "text/plain")
        entry: dict[str, Any] = {
            "_schema": 1,
            "_id": f"ex-{len(self.entries) + 1}",
            "startedDateTime": self.now().isoformat(),
            "time": wait_ms + 1,
            "request": request,
            "response": {
                "status": 0 if fault else status,
                "statusText": "",
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": k, "value": v} for k, v in resp_headers.items()],
                "cookies": [],
                "content": {
                    "size": len(body or ""),
                    "mimeType": resp_headers.get("content-type", ""),
                    "text": body or "",
                },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": wait_ms, "receive": 1},
        }
        if chunks is not None:
            entry["_chunks"] = [list(c) for c in chunks]
        if fault:
            entry["_fault"] = fault
            entry["_error"] = fault
        self.entries.append(entry)
        return entry

    def write(self, directory: Path, name: str = "0001-20240501T120000Z.jsonl") -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        path.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in self.entries))
        return path
