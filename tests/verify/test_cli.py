"""``stubforge verify EXPECTATIONS.yaml --url ...`` against a real server, as CI runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(60)]
Serve = Callable[..., RunningServer]

EXPECTATIONS = """
version: 1
expect:
  - name: one charge of 100
    request:
      method: POST
      path: /v1/charges
      body: {jsonpath: {"$.amount": 100}}
    count: 1
  - request: {method: GET, path: "/v1/customers/{id}"}
    at_least: 1
  - name: no unmatched requests
    request: {unmatched: true}
    count: 0
"""


def _verify(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STUBFORGE_ADMIN_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "verify", path.name, *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        cwd=path.parent,
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "expect.yaml"
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def test_passes_when_the_mock_got_what_was_expected(serve: Serve, tmp_path: Path) -> None:
    srv = serve(admin_token="tok")
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        c.post("/v1/charges", json={"amount": 100, "currency": "usd"})
        c.get("/v1/customers/cus_1")
    result = _verify(_write(tmp_path, EXPECTATIONS), "--url", srv.url, "--token", "tok")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "PASS one charge of 100: expected exactly 1, got 1",
        "  criteria: POST /v1/charges where body $.amount == 100",
        "PASS GET /v1/customers/{id}: expected at least 1, got 1",
        "PASS no unmatched requests: expected none, got 0",
        "  criteria: any request where unmatched",
        "3 passed, 0 failed",
    ]


def test_fails_with_a_readable_report(serve: Serve, tmp_path: Path) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        c.post("/v1/charges", json={"amount": 250, "currency": "usd"})
        c.get("/v1/customer/cus_1")
    result = _verify(_write(tmp_path, EXPECTATIONS), "--url", srv.url)
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL one charge of 100: expected exactly 1, got 0" in out
    assert 'body: expected $.amount == 100, got \'{"amount":250' in out
    assert "FAIL GET /v1/customers/{id}: expected at least 1, got 0" in out
    assert "FAIL no unmatched requests: expected none, got 1" in out
    assert "GET /v1/customer/cus_1 -> 404 (unmatched)" in out
    assert out.rstrip().endswith("0 passed, 3 failed")


def test_session_option_limits_the_check(serve: Serve, tmp_path: Path) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        c.get("/v1/customers/cus_1", headers={"x-stubforge-session": "run-1"})
    spec = _write(
        tmp_path,
        """
        version: 1
        expect:
          - request: {path: "/v1/customers/{id}"}
            count: 1
    """,
    )
    assert _verify(spec, "--url", srv.url, "--session", "run-1").returncode == 0
    assert _verify(spec, "--url", srv.url, "--session", "run-2").returncode == 1


def test_invalid_file_is_reported_with_lines_and_exit_2(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        """
        version: 1
        expect:
          - request: {method: GET, path: "/a/{"}
          - request: {method: GET}
            count: 1
            at_least: 2
          - reqest: {}
        """,
    )
    result = _verify(spec, "--url", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "expect.yaml:3:34: expect[0].request.path: path '/a/{': unbalanced brace in segment '{'",
        "expect.yaml:4:5: expect[1]: give either count, or at_least / at_most, not both",
        "expect.yaml:7:5: expect[2].reqest: unknown field 'reqest'; did you mean 'request'? "
        "(valid: name, request, count, at_least, at_most)",
        "stubforge verify: invalid expectations file",
    ]


def test_unreachable_server_and_wrong_token_exit_2(serve: Serve, tmp_path: Path) -> None:
    spec = _write(tmp_path, EXPECTATIONS)
    result = _verify(spec, "--url", "http://127.0.0.1:9", "--timeout", "2")
    assert result.returncode == 2
    assert "cannot reach http://127.0.0.1:9" in result.stderr
    srv = serve(admin_token="right")
    result = _verify(spec, "--url", srv.url, "--token", "wrong")
    assert result.returncode == 2
    assert "refused the admin token (401)" in result.stderr


def test_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    result = _verify(tmp_path / "missing.yaml", "--url", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "stubforge verify: cannot read missing.yaml: No such file or directory"
    ]
