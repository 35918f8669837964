"""``stubforge schema`` is a valid JSON Schema that accepts the sample stubs and refuses
typos, and the sample stubs point editors at it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from stubforge.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "stubs").rglob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema"]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_published_schema_file_is_up_to_date(schema: dict[str, Any]) -> None:
    published = json.loads((ROOT / "docs" / "stubs.schema.json").read_text())
    assert published == schema, (
        "regenerate with: stubforge schema -o docs/stubs.schema.json && "
        "stubforge schema -o app/stubforge/model/stubs.schema.json"
    )


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_stubs_validate_and_carry_the_editor_comment(
    schema: dict[str, Any], sample: Path
) -> None:
    text = sample.read_text()
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (sample.parent / first.split("$schema=", 1)[1].strip()).resolve()
    assert target == (ROOT / "docs" / "stubs.schema.json").resolve()
    jsonschema.validate(yaml.safe_load(text), schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    "document",
    [
        {"version": 1, "routes": [{"request": {"path": "/a"}, "respons": {}}]},
        {"version": 2, "routes": []},
        {"routes": []},
        {"version": 1, "routes": [{"request": {"path": "/a"}, "latency": {"type": "bogus"}}]},
        {"version": 1, "routes": [{"request": {"path": "/a"}, "latency": "5 parsecs"}]},
    ],
)
def test_schema_refuses_what_the_loader_refuses(
    schema: dict[str, Any], document: dict[str, Any]
) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_every_field_is_described(schema: dict[str, Any]) -> None:
    missing = [
        f"{name}.{prop}"
        for name, definition in schema["$defs"].items()
        for prop, spec in definition.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert missing == []


def test_the_package_ships_the_current_schema(schema: dict[str, Any]) -> None:
    from stubforge.model.schema import shipped_schema_text

    shipped = json.loads(shipped_schema_text())
    assert shipped == schema, (
        "regenerate: stubforge schema -o app/stubforge/model/stubs.schema.json"
    )


def test_install_writes_the_schema_next_to_the_stubs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--install", str(tmp_path / "stubs")]) == 0
    written = json.loads((tmp_path / "stubs" / "stubs.schema.json").read_text())
    assert written["$id"] == "https://stubforge.dev/schema/stubs-v1.json"
    out = capsys.readouterr().out
    assert "# yaml-language-server: $schema=stubs.schema.json" in out
