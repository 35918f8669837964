"""The fast stub-file parser: the careful path's data, and it gives up on anything unusual."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.load import fastyaml, loader
from stubforge.load.yamlpos import MAX_BYTES, MAX_DEPTH, load_yaml
from tests.load.test_yamlpos import BOMB

pytestmark = pytest.mark.skipif(not fastyaml.AVAILABLE, reason="libyaml is not installed")

STUB = """\
version: 1
x-scalars: [0, 7, 010, 0x1f, 1_000, -3, +4, 1:30, 1.0e3, .inf, True, NO, ~, null, ""]
service: shop
routes:
  - id: one
    request: {method: GET, path: /a}
    response: {status: 200, json: {n: 1, f: 1.5, t: true, z: null, d: 2024-01-02}}
  - request: {method: POST, path: /b}
    response:
      status: 201
      headers: {"200": "on", yes: no}
      body: "text"
"""


def test_gives_the_careful_paths_data_and_route_positions() -> None:
    fast = fastyaml.load_fast(STUB)
    assert fast is not None
    data, positions = load_yaml(STUB)
    assert fast[0] == data
    assert fast[0]["routes"][1]["response"]["headers"] == {"200": "on", "yes": False}
    assert fast[0]["x-scalars"][:8] == [0, 7, 8, 31, 1000, -3, 4, 90]
    for path in [("routes", 0), ("routes", 0, "id"), ("routes", 1), ("routes", 1, "id")]:
        assert fast[1].value(path) == positions.value(path)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(BOMB, id="alias bomb"),
        pytest.param("a: &x 1\nb: *x\n", id="alias"),
        pytest.param("a: {<<: {b: 1}}\n", id="merge key"),
        pytest.param("a: 1\na: 2\n", id="duplicate key"),
        pytest.param("? [a]\n: 1\n", id="non-scalar key"),
        pytest.param("a: [1\n", id="syntax error"),
        pytest.param("a: 1\n---\nb: 2\n", id="two documents"),
        pytest.param("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2), id="too deep"),
        pytest.param("a: !custom x\n", id="unknown tag"),
        pytest.param("", id="empty"),
    ],
)
def test_gives_up_where_the_careful_path_decides(text: str) -> None:
    assert fastyaml.load_fast(text) is None


def test_gives_up_on_a_text_over_the_size_limit() -> None:
    assert fastyaml.load_fast("a: " + "x" * MAX_BYTES) is None


@pytest.mark.timeout(20)
def test_an_alias_bomb_in_a_stub_file_is_still_refused(tmp_path: Path) -> None:
    assert loader.FAST_YAML
    path = tmp_path / "bomb.yaml"
    path.write_text("version: 1\nx-bomb:\n" + "".join(f"  {line}\n" for line in BOMB.split("\n")))
    loaded, errors = loader.load_file(path, tmp_path)
    assert loaded is None
    assert len(errors) == 1 and "alias bomb" in errors[0].message


def test_a_validation_error_keeps_its_position_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(STUB.replace("status: 201", "status: 2001"))
    assert fastyaml.load_fast(path.read_text()) is not None
    fast = loader.load_file(path, tmp_path)[1]
    monkeypatch.setattr(loader, "FAST_YAML", False)
    careful = loader.load_file(path, tmp_path)[1]
    assert fast == careful
    assert [(e.line, e.field) for e in fast] == [(10, "routes[1].response.status")]
