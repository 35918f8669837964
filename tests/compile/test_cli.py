"""``stubforge compile`` end to end: files written, ``stubforge check`` passes, hand edits
survive recompiling, a hand-edited compiled file is never overwritten silently."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from stubforge.cli import main

from .golden_cases import GOLDEN


def _compile(rec: Path, out: Path, *extra: str) -> int:
    return main(["compile", str(rec), "-o", str(out), "-q", *extra])


def test_output_passes_stubforge_check(tmp_path: Path) -> None:
    out = tmp_path / "stubs"
    assert _compile(GOLDEN / "rest" / "recordings", out) == 0
    done = subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "check", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: 3 route(s) in 2 file(s)" in done.stdout


def test_hand_edits_in_the_overrides_file_survive_recompiling(tmp_path: Path) -> None:
    out = tmp_path / "stubs"
    rec = GOLDEN / "rest" / "recordings"
    assert _compile(rec, out) == 0
    overrides = out / "shop.overrides.yaml"
    assert "routes: []" in overrides.read_text()
    overrides.write_text(
        "version: 1\nservice: shop\nroutes:\n"
        "  - id: get-v1-users-me\n"
        "    request: {method: GET, path: /v1/users/me}\n"
        "    response: {json: {id: 1, name: edited by hand}}\n"
    )
    assert _compile(rec, out) == 0
    compiled = (out / "shop.compiled.yaml").read_text()
    assert "id: get-v1-users-me\n" not in compiled
    assert "Routes defined by hand (not compiled here): get-v1-users-me" in compiled
    assert "edited by hand" in overrides.read_text()
    from stubforge.load.loader import load_directory

    result = load_directory(out)
    assert result.ok, [str(e) for e in result.errors]
    ids = [r.id for f in result.files for r in f.model.routes]
    assert ids.count("get-v1-users-me") == 1


def test_a_hand_edited_compiled_file_is_not_overwritten(tmp_path: Path, capsys: object) -> None:
    out = tmp_path / "stubs"
    rec = GOLDEN / "rest" / "recordings"
    assert _compile(rec, out) == 0
    compiled = out / "shop.compiled.yaml"
    compiled.write_text(compiled.read_text().replace("name: user1", "name: someone"))
    assert _compile(rec, out) == 1
    assert "someone" in compiled.read_text()
    assert _compile(rec, out, "--force") == 0
    assert "someone" not in compiled.read_text()


def test_hints_pin_literals_and_force_templates(tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    shutil.copytree(GOLDEN / "rest" / "recordings", rec)
    (rec / "stubforge-hints.yaml").write_text(
        "version: 1\nservices: {api.shop.example: accounts}\ntemplates: ['/v1/users/{who}']\n"
    )
    out = tmp_path / "stubs"
    assert _compile(rec, out) == 0
    text = (out / "accounts.compiled.yaml").read_text()
    assert 'path: "/v1/users/{who}"' in text
    assert "/v1/users/me" not in text


def test_missing_recordings_is_a_one_line_error(tmp_path: Path, capsys: object) -> None:
    assert _compile(tmp_path / "nowhere", tmp_path / "out") == 2
