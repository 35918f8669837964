"""``stubforge init``: a starter directory that checks, serves each kind of route, and
carries the schema for editors; it never overwrites."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from stubforge.cli import main
from stubforge.load.loader import load_directory
from stubforge.model.schema import shipped_schema_text
from tests.server import RunningServer


def test_init_writes_a_directory_that_checks_and_serves(
    stub_dir: Path,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["init", str(stub_dir)]) == 0
    assert "next: stubforge serve" in capsys.readouterr().out
    assert (stub_dir / "stubs.schema.json").read_text() == shipped_schema_text()
    example = (stub_dir / "example.yaml").read_text()
    assert example.startswith("# yaml-language-server: $schema=stubs.schema.json\n")
    assert "stubforge serve" in (stub_dir / "README.md").read_text()
    result = load_directory(stub_dir)
    assert (result.errors, result.route_count) == ([], 8)
    url = serve().url
    assert client.get(url + "/ping").json() == {"ok": True}
    assert client.get(url + "/users/u1").json()["id"] == "u1"
    assert client.post(url + "/orders", json={"quantity": 11}).status_code == 422
    created = client.post(url + "/orders", json={"quantity": 2})
    assert (created.status_code, created.json()["quantity"]) == (201, 2)
    assert client.get(url + "/greeting", params={"name": "Ada"}).text == "Hello, Ada!\n"
    assert [client.get(url + "/jobs/1").status_code for _ in range(3)] == [202, 200, 200]
    assert client.get(url + "/me").status_code == 404
    assert client.post(url + "/session").status_code == 201
    assert client.get(url + "/me").json() == {"user": "ada"}


def test_init_refuses_to_overwrite(stub_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (stub_dir / "example.yaml").write_text("mine")
    assert main(["init", str(stub_dir)]) == 2
    assert "already has example.yaml; nothing written" in capsys.readouterr().err
    assert (stub_dir / "example.yaml").read_text() == "mine"
    assert not (stub_dir / "README.md").exists()
