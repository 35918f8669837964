"""json-server (typicode/json-server, an open-source fake REST API) in two releases, side by
side: 0.17.4 (Express) and 1.0.0-beta.3 (a rewrite whose answers changed).

Each release is installed once with npm into ``.cache/npm/json-server-<version>`` of the
repository and run on 127.0.0.1 with its own copy of a small database.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = "0.17.4", "1.0.0-beta.3"
DB = {
    "posts": [
        {"id": 1, "title": "json-server", "views": 100, "author": "typicode"},
        {"id": 2, "title": "stubforge", "views": 200, "author": "ada"},
    ],
    "comments": [{"id": 1, "text": "a comment", "postId": 1}],
    "profile": {"name": "typicode"},
}


def installed(version: str) -> Path:
    """The ``json-server`` executable of ``version``, installing it on first use."""
    prefix = ROOT / ".cache" / "npm" / f"json-server-{version}"
    binary = prefix / "node_modules" / ".bin" / "json-server"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("json-server needs Node.js and npm")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
         f"json-server@{version}"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and binary.exists(), done.stderr[-2000:]
    return binary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def running(version: str, workdir: Path) -> Iterator[str]:
    """json-server ``version`` on a fresh copy of the database; yields its base URL."""
    binary = installed(version)
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"db-{version}.json"
    db.write_text(json.dumps(DB))
    port = _free_port()
    proc = subprocess.Popen(
        [str(binary), "--host", "127.0.0.1", "--port", str(port), str(db)],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/profile", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"json-server {version} did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
