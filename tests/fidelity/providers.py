"""Real open-source services the fidelity tests compare the mock with, run on 127.0.0.1.

Each is installed by the project's own files (``tests/fidelity/package.json`` for npm
packages, the ``test`` extra for PyPI ones); a test skips when its service is missing.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

HERE = Path(__file__).parent
JSON_SERVER = HERE / "node_modules" / ".bin" / "json-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class JsonServer:
    """``json-server`` (npm) over a fresh copy of ``db`` in ``workdir``."""

    def __init__(self, db: dict[str, Any], workdir: Path) -> None:
        if not JSON_SERVER.exists() or shutil.which("node") is None:
            pytest.skip("json-server is not installed: cd tests/fidelity && npm ci")
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / "db.json"
        path.write_text(json.dumps(db))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(JSON_SERVER), str(path), "--port", str(self.port), "--host", "127.0.0.1"],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(self.url + "/db", timeout=1)
                return
            except httpx.HTTPError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("json-server did not start") from None
                time.sleep(0.1)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self) -> JsonServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
