"""Compile output stays inside ``-o`` and never deletes what the compiler did not write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.compile.compiler import CompileOutput
from stubforge.compile.merge import UnsafePathError, write_output

from .golden_cases import GOLDEN


@pytest.mark.parametrize("name", ["../../x", "../x", "/etc/x", "a/b", "..", ".hidden", ""])
def test_a_hints_service_name_that_is_not_a_file_name_is_refused(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "rec"
    shutil.copytree(GOLDEN / "rest" / "recordings", rec)
    (rec / "stubforge-hints.yaml").write_text(
        f"version: 1\nservices: {{api.shop.example: {name!r}}}\n"
    )
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    out = tmp_path / "work" / "stubs"
    assert main(["compile", str(rec), "-o", str(out), "-q"]) == 2
    assert "must be a plain file name" in capsys.readouterr().err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if "rec" not in p.parts) == [
        "keep.txt",
        "victim",
    ]


@pytest.mark.parametrize(
    ("files", "bodies"),
    [
        ({"../x.compiled.yaml": "version: 1\n"}, {}),
        ({}, {"bodies/../../outside.json": b"{}"}),
        ({}, {"/tmp/abs.json": b"{}"}),
    ],
)
def test_write_output_refuses_paths_outside_the_output_directory(
    tmp_path: Path, files: dict[str, str], bodies: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    with pytest.raises(UnsafePathError):
        write_output(out, CompileOutput(files=files, body_files=bodies))
    assert not out.exists()  # nothing written at all
    assert [p.name for p in tmp_path.iterdir()] == []


def test_recompiling_prunes_only_body_files_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "stubs"
    old = CompileOutput(
        files={
            "svc.compiled.yaml": "version: 1\nroutes:\n"
            "  - response: {body_file: bodies/svc/a.json}\n"
        },
        body_files={"bodies/svc/a.json": b"{}"},
    )
    write_output(out, old)
    hand = out / "bodies" / "svc" / "hand-made.json"
    hand.write_text("{}")
    new = CompileOutput(files={"svc.compiled.yaml": "version: 1\nroutes: []\n"})
    write_output(out, new)
    assert not (out / "bodies" / "svc" / "a.json").exists()  # ours, no longer used
    assert hand.read_text() == "{}"  # never ours
