"""``stubforge import wiremock`` on WireMock's own mappings: the figures, the report, and
stub files that load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.load.loader import load_directory

DATA = Path(__file__).resolve().parents[1] / "data"


def test_wiremocks_own_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "stubs", tmp_path / "report.json"
    code = main(
        ["import", "wiremock", str(DATA / "wiremock"), "-o", str(out), "--report", str(report)]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert "61 mapping(s): 42 converted fully, 16 partly, 3 not converted" in lines
    issues = [line for line in lines if "#/" in line or "#:" in line]
    assert all(line.startswith("wiremock/") for line in issues), issues
    assert json.loads(report.read_text())["counts"] == {"full": 42, "partial": 16, "none": 3}
    loaded = load_directory(out)
    assert (loaded.errors, loaded.route_count) == ([], 58)
    assert (out / "stubs.schema.json").is_file()


def test_the_feature_mappings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "stubs"
    assert (
        main(["import", "wiremock", str(DATA / "wiremock-features" / "mappings"), "-o", str(out)])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert "31 mapping(s): 27 converted fully, 3 partly, 1 not converted" in lines
    assert (
        "mappings/behaviour.json#/mappings/8/request/bodyPatterns/0/equalToXml: "
        "body pattern 'equalToXml' has no equivalent" in lines
    )
    assert load_directory(out).errors == []
    assert (out / "bodies" / "user.json").is_file()


def test_a_missing_source_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "wiremock", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.startswith("stubforge import: no such file or directory")


def test_existing_stub_files_are_not_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = DATA / "wiremock-features" / "mappings" / "priority.json"
    (tmp_path / "priority.yaml").write_text("version: 1\nroutes: []\n")
    assert main(["import", "wiremock", str(source), "-o", str(tmp_path)]) == 2
    assert "would overwrite" in capsys.readouterr().err
    assert (tmp_path / "priority.yaml").read_text() == "version: 1\nroutes: []\n"
    assert main(["import", "wiremock", str(source), "-o", str(tmp_path), "--force"]) == 0
    assert "catch-all" in (tmp_path / "priority.yaml").read_text()
