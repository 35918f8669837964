"""A hand route with a compiled route's id replaces it at load time, reported by ``check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.load.loader import load_directory
from tests.conftest import WriteStubs

COMPILED = """
version: 1
service: shop
defaults: {headers: {x-from: compiled}}
routes:
  - id: get-item
    request: {method: GET, path: "/items/{id}"}
    response: {json: {source: compiled}}
  - id: list-items
    request: {method: GET, path: /items}
    response: {json: []}
"""


def test_a_hand_route_replaces_the_compiled_route_with_its_id(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub("shop.compiled.yaml", COMPILED)
    write_stub(
        "shop.overrides.yaml",
        """
        version: 1
        service: shop
        routes:
          - id: get-item
            request: {method: GET, path: "/items/{id}"}
            response: {json: {source: hand}}
        """,
    )
    result = load_directory(stub_dir)
    assert result.errors == []
    ids = [(f.path.name, rid) for f in result.files for rid in f.route_ids]
    assert ids == [("shop.compiled.yaml", "list-items"), ("shop.overrides.yaml", "get-item")]
    [override] = result.overrides
    assert (override.route_id, Path(override.file).name, override.line) == (
        "get-item",
        "shop.overrides.yaml",
        4,
    )
    assert (Path(override.replaced_file).name, override.replaced_line) == (
        "shop.compiled.yaml",
        5,
    )


def test_the_same_id_twice_in_hand_files_is_still_an_error(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    route = "routes: [{id: a, request: {path: /a}, response: {status: 204}}]"
    write_stub("one.yaml", f"version: 1\n{route}\n")
    write_stub("two.yaml", f"version: 1\n{route}\n")
    errors = load_directory(stub_dir).errors
    assert [e.message.split(" (")[0] for e in errors] == ["duplicate route id 'a'"]


def test_check_reports_each_override(
    write_stub: WriteStubs,
    stub_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    write_stub("shop.compiled.yaml", COMPILED)
    write_stub(
        "shop.overrides.yaml",
        "version: 1\nroutes:\n  - id: list-items\n    request: {path: /items}\n"
        "    response: {status: 204}\n",
    )
    assert main(["check", "stubs"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "ok: 2 route(s) in 2 file(s) under stubs",
        "  override list-items: stubs/shop.overrides.yaml:3 replaces stubs/shop.compiled.yaml:8",
    ]
    assert main(["check", "stubs", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [o["route_id"] for o in report["overrides"]] == ["list-items"]
