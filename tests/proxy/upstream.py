"""A small upstream written for the proxy tests (threaded ``http.server`` on 127.0.0.1:0).

It extends the recorder tests' upstream (``/json``, ``/echo``, ``/large``, ``/stream``,
``/reset``, ``/empty``, ``/slow``, ``/gzip``...) with:

``/sink``            reads the request body in chunks (chunked or with a length) and
                     answers its size and SHA-256, never holding it whole
``/source?mb=N``     streams N MiB (chunked), generated chunk by chunk
``/stall``           reads the request, then sends nothing for 30 s
``/hop``             answers with hop-by-hop headers that must not reach the client
``/headers``         JSON of the request headers as received
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from tests.record.upstream import Handler as RecorderHandler

CHUNK = 64 * 1024


def source_chunk(i: int) -> bytes:
    return bytes([(i * 7 + 13) % 256]) * CHUNK


class Handler(RecorderHandler):
    def _sink(self) -> tuple[int, str]:
        digest = hashlib.sha256()
        size = 0
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                line = self.rfile.readline()
                n = int(line.split(b";")[0].strip(), 16)
                if n == 0:
                    self.rfile.readline()
                    break
                left = n
                while left:
                    data = self.rfile.read(min(left, CHUNK))
                    digest.update(data)
                    size += len(data)
                    left -= len(data)
                self.rfile.readline()
        else:
            left = int(self.headers.get("content-length") or 0)
            while left:
                data = self.rfile.read(min(left, CHUNK))
                if not data:
                    break
                digest.update(data)
                size += len(data)
                left -= len(data)
        return size, digest.hexdigest()

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "1048576")
        self.end_headers()

    def do_PUT(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/sink":
            size, digest = self._sink()
            self._send(
                200, json.dumps({"size": size, "sha256": digest}).encode(), "application/json"
            )
        elif url.path == "/source":
            n = int(float(q.get("mb", "1")) * 1024 * 1024) // CHUNK
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(n):
                data = source_chunk(i)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/stall":
            self._body()
            time.sleep(30)
        elif url.path == "/hop":
            self._send(
                200,
                b'{"hop":true}',
                "application/json",
                {
                    "Connection": "close, X-Hop",
                    "X-Hop": "secret-hop",
                    "Keep-Alive": "timeout=5",
                    "X-End-To-End": "kept",
                },
            )
        elif url.path == "/headers":
            self._body()
            doc = {k.lower(): v for k, v in self.headers.items()}
            self._send(200, json.dumps(doc).encode(), "application/json")
        else:
            super().do_GET()


class ProxyUpstream:
    """:class:`Handler` on 127.0.0.1:0 in a thread (a context manager)."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> ProxyUpstream:
        self.thread.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
