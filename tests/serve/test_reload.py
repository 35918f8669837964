"""Hot reload over a real server: good edits are served within a second, broken edits keep
the last good stub set serving and are reported by /__admin/health and /__admin/reload."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

GOOD = """
version: 1
routes:
  - id: greeting
    request: {method: GET, path: /hello}
    response: {body: "{word}"}
"""

BROKEN = """
version: 1
routes:
  - id: greeting
    request: {method: GET, path: /hello}
    response: {status: nine}
"""


def wait_for(check: Callable[[], bool], timeout: float = 3.0) -> float:
    """Seconds until ``check()`` holds; fail after ``timeout``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true after {timeout}s")
        time.sleep(0.02)
    return time.monotonic() - start


@pytest.mark.timeout(30)
def test_good_edit_is_served_within_a_second(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    srv = serve(watch=True)
    assert client.get(f"{srv.url}/hello").text == "hello"
    time.sleep(0.2)  # let the watcher start
    write_stub("api.yaml", GOOD.replace("{word}", "bonjour"))
    took = wait_for(lambda: client.get(f"{srv.url}/hello").text == "bonjour")
    assert took < 1.0
    write_stub("more.yaml", "version: 1\nroutes:\n  - request: {path: /new}\n")
    wait_for(lambda: client.get(f"{srv.url}/new").status_code == 200)


@pytest.mark.timeout(30)
def test_broken_edit_keeps_serving_and_health_reports_it(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    srv = serve(watch=True)
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "ok"
    time.sleep(0.2)
    write_stub("api.yaml", BROKEN)

    def degraded() -> bool:
        return bool(client.get(f"{srv.url}/__admin/health").json()["status"] == "degraded")

    wait_for(degraded)
    health = client.get(f"{srv.url}/__admin/health").json()
    shown = str(stub_dir / "api.yaml")
    assert health["load_errors"] == [
        f"{shown}:5:24: routes[0].response.status: Input should be a valid integer, unable to "
        "parse string as an integer (got 'nine')"
    ]
    assert health["stubs"] == 1
    assert client.get(f"{srv.url}/hello").text == "hello"  # the last good set still serves

    write_stub("api.yaml", GOOD.replace("{word}", "fixed"))
    wait_for(lambda: client.get(f"{srv.url}/hello").text == "fixed")
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "ok"


def test_admin_reload_reports_errors_then_succeeds(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    srv = serve()  # no watcher: only the admin API reloads
    write_stub("api.yaml", BROKEN)
    r = client.post(f"{srv.url}/__admin/reload")
    assert r.status_code == 422
    body = r.json()
    assert body["ok"] is False
    assert len(body["errors"]) == 1 and ":5:24: routes[0].response.status:" in body["errors"][0]
    assert body["error_details"][0]["line"] == 5
    assert client.get(f"{srv.url}/hello").text == "hello"
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "degraded"

    write_stub("api.yaml", GOOD.replace("{word}", "again"))
    r = client.post(f"{srv.url}/__admin/reload")
    assert (r.status_code, r.json()["ok"], r.json()["errors"]) == (200, True, [])
    assert client.get(f"{srv.url}/hello").text == "again"
    health = client.get(f"{srv.url}/__admin/health").json()
    assert (health["status"], health["load_errors"]) == ("ok", [])


UNKNOWN_FILTER = """
version: 1
routes:
  - id: greeting
    request: {method: GET, path: /hello}
    response: {body: "{{ query.name | defualt('you') }}"}
"""


@pytest.mark.timeout(30)
def test_an_unknown_filter_is_a_load_error_and_the_watcher_lives_on(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    srv = serve(watch=True)
    time.sleep(0.2)
    write_stub("api.yaml", UNKNOWN_FILTER)
    wait_for(lambda: client.get(f"{srv.url}/__admin/health").json()["status"] == "degraded")
    health = client.get(f"{srv.url}/__admin/health").json()
    assert health["load_errors"] == [
        f"{stub_dir / 'api.yaml'}:5:22: routes[0].response.body: template uses unknown filter "
        "'defualt'; did you mean 'default'? (template line 1)"
    ]
    assert health["tasks"]["watcher"]["state"] == "running"
    r = client.post(f"{srv.url}/__admin/reload")
    assert (r.status_code, r.json()["ok"]) == (422, False)
    assert client.get(f"{srv.url}/hello").text == "hello"  # the last good set serves
    # the watcher still picks up the next edit
    write_stub("api.yaml", GOOD.replace("{word}", "fixed"))
    wait_for(lambda: client.get(f"{srv.url}/hello").text == "fixed")
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "ok"


@pytest.mark.timeout(30)
def test_a_fifo_named_yaml_does_not_wedge_reload(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    srv = serve(watch=True)
    time.sleep(0.2)
    fifo = stub_dir / "pipe.yaml"
    os.mkfifo(fifo)  # reading it would block until a writer comes
    r = client.post(f"{srv.url}/__admin/reload")
    assert r.status_code == 422
    assert r.json()["errors"] == [
        f"{fifo}:0:0: not a regular file (a directory, FIFO or device): remove or rename it"
    ]
    wait_for(lambda: client.get(f"{srv.url}/__admin/health").json()["status"] == "degraded")
    fifo.unlink()
    write_stub("api.yaml", GOOD.replace("{word}", "after"))
    wait_for(lambda: client.get(f"{srv.url}/hello").text == "after")
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "ok"


@pytest.mark.timeout(30)
def test_a_link_to_the_root_directory_is_not_followed(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    (stub_dir / "everything").symlink_to("/")
    srv = serve(watch=True)
    time.sleep(0.2)
    write_stub("api.yaml", GOOD.replace("{word}", "edited"))
    wait_for(lambda: client.get(f"{srv.url}/hello").text == "edited")
    health = client.get(f"{srv.url}/__admin/health").json()
    assert (health["status"], health["tasks"]["watcher"]["state"]) == ("ok", "running")


@pytest.mark.timeout(30)
def test_a_failed_watcher_shows_as_degraded_and_restarts(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    write_stub("api.yaml", GOOD.replace("{word}", "hello"))
    srv = serve(watch=True)
    time.sleep(0.2)
    moved = stub_dir.with_name("elsewhere")
    stub_dir.rename(moved)  # the watched directory is gone
    (moved / "api.yaml").write_text(GOOD.replace("{word}", "x"))

    def watcher() -> dict[str, object]:
        tasks: dict[str, dict[str, object]] = client.get(f"{srv.url}/__admin/health").json()[
            "tasks"
        ]
        return tasks["watcher"]

    wait_for(lambda: int(watcher()["restarts"]) >= 1, timeout=10)  # type: ignore[call-overload]
    health = client.get(f"{srv.url}/__admin/health").json()
    assert health["status"] == "degraded"
    assert any(p.startswith("watcher: ") for p in health["problems"])
    moved.rename(stub_dir)
    wait_for(lambda: watcher()["state"] == "running", timeout=10)
    time.sleep(0.3)
    write_stub("api.yaml", GOOD.replace("{word}", "back"))
    wait_for(lambda: client.get(f"{srv.url}/hello").text == "back", timeout=10)


def _configmap_version(root: Path, version: str, text: str) -> None:
    """What the kubelet's atomic writer does: a new hidden directory, then ``..data``
    renamed onto a link to it; ``api.yaml`` links through ``..data``."""
    data = root / f"..{version}"
    data.mkdir()
    (data / "api.yaml").write_text(text)
    tmp = root / "..data_tmp"
    tmp.symlink_to(data.name)
    os.rename(tmp, root / "..data")
    if not (root / "api.yaml").is_symlink():
        (root / "api.yaml").symlink_to("..data/api.yaml")


@pytest.mark.timeout(30)
def test_a_configmap_update_is_picked_up(
    stub_dir: Path, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    _configmap_version(stub_dir, "2026_12_02_v1", GOOD.replace("{word}", "v1"))
    srv = serve(watch=True)
    assert client.get(f"{srv.url}/hello").text == "v1"
    time.sleep(0.2)  # let the watcher start
    _configmap_version(stub_dir, "2026_12_02_v2", GOOD.replace("{word}", "v2"))
    wait_for(lambda: client.get(f"{srv.url}/hello").text == "v2", timeout=10)
    stubs = client.get(f"{srv.url}/__admin/stubs").json()["stubs"]
    assert [s["id"] for s in stubs] == ["greeting"]  # the hidden copies are not loaded
