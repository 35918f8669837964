"""``stubforge compile --update``: recordings captured by ``serve --on-miss record`` are
merged into compiled stubs; routes they do not cover are kept, hand overrides are left
alone and still win, and the command says what changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml

from stubforge.cli import main
from stubforge.compile.update import insert_routes
from tests.conftest import WriteStubs
from tests.proxy.upstream import ProxyUpstream
from tests.server import RunningServer

Serve = Callable[..., RunningServer]


def _record(server: RunningServer, paths: list[str]) -> None:
    capture = server.state.passthrough.capture()
    before = capture.written
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for path in paths:
            assert client.get(path).status_code == 200
    deadline = time.monotonic() + 10
    while capture.written < before + len(paths) and time.monotonic() < deadline:
        time.sleep(0.02)
    capture.flush()


def _route_ids(path: Path) -> list[str]:
    return [r["id"] for r in yaml.safe_load(path.read_text())["routes"]]


def test_insert_routes_keeps_what_follows() -> None:
    text = "# head\nversion: 1\nroutes:\n  - id: a\n    request: {path: /a}\nresources: []\n"
    merged = insert_routes(text, [{"id": "b", "request": {"path": "/b"}}])
    assert yaml.safe_load(merged)["routes"] == [
        {"id": "a", "request": {"path": "/a"}},
        {"id": "b", "request": {"path": "/b"}},
    ]
    assert merged.startswith("# head\n") and merged.rstrip().endswith("resources: []")
    assert yaml.safe_load(insert_routes("version: 1\nroutes: []\n", [{"id": "c"}])) == {
        "version": 1,
        "routes": [{"id": "c"}],
    }


def test_update_merges_new_recordings_and_keeps_an_override(
    write_stub: WriteStubs,
    serve: Serve,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STUBFORGE_REDACT_KEY", "k")
    stubs = tmp_path / "stubs"  # the serve fixture's directory
    first, second = tmp_path / "rec1", tmp_path / "rec2"
    with ProxyUpstream() as upstream:
        write_stub("start.yaml", f"version: 1\nservice: start\nupstream: {upstream.url}\n")
        _record(serve(on_miss="record", recordings=first), ["/json", "/binary?n=16"])
        (stubs / "start.yaml").unlink()
        assert main(["compile", str(first), "-o", str(stubs), "-q"]) == 0
        (compiled,) = stubs.glob("*.compiled.yaml")
        service = compiled.name.removesuffix(".compiled.yaml")
        ids = _route_ids(compiled)
        json_id = next(i for i in ids if "json" in i)
        binary_id = next(i for i in ids if "binary" in i)
        overrides = stubs / f"{service}.overrides.yaml"
        override = (
            f"version: 1\nservice: {service}\nroutes:\n  - id: {json_id}\n"
            "    request: {method: GET, path: /json}\n"
            "    response: {status: 200, json: {by: hand}}\n"
        )
        overrides.write_text(override)
        # the stubs now answer /json (by hand) and /binary; /echo is captured as a miss
        server = serve(on_miss="record", recordings=second, upstream=upstream.url)
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/json").json() == {"by": "hand"}
        _record(server, ["/echo", "/gzip"])
    capsys.readouterr()
    assert main(["compile", str(second), "-o", str(stubs), "--update", "-q"]) == 0
    report = capsys.readouterr().out
    after = _route_ids(compiled)
    added = [i for i in after if i not in ids]
    assert len(added) == 2 and any("echo" in i for i in added)
    assert binary_id in after  # kept: the new recordings do not cover it
    assert json_id not in after  # the hand route owns it
    assert overrides.read_text() == override
    assert "added: 2" in report and f"kept (not in these recordings): 1: {binary_id}" in report
    # the merged stubs serve: the override still wins, kept and added routes answer
    server = serve()
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/json").json() == {"by": "hand"}
        assert client.get("/binary", params={"n": "16"}).status_code == 200
        assert client.get("/gzip").status_code == 200
    # a second update with the same recordings changes nothing but says so
    assert main(["compile", str(second), "-o", str(stubs), "--update", "-q"]) == 0
    assert "unchanged: 2" in capsys.readouterr().out
