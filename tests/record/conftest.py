"""Fixtures: a real upstream on 127.0.0.1:0 and the real recorder as a subprocess."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .upstream import Upstream

ROOT = Path(__file__).resolve().parents[2]
REDACT_KEY = "test-redaction-key"


RECORDER_MISSING = (
    None
    if importlib.util.find_spec("mitmproxy") is not None
    else "the recorder needs mitmproxy (the record extra, Python >= 3.12)"
)
"""Why recorder tests skip here: the README's test command on Python 3.11 gets no mitmproxy
(see docs/recording.md); CI runs on 3.12+, where they run."""


class Recorder:
    """``python -m stubforge.record record ...`` running on an ephemeral port."""

    def __init__(
        self,
        args: list[str],
        out: Path,
        env: dict[str, str],
        preexec_fn: Callable[[], None] | None = None,
    ) -> None:
        if RECORDER_MISSING:
            pytest.skip(RECORDER_MISSING)
        self.out = out
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "stubforge.record",
                "record",
                "--listen",
                "127.0.0.1:0",
                "--out",
                str(out),
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=preexec_fn,
        )
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._pump, daemon=True).start()
        if not self._ready.wait(20):
            self.stop()
            raise RuntimeError("recorder did not start:\n" + "".join(self.lines))

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                self._ready.set()
        self._ready.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5)


@pytest.fixture
def record_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["STUBFORGE_REDACT_KEY"] = REDACT_KEY
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["HOME"] = str(tmp_path / "home")
    env.pop("HTTPS_PROXY", None)
    env.pop("HTTP_PROXY", None)
    return env


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as u:
        yield u


RecorderFactory = Callable[..., Recorder]


@pytest.fixture
def start_recorder(tmp_path: Path, record_env: dict[str, str]) -> Iterator[RecorderFactory]:
    started: list[Recorder] = []

    def start(
        args: list[str], out: Path | None = None, preexec_fn: Callable[[], None] | None = None
    ) -> Recorder:
        r = Recorder(args, out or tmp_path / "recordings", record_env, preexec_fn)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()


def wait_for_lines(out: Path, n: int, timeout: float = 10) -> None:
    """Wait until ``out`` holds at least ``n`` lines (writes are synchronous; this is a guard)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total = sum(f.read_bytes().count(b"\n") for f in out.glob("*.jsonl"))
        if total >= n:
            return
        time.sleep(0.05)
