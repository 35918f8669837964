"""Where WireMock mappings come from: a ``mappings/`` directory (with ``__files/`` beside
it), any directory of mapping JSON files, one file, or the admin API's export
(``GET /__admin/mappings``: ``{"mappings": [...]}``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stubforge.wiremock.issues import escape_pointer


@dataclass(frozen=True)
class Mapping:
    file: str
    """The file as shown in reports (relative to the imported path's parent)."""
    pointer: str
    """Where the mapping sits in its file ("" when the file is the mapping)."""
    data: dict[str, Any]
    files: Path | None = None
    """The ``__files`` directory its ``bodyFileName`` refers to."""


@dataclass(frozen=True)
class Unreadable:
    file: str
    message: str


def mapping_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.json") if "__files" not in p.relative_to(root).parts)


def files_dir(path: Path) -> Path | None:
    """The ``__files`` directory of a mapping file: beside the nearest ``mappings/``
    directory above it (WireMock's layout), else beside or above the file itself."""
    for parent in path.parents:
        if parent.name == "mappings" and (parent.parent / "__files").is_dir():
            return parent.parent / "__files"
    for parent in list(path.parents)[:2]:
        if (parent / "__files").is_dir():
            return parent / "__files"
    return None


def read_mappings(root: Path) -> Iterator[Mapping | Unreadable]:
    shown_base = root.parent  # reports name files from the imported path's own name down
    for path in mapping_files(root):
        shown = path.relative_to(shown_base).as_posix()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield Unreadable(shown, f"not read: {exc}")
            continue
        yield from _mappings_in(shown, data, files_dir(path))


def _mappings_in(shown: str, data: Any, files: Path | None) -> Iterator[Mapping | Unreadable]:
    if isinstance(data, dict) and isinstance(data.get("mappings"), list):
        for i, item in enumerate(data["mappings"]):
            pointer = f"/mappings/{escape_pointer(i)}"
            if isinstance(item, dict):
                yield Mapping(shown, pointer, item, files)
            else:
                yield Unreadable(shown, f"{pointer}: a mapping is a JSON object")
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict):
                yield Mapping(shown, f"/{i}", item, files)
    elif isinstance(data, dict) and ("request" in data or "response" in data):
        yield Mapping(shown, "", data, files)
    else:
        yield Unreadable(shown, "not a WireMock mapping (no request/response, no mappings list)")
