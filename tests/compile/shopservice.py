"""A small real REST service for the round-trip test (threaded ``http.server``, 127.0.0.1:0).

``GET /v1/items?page=N`` (3 pages of 5), ``GET /v1/items/{id}`` (ids 1-15, else 404),
``POST /v1/items`` (201 with a fresh UUID and a timestamp; 422 without ``name``),
``GET /v1/search?q=`` (at most 10 per second per client, else 429 with ``X-RateLimit-*``).
Every answer waits a lognormal delay (median 20 ms).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ITEMS = {i: {"id": i, "name": f"item {i}", "price": 100 + i} for i in range(1, 16)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    rng = random.Random(3)
    lock = threading.Lock()
    window: list[float] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, doc: object, extra: dict[str, str] | None = None) -> None:
        with self.lock:
            delay = self.rng.lognormvariate(-3.9, 0.25)
        time.sleep(delay)
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if url.path == "/v1/items":
            page = int(q.get("page", "1"))
            data = [ITEMS[i] for i in range(page * 5 - 4, page * 5 + 1) if i in ITEMS]
            self._send(200, {"data": data, "page": page, "has_more": page < 3})
        elif len(parts) == 3 and parts[:2] == ["v1", "items"]:
            item = ITEMS.get(int(parts[2])) if parts[2].isdigit() else None
            if item is None:
                self._send(404, {"error": {"code": "not_found", "message": "no such item"}})
            else:
                self._send(200, item)
        elif url.path == "/v1/search":
            now = time.monotonic()
            with self.lock:
                self.window[:] = [t for t in self.window if now - t < 1.0]
                allowed = len(self.window) < 10
                if allowed:
                    self.window.append(now)
                remaining = 10 - len(self.window)
            headers = {
                "X-RateLimit-Limit": "10",
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": "1",
            }
            if allowed:
                self._send(200, {"q": q.get("q", ""), "hits": len(q.get("q", ""))}, headers)
            else:
                self._send(429, {"error": "slow down"}, {**headers, "Retry-After": "1"})
        else:
            self._send(404, {"error": {"code": "no_route"}})

    def do_POST(self) -> None:
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            doc = json.loads(raw or b"{}")
        except ValueError:
            doc = {}
        if not isinstance(doc, dict) or not doc.get("name"):
            self._send(422, {"error": {"code": "invalid", "field": "name"}})
            return
        created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._send(201, {"id": str(uuid.uuid4()), "name": doc["name"], "created": created})


class ShopService:
    """Runs the service on 127.0.0.1:0 until closed."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
