"""The container's command, taken from the Dockerfile, starts the server on the sample stubs.

No Docker engine runs where these tests run, so the image itself is not built here; this
runs the image's exact ENTRYPOINT + CMD with the installed console script (the port moved
to an ephemeral one, /stubs replaced by a copy of the sample stubs) and probes it with the
HEALTHCHECK's own command.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _instruction(name: str) -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [ln for ln in text.splitlines() if ln.startswith(name + " ")]
    assert lines, f"Dockerfile has no {name}"
    raw = lines[-1][len(name) + 1 :].strip()
    if name == "HEALTHCHECK":
        raw = raw.split(" CMD ", 1)[1].strip()
    value = json.loads(raw)
    assert isinstance(value, list)
    return [str(v) for v in value]


def test_dockerfile_command_serves_the_sample_stubs(tmp_path: Path) -> None:
    stubs = tmp_path / "stubs"
    shutil.copytree(ROOT / "stubs", stubs)
    argv = _instruction("ENTRYPOINT") + _instruction("CMD")
    assert argv[:2] == ["stubforge", "serve"]
    assert "0.0.0.0" in argv and "/stubs" in argv
    exe = Path(sys.executable).parent / "stubforge"
    command = [str(exe), *[str(stubs) if a == "/stubs" else a for a in argv[1:]], "--port", "0"]
    env = {**os.environ, "STUBFORGE_ADMIN_TOKEN": "container-test-token"}
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.monotonic() + 20
        assert proc.stderr is not None
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            m = re.search(r"Uvicorn running on http://0\.0\.0\.0:(\d+)", line)
            if m:
                port = int(m.group(1))
        assert port, f"server did not start (exit {proc.poll()})"
        r = httpx.get(f"http://127.0.0.1:{port}/v1/customers/cus_1", timeout=5)
        assert r.status_code == 200
        assert r.json()["id"] == "cus_1"
        probe = _instruction("HEALTHCHECK")
        assert probe[0] == "python"
        code = probe[2].replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        health = subprocess.run([sys.executable, "-c", code], timeout=10)
        assert health.returncode == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
