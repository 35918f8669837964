"""A generated 2,000-route set serves the same answers loaded the careful and the fast way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from stubforge.load import fastyaml, loader
from stubforge.serve.config import ServeConfig
from tests.server import running_server

ROUTES = 2000


def _route(i: int) -> dict[str, Any]:
    kind = i % 5
    if kind == 0:
        return {
            "id": f"r{i}",
            "request": {"method": "GET", "path": f"/s{i % 20}/items/{i}"},
            "response": {"status": 200, "json": {"id": i, "price": i / 4, "ok": i % 2 == 0}},
        }
    if kind == 1:  # no id: a generated one
        return {
            "request": {"method": "POST", "path": f"/s{i % 20}/orders{i}"},
            "response": {"status": 201, "headers": {"location": f"/o/{i}"}, "json": [i, None]},
        }
    if kind == 2:
        return {
            "id": f"r{i}",
            "request": {
                "method": "GET",
                "path": f"/s{i % 20}/users{i}/{{user_id}}",
                "headers": {"x-tenant": f"t{i % 7}"},
            },
            "response": {"status": 200, "body": f"user of route {i}\n"},
        }
    if kind == 3:
        return {
            "id": f"r{i}",
            "request": {"method": "GET", "path": f"/s{i % 20}/search{i}", "query": {"q": f"v{i}"}},
            "response": {"status": 200, "json": {"results": [f"2024-01-{i % 28 + 1:02d}"]}},
        }
    return {
        "id": f"r{i}",
        "request": {"method": "DELETE", "path": f"/s{i % 20}/things/{i}"},
        "response": {"status": 404 if i % 3 else 204},
    }


def _request(i: int) -> tuple[str, str, dict[str, str]]:
    method, kind = ["GET", "POST", "GET", "GET", "DELETE"][i % 5], i % 5
    path = [
        f"/s{i % 20}/items/{i}",
        f"/s{i % 20}/orders{i}",
        f"/s{i % 20}/users{i}/u7",
        f"/s{i % 20}/search{i}?q=v{i}",
        f"/s{i % 20}/things/{i}",
    ][kind]
    return method, path, {"x-tenant": f"t{i % 7}"} if kind == 2 else {}


def _write_set(directory: Path) -> None:
    """Half the routes in block YAML in one file, half as one flow mapping a line."""
    half = ROUTES // 2
    block = {"version": 1, "service": "block", "routes": [_route(i) for i in range(half)]}
    (directory / "block.yaml").write_text(yaml.safe_dump(block, sort_keys=False))
    lines = [json.dumps(_route(i)) for i in range(half, ROUTES)]
    flow = "version: 1\nservice: flow\nroutes:\n" + "".join(f"  - {line}\n" for line in lines)
    (directory / "flow.yaml").write_text(flow)


def _answers(stubs: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(loader, "FAST_YAML", fast)
    config = ServeConfig(watch=False)
    with (
        running_server(stubs, config, start_timeout=60) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        for i in range(ROUTES):
            method, path, headers = _request(i)
            response = client.request(method, path, headers=headers)
            yield f"{i} {method} {path} -> {response.status_code} {response.text}"


@pytest.mark.timeout(240)
@pytest.mark.skipif(not fastyaml.AVAILABLE, reason="libyaml is not installed")
def test_every_route_answers_the_same_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_set(tmp_path)
    for name in ("block.yaml", "flow.yaml"):  # the fast path really runs
        assert fastyaml.load_fast((tmp_path / name).read_text()) is not None
    careful = list(_answers(tmp_path, False, monkeypatch))
    fast = list(_answers(tmp_path, True, monkeypatch))
    assert len(careful) == ROUTES
    assert sum(" -> 404 " in a for a in careful) < ROUTES // 5  # the routes did match
    assert fast == careful
