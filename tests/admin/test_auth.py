"""Bearer-token rules of the admin API, and the refusal to expose it without one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(30)]
Serve = Callable[..., RunningServer]
TOKEN = "s3cret-token"


def _serve_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "STUBFORGE_ADMIN_TOKEN"}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "serve", *args],
        capture_output=True,
        text=True,
        timeout=20,
        env=environ,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_refuses_to_listen_beyond_loopback_without_a_token(stub_dir: Path, host: str) -> None:
    result = _serve_cli("--stubs", str(stub_dir), "--host", host, "--port", "0")
    assert result.returncode == 2
    assert f"refusing to listen on {host} without an admin token" in result.stderr
    assert "STUBFORGE_ADMIN_TOKEN" in result.stderr
    assert "--insecure-admin" in result.stderr


def test_loopback_hosts_need_no_token() -> None:
    from stubforge.admin.auth import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com"))


def test_wrong_or_missing_token_is_401_and_right_token_works(
    serve: Serve, client: httpx.Client
) -> None:
    srv = serve(admin_token=TOKEN)
    for headers in ({}, {"authorization": "Bearer nope"}, {"authorization": f"Basic {TOKEN}"}):
        for method, path in (
            ("GET", "/__admin/requests"),
            ("POST", "/__admin/reset"),
            ("GET", "/__admin/metrics"),
            ("GET", "/__admin/unknown"),
        ):
            r = client.request(method, f"{srv.url}{path}", headers=headers)
            assert r.status_code == 401, (headers, path)
            assert r.headers["www-authenticate"].startswith("Bearer")
            assert r.json()["title"] == "Unauthorized"
    ok = {"authorization": f"Bearer {TOKEN}"}
    assert client.get(f"{srv.url}/__admin/requests", headers=ok).status_code == 200
    assert client.get(f"{srv.url}/__admin/unknown", headers=ok).status_code == 404


def test_health_without_token_reveals_only_status(serve: Serve, client: httpx.Client) -> None:
    srv = serve(admin_token=TOKEN)
    assert client.get(f"{srv.url}/__admin/health").json() == {"status": "ok"}
    full = client.get(
        f"{srv.url}/__admin/health", headers={"authorization": f"Bearer {TOKEN}"}
    ).json()
    assert full["stubs"] == 2
    assert client.get(f"{srv.url}/__admin/openapi.json").status_code == 200


def test_replay_path_never_needs_or_reveals_admin_data(serve: Serve, client: httpx.Client) -> None:
    srv = serve(admin_token=TOKEN)
    assert client.get(f"{srv.url}/v1/customers/c").status_code == 200
    r = client.get(f"{srv.url}/__adminx/requests")  # not the admin prefix: a plain miss
    assert r.status_code == 404
    assert r.json()["error"] == "no stub matched"


STUB = '{"request": {"path": "/planted"}, "response": {"body": "pwned"}}'


@pytest.mark.parametrize(
    "headers",
    [
        # a page on another site posting a "simple" request (no CORS preflight)
        {"origin": "https://evil.example", "content-type": "text/plain"},
        {"origin": "null", "content-type": "text/plain"},
        {"sec-fetch-site": "cross-site", "content-type": "text/plain"},
        {"sec-fetch-site": "same-site", "origin": "http://other.localhost:3000"},
    ],
    ids=["foreign-origin", "null-origin", "sec-fetch-cross-site", "sibling-site"],
)
def test_without_a_token_cross_origin_state_changes_are_refused(
    serve: Serve, client: httpx.Client, headers: dict[str, str]
) -> None:
    server = serve()
    r = client.post(f"{server.url}/__admin/stubs", content=STUB, headers=headers)
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert "STUBFORGE_ADMIN_TOKEN" in r.json()["detail"]
    assert client.delete(f"{server.url}/__admin/requests", headers=headers).status_code == 403
    assert client.get(f"{server.url}/planted").status_code == 404  # nothing was planted


def test_without_a_token_same_origin_and_non_browser_clients_work(
    serve: Serve, client: httpx.Client
) -> None:
    server = serve()
    # curl, SDKs, the pytest plugin: no Origin, no Sec-Fetch-Site
    assert client.post(f"{server.url}/__admin/stubs", content=STUB).status_code == 201
    same = {"origin": server.url, "sec-fetch-site": "same-origin"}
    assert client.delete(f"{server.url}/__admin/stubs", headers=same).status_code == 200
    # reading cross-origin is harmless without rebinding (the browser hides the answer)
    assert (
        client.get(
            f"{server.url}/__admin/requests", headers={"origin": "https://x.example"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "10.0.0.5", "[2001:db8::1]"])
def test_without_a_token_on_loopback_a_foreign_host_header_is_refused(
    serve: Serve, client: httpx.Client, host: str
) -> None:
    server = serve()
    r = client.get(f"{server.url}/__admin/requests", headers={"host": host})
    assert r.status_code == 403
    assert "DNS rebinding" in r.json()["detail"]
    for good in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "[::1]"):
        assert (
            client.get(f"{server.url}/__admin/requests", headers={"host": good}).status_code == 200
        )


def test_with_a_token_the_token_decides(serve: Serve, client: httpx.Client) -> None:
    server = serve(admin_token=TOKEN)
    auth = {
        "authorization": f"Bearer {TOKEN}",
        "origin": "https://ci.example",
        "host": "mock.internal",
    }
    assert client.post(f"{server.url}/__admin/stubs", content=STUB, headers=auth).status_code == 201
