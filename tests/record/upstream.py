"""A real upstream HTTP(S) server for the recorder tests (threaded ``http.server`` on 127.0.0.1:0).

Routes (GET or POST):

``/json``            a small JSON document
``/echo``            JSON of the request's method, path, query, headers and body (text)
``/binary?n=N``      N deterministic non-UTF-8 bytes (default 4096)
``/gzip``            gzip-encoded JSON with ``Content-Encoding: gzip``
``/stream?n=N&kb=K`` chunked transfer encoding, N chunks (K KiB each) 50 ms apart
``/large?mb=N``      N MiB of text with a ``Content-Length``
``/redirect?to=URL`` 302 to URL (the test puts secrets in it)
``/reset``           reads the request, then resets the connection (RST)
``/empty``           reads the request, then closes without answering
``/slow?ms=N``       answers JSON after N ms
``/canned/NAME``     the response registered with :meth:`Upstream.can` (status, headers, bytes)
``/endless?kb=N``    chunked, N KiB per chunk, until the client goes away
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import socket
import ssl
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit


def binary_payload(n: int) -> bytes:
    """Deterministic bytes that are not valid UTF-8."""
    return bytes((i * 151 + 7) % 256 for i in range(n)) or b"\xff"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        body = self._body()
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        route = url.path
        if route == "/json":
            self._send(
                200, json.dumps({"id": "cus_1", "object": "customer"}).encode(), "application/json"
            )
        elif route == "/echo":
            doc = {
                "method": self.command,
                "path": url.path,
                "query": url.query,
                "headers": dict(self.headers.items()),
                "body": body.decode("utf-8", "replace"),
            }
            extra = {"X-Echo-Auth": self.headers.get("authorization", "")}
            if self.headers.get("x-set-cookie"):
                extra["Set-Cookie"] = self.headers["x-set-cookie"]
            self._send(200, json.dumps(doc).encode(), "application/json", extra)
        elif route == "/binary":
            self._send(200, binary_payload(int(q.get("n", "4096"))), "application/octet-stream")
        elif route == "/gzip":
            raw = json.dumps({"compressed": True, "items": list(range(50))}).encode()
            self._send(200, gzip.compress(raw), "application/json", {"Content-Encoding": "gzip"})
        elif route == "/stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            pad = "." * (int(q.get("kb", "0")) * 1024)
            for i in range(int(q.get("n", "5"))):
                data = f"chunk {i}{pad}\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"0\r\n\r\n")
        elif route == "/large":
            size = int(float(q.get("mb", "3")) * 1024 * 1024)
            line = (
                b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-large-body-line\n"
            )
            data = (line * (size // len(line) + 1))[:size]
            self._send(200, data, "text/plain")
        elif route == "/redirect":
            self._send(302, b"", "text/plain", {"Location": q.get("to", "/json")})
        elif route == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif route == "/empty":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif route.startswith("/canned/"):
            status, headers, data = self.server.canned[route[len("/canned/") :]]  # type: ignore[attr-defined]
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif route == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = b"data: " + b"x" * (int(q.get("kb", "64")) * 1024 - 7) + b"\n"
            try:
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                    time.sleep(0.002)
            except OSError:
                self.close_connection = True
        elif route == "/slow":
            time.sleep(int(q.get("ms", "100")) / 1000)
            self._send(200, b'{"slow":true}', "application/json")
        else:
            self._send(404, b'{"error":"not found"}', "application/json")


class Upstream:
    """Context manager running :class:`Handler` on 127.0.0.1:0, optionally over TLS."""

    def __init__(self, tls_cert: tuple[Path, Path] | None = None) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.canned = {}  # type: ignore[attr-defined]
        if tls_cert is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls_cert[0]), str(tls_cert[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls_cert else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def can(self, name: str, status: int, headers: list[tuple[str, str]], body: bytes) -> str:
        """Register a canned response; returns its path (``/canned/NAME``)."""
        self.server.canned[name] = (status, headers, body)  # type: ignore[attr-defined]
        return f"/canned/{name}"

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        host = "localhost" if self.scheme == "https" else "127.0.0.1"
        return f"{self.scheme}://{host}:{self.port}"

    def __enter__(self) -> Upstream:
        self.thread.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost``/127.0.0.1, written as PEM (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "upstream-cert.pem", directory / "upstream-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
