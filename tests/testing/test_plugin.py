"""The pytest plugin, as a user's test suite sees it (run through ``pytester``)."""

from __future__ import annotations

import pytest

pytest_plugins = ("pytester",)

STUBS = """
version: 1
routes:
  - id: get-customer
    request: {method: GET, path: "/v1/customers/{id}"}
    response: {status: 200, json: {id: "{{ path.id }}"}}
"""

USER_TESTS = """
import httpx
import pytest


def test_with_the_default_server(stubforge_server):
    r = httpx.get(stubforge_server.url + "/v1/customers/cus_1")
    assert r.json() == {"id": "cus_1"}
    stubforge_server.admin.assert_received("GET", "/v1/customers/{id}", count=1)
    stubforge_server.admin.assert_no_unmatched()


def test_factory_with_token_and_ephemeral_stub(stubforge, tmp_path):
    mock = stubforge("stubs", token="t0k")
    mock.admin.add_stub({"request": {"path": "/ping"}, "response": {"status": 204}})
    assert httpx.get(mock.url + "/ping").status_code == 204
    assert httpx.get(mock.url + "/__admin/requests").status_code == 401
    assert [e["request"]["path"] for e in mock.admin.requests()] == ["/ping"]
    assert mock.admin.count(path="/ping") == 1


def test_failing_expectation_explains(stubforge_server):
    httpx.get(stubforge_server.url + "/v1/customers/cus_2")
    stubforge_server.admin.assert_received("POST", "/v1/customers/{id}")
"""


@pytest.mark.timeout(90)
def test_fixtures_serve_stubs_and_assert_on_the_journal(pytester: pytest.Pytester) -> None:
    pytester.mkdir("stubs")
    (pytester.path / "stubs" / "api.yaml").write_text(STUBS)
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: FAIL POST /v1/customers/{id}: expected at least 1, got 0",
            "*closest requests:",
            "*GET /v1/customers/cus_2 -> 200 (get-customer)*",
            "*method: expected POST, got 'GET'",
        ]
    )


def test_plugin_module_imports_only_pytest() -> None:
    import subprocess
    import sys

    code = (
        "import sys, stubforge.testing.plugin; "
        "print(sorted(m for m in ('uvicorn', 'fastapi', 'httpx', 'stubforge.serve') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    assert out.strip() == "[]"
