"""``stubforge compile`` prints the projected fidelity, also as JSON, unless told not to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stubforge.cli import main
from tests.compile.test_resources import crud_tape


def test_compile_reports_projected_fidelity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crud_tape().write(tmp_path / "rec")
    assert main(["compile", str(tmp_path / "rec"), "-o", str(tmp_path / "out"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["fidelity"]["overall"]["identical_share"] == 1.0
    assert report["fidelity"]["held_out_every"] == 5
    args = ["compile", str(tmp_path / "rec"), "-o", str(tmp_path / "out2"), "--no-fidelity"]
    assert main(args) == 0
    assert "projected fidelity" not in capsys.readouterr().out
