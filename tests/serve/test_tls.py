"""HTTPS: ``--tls self-signed`` (a local CA kept and reused, a server certificate per
start) and ``--tls-cert/--tls-key``; real clients trust the CA (httpx, curl --cacert)."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from stubforge.serve.tls import TlsError, given, hosts_for, self_signed

pytest.importorskip("trustme")
APP = str(Path(__file__).resolve().parents[2] / "app")


def test_the_ca_is_made_once_and_reused(tmp_path: Path) -> None:
    first = self_signed(tmp_path, ["localhost", "127.0.0.1"])
    assert first.ca is not None
    ca = first.ca.read_bytes()
    assert (tmp_path / "ca-key.pem").stat().st_mode & 0o077 == 0
    second = self_signed(tmp_path, ["localhost", "mock.internal"])
    assert second.ca is not None and second.ca.read_bytes() == ca
    ctx = ssl.create_default_context(cafile=str(first.ca))  # the leaf verifies against it
    ctx.load_verify_locations(cafile=str(second.ca))
    given(second.cert, second.key)  # a matching pair


def test_hosts_and_bad_pairs(tmp_path: Path) -> None:
    assert hosts_for("0.0.0.0", ["mock.internal", ""]) == [
        "localhost",
        "127.0.0.1",
        "::1",
        "mock.internal",
    ]
    a, b = self_signed(tmp_path / "a", ["localhost"]), self_signed(tmp_path / "b", ["localhost"])
    with pytest.raises(TlsError, match="cannot be used together"):
        given(a.cert, b.key)
    with pytest.raises(TlsError, match="no such file"):
        given(tmp_path / "nope.pem", a.key)
    with pytest.raises(TlsError, match="not a host name"):
        self_signed(tmp_path, ["bad host!"])


@contextmanager
def _serve(stubs: Path, *args: str) -> Iterator[tuple[int, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs), "--port",
         str(port), "--no-watch", "--log-level", "warning", *args],
        env={**os.environ, "PYTHONPATH": APP}, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.communicate()[1]) from None
                time.sleep(0.1)
        yield port, ""
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err


@pytest.fixture
def stubs(tmp_path: Path) -> Path:
    d = tmp_path / "stubs"
    d.mkdir()
    (d / "api.yaml").write_text(
        "version: 1\nroutes:\n  - {request: {method: GET, path: /ping}, response: {json: pong}}\n"
    )
    return d


def test_self_signed_https_trusted_by_httpx_and_curl(stubs: Path, tmp_path: Path) -> None:
    tls = tmp_path / "tls"
    with _serve(stubs, "--tls", "self-signed", "--tls-dir", str(tls)) as (port, _):
        ca = tls / "ca.pem"
        r = httpx.get(
            f"https://localhost:{port}/ping",
            verify=ssl.create_default_context(cafile=ca),
            timeout=5,
        )
        assert r.json() == "pong"
        r = httpx.get(
            f"https://127.0.0.1:{port}/ping",
            verify=ssl.create_default_context(cafile=ca),
            timeout=5,
        )
        assert r.status_code == 200
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"https://localhost:{port}/ping", timeout=5)  # not trusted by default
        if shutil.which("curl"):
            ok = subprocess.run(
                ["curl", "-sS", "--cacert", str(ca), f"https://localhost:{port}/ping"],
                capture_output=True, text=True, timeout=20, check=False,
            )  # fmt: skip
            assert ok.returncode == 0 and ok.stdout == '"pong"'
            refused = subprocess.run(
                ["curl", "-sS", f"https://localhost:{port}/ping"],
                capture_output=True, timeout=20, check=False,
            )  # fmt: skip
            assert refused.returncode == 60  # peer certificate cannot be authenticated


def test_given_certificate_and_key(stubs: Path, tmp_path: Path) -> None:
    files = self_signed(tmp_path / "mine", ["localhost"])
    assert files.ca is not None
    args = ("--tls-cert", str(files.cert), "--tls-key", str(files.key))
    with _serve(stubs, *args) as (port, _):
        r = httpx.get(
            f"https://localhost:{port}/ping",
            verify=ssl.create_default_context(cafile=files.ca),
            timeout=5,
        )
        assert r.json() == "pong"


def test_bad_tls_options_are_one_line_errors(stubs: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs),
         "--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", str(tmp_path / "k.pem")],
        env={**os.environ, "PYTHONPATH": APP}, capture_output=True, text=True, timeout=30,
        check=False,
    )  # fmt: skip
    assert run.returncode == 2
    assert "--tls-cert: no such file" in run.stderr and "Traceback" not in run.stderr
