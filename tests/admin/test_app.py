"""``/__admin/health`` and ``/__admin/stubs``: an empty stub set is a warning, and a hand
route replacing a compiled one says what it replaces."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]


def test_an_empty_stub_set_is_degraded_with_a_warning_and_a_log_line(
    serve: Serve, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="stubforge"):
        url = serve().url
    health = client.get(url + "/__admin/health").json()
    assert (health["status"], health["stubs"]) == ("degraded", 0)
    assert health["load_errors"] == []
    assert health["warnings"][0].startswith("no stubs: ")
    assert any(r.getMessage().startswith("no stubs: ") for r in caplog.records)
    added = client.post(url + "/__admin/stubs", json={"request": {"path": "/a"}})
    assert added.status_code == 201
    health = client.get(url + "/__admin/health").json()
    assert (health["status"], health["warnings"]) == ("ok", [])


def test_deleting_every_file_then_reloading_warns(
    write_stub: WriteStubs, stub_dir: Path, serve: Serve, client: httpx.Client
) -> None:
    write_stub("api.yaml", "version: 1\nroutes: [{request: {path: /a}}]\n")
    url = serve().url
    assert client.get(url + "/__admin/health").json()["status"] == "ok"
    (stub_dir / "api.yaml").unlink()
    assert client.post(url + "/__admin/reload").status_code == 200
    assert client.get(url + "/__admin/health").json()["status"] == "degraded"


def test_the_stub_list_shows_which_compiled_route_an_override_replaces(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    route = "  - id: {id}\n    request: {{path: /{id}}}\n    response: {{body: {body}}}\n"
    write_stub(
        "shop.compiled.yaml",
        "version: 1\nroutes:\n" + route.format(id="a", body="c") + route.format(id="b", body="c"),
    )
    write_stub("shop.overrides.yaml", "version: 1\nroutes:\n" + route.format(id="a", body="h"))
    url = serve().url
    stubs = {s["id"]: s for s in client.get(url + "/__admin/stubs").json()["stubs"]}
    assert stubs["a"]["file"].endswith("shop.overrides.yaml")
    assert stubs["a"]["replaces"].endswith("shop.compiled.yaml:3")
    assert "replaces" not in stubs["b"]
    assert client.get(url + "/a").text == "h"
