"""Golden tests: recordings in, byte-identical stubs out, and the stubs load cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.load.loader import load_directory

from .golden_cases import CASES, GOLDEN


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_output_matches_the_golden_files(case: str, tmp_path: Path) -> None:
    output = compile_directory(GOLDEN / case / "recordings", Hints())
    write_output(tmp_path, output)
    (tmp_path / "report.txt").write_text(output.report.text())
    assert _tree(tmp_path) == _tree(GOLDEN / case / "expected")


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_stubs_pass_the_loader(case: str) -> None:
    result = load_directory(GOLDEN / case / "expected")
    assert result.ok, [str(e) for e in result.errors]
    assert result.route_count >= 1


def test_compiling_twice_gives_identical_bytes(tmp_path: Path) -> None:
    for n in (1, 2):
        write_output(tmp_path / str(n), compile_directory(GOLDEN / "rest" / "recordings", Hints()))
    assert _tree(tmp_path / "1") == _tree(tmp_path / "2")
