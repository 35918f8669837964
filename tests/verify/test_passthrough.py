"""``passthrough: 0``: a CI job fails when its tests reached the real provider, through
``stubforge verify`` and through the pytest plugin's admin client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.proxy.upstream import ProxyUpstream
from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(60)]
Serve = Callable[..., RunningServer]


@pytest.fixture
def upstream() -> Iterator[ProxyUpstream]:
    with ProxyUpstream() as up:
        yield up


def _verify(tmp_path: Path, text: str, url: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "expect.yaml"
    path.write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "STUBFORGE_ADMIN_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "verify", str(path), "--url", url],
        capture_output=True, text=True, timeout=30, env=env, check=False,
    )  # fmt: skip


def _settle(server: RunningServer, n: int) -> None:
    deadline = time.monotonic() + 5
    while len(server.state.journal) < n and time.monotonic() < deadline:
        time.sleep(0.01)


def test_verify_fails_when_a_request_passed_through(
    serve: Serve, upstream: ProxyUpstream, tmp_path: Path
) -> None:
    server = serve(on_miss="proxy", upstream=upstream.url)
    assert httpx.get(f"{server.url}/v1/customers/cus_1").status_code == 200  # a stub
    assert _verify(tmp_path, "version: 1\npassthrough: 0\n", server.url).returncode == 0
    assert httpx.get(f"{server.url}/json").status_code == 200  # the real upstream
    _settle(server, 2)
    done = _verify(tmp_path, "version: 1\npassthrough: 0\n", server.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL passthrough: 0: expected none, got 1" in done.stdout
    assert "GET /json -> 200" in done.stdout
    assert "0 passed, 1 failed" in done.stdout


def test_an_empty_expectations_file_is_still_an_error(tmp_path: Path) -> None:
    done = _verify(tmp_path, "version: 1\n", "http://127.0.0.1:9")
    assert done.returncode == 2 and "at least one expectation" in done.stderr


def test_the_plugin_client_asserts_no_passthrough(
    upstream: ProxyUpstream, stubforge: Callable[..., object], stub_dir: Path
) -> None:
    mock = stubforge(stub_dir, on_miss="proxy", upstream=upstream.url)
    url = mock.url  # type: ignore[attr-defined]
    admin = mock.admin  # type: ignore[attr-defined]
    httpx.get(f"{url}/v1/customers/cus_1")
    admin.assert_no_passthrough()
    httpx.get(f"{url}/json")
    deadline = time.monotonic() + 5
    while admin.count(passthrough=True) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(AssertionError, match="passed through"):
        admin.assert_no_passthrough()
