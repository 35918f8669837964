"""Every public spec: import succeeds (or reports what it skipped), the stubs load, and
``check --spec`` holds every stubbed response to the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.load.loader import load_directory
from stubforge.openapi.conformance import check_stubs
from stubforge.openapi.importer import import_file
from stubforge.openapi.spec import Spec
from tests.openapi.specs import LARGE, OAI, PublicSpec


@pytest.mark.parametrize("public", OAI + LARGE, ids=lambda s: s.file)
def test_import_then_check_passes(public: PublicSpec, tmp_path: Path) -> None:
    spec_path = public.path(tmp_path)
    out = tmp_path / "stubs"
    assert main(["import", "openapi", str(spec_path), "-o", str(out)]) == 0
    loaded = load_directory(out)
    assert loaded.ok, loaded.errors
    result = check_stubs(loaded, Spec.load(spec_path))
    assert result.problems == []
    assert result.unknown == []
    assert main(["check", str(out), "--spec", str(spec_path)]) == 0


def test_callbacks_and_webhooks_are_reported_with_pointers(tmp_path: Path) -> None:
    callback = import_file(OAI[3].path(tmp_path)).report
    assert [(n.kind, n.pointer) for n in callback.notes] == [
        ("skipped", "#/paths/~1streams/post/callbacks")
    ]
    webhook = import_file(OAI[5].path(tmp_path)).report
    assert [(n.kind, n.pointer) for n in webhook.notes] == [("skipped", "#/webhooks/newPet")]


def test_box_operations_that_differ_by_fragment_are_reported(tmp_path: Path) -> None:
    imported = import_file(LARGE[0].path(tmp_path))
    report = imported.report
    assert report.operations == 296
    skipped = [n for n in report.notes if n.kind == "skipped"]
    assert skipped and all("same method and path" in n.message for n in skipped)
    assert all("#" not in r["request"]["path"] for r in imported.document["routes"])


def test_import_is_deterministic_per_seed(tmp_path: Path) -> None:
    spec = OAI[1].path(tmp_path)
    first = import_file(spec, seed=7).yaml_text("x")
    assert import_file(spec, seed=7).yaml_text("x") == first
    assert import_file(spec, seed=8).yaml_text("x") != first


def test_a_large_import_is_split_by_tag(tmp_path: Path) -> None:
    imported = import_file(LARGE[0].path(tmp_path))
    files = imported.files("box.json")
    assert len(files) > 10
    assert all(name.startswith("box-platform-api/") for name in files)
    assert "box-platform-api/folders.yaml" in files
    import yaml

    counts = [len(yaml.safe_load(text)["routes"]) for text in files.values()]
    assert max(counts) <= 100 and sum(counts) == len(imported.document["routes"])
    small = import_file(OAI[0].path(tmp_path)).files("petstore.yaml")
    assert list(small) == ["swagger-petstore.yaml"]
