"""Resource sections: mistakes are reported with file, line and field path."""

from __future__ import annotations

from pathlib import Path

from stubforge.load.loader import load_directory

BAD = """version: 1
resources:
  - name: users
    collection: /users
    item: /accounts/{id}
    operations: [read]
  - name: users
    collection: /users
    item: /users/{id}
    operations: [fly]
"""


def test_resource_errors_name_the_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    result = load_directory(tmp_path)
    shown = [str(e) for e in result.errors]
    assert any(":3:" in s and "resources[0]" in s and "collection" in s for s in shown), shown
    assert any("resources[1].operations[0]" in s for s in shown), shown
