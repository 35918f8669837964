"""Load every stub file under a directory: parse, validate, and report every error at once."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from stubforge.load import fastyaml
from stubforge.load.errors import LoadError, format_field_path
from stubforge.load.overrides import Override, apply_overrides
from stubforge.load.validation import errors_from_validation
from stubforge.load.yamlpos import Positions, YamlError, load_yaml
from stubforge.model.stub import StubFile

STUB_SUFFIXES = (".yaml", ".yml")
BODY_DIR = "bodies"
"""Directories with this name hold body files (``body_file``), never stub files."""
EXTENSION_PREFIX = "x-"
"""Top-level keys with this prefix are ignored: a place for YAML anchors (``x-common: &c``)."""
MAX_FILE_SIZE = 16 << 20
"""The largest stub file read (16 MiB)."""
FAST_YAML = fastyaml.AVAILABLE
"""Parse with libyaml and no position map first (see :mod:`stubforge.load.fastyaml`);
the careful path answers every file the fast one gives up on or that fails validation."""


@dataclass(frozen=True)
class LoadedFile:
    """One valid stub file: where it is, what it holds, and where each value was written."""

    path: FsPath
    display: str
    model: StubFile
    route_ids: tuple[str, ...]
    route_positions: tuple[tuple[int, int], ...]
    """Where each route starts, and (``id_positions``) where its ``id`` is written: the
    positions still needed after loading. The whole position map is dropped (for 10,000
    routes it is about half of the memory a loaded stub set would otherwise keep)."""
    id_positions: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, path: FsPath, display: str, model: StubFile, positions: Positions) -> LoadedFile:
        routes = range(len(model.routes))
        return cls(
            path,
            display,
            model,
            _route_ids(model),
            tuple(positions.value(("routes", i)) for i in routes),
            tuple(positions.value(("routes", i, "id")) for i in routes),
        )

    def route_line(self, index: int) -> int:
        return self.route_positions[index][0]

    @property
    def service(self) -> str:
        return self.model.service or self.path.stem


@dataclass
class LoadResult:
    """The files that loaded and every error found; usable only when ``errors`` is empty."""

    root: FsPath
    files: list[LoadedFile] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    """Compiled routes replaced by hand routes with the same id."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def route_count(self) -> int:
        return sum(len(f.model.routes) for f in self.files)


def display_path(path: FsPath) -> str:
    """A path relative to the working directory when it is below it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def stub_files(root: FsPath) -> list[FsPath]:
    """Every ``*.yaml`` / ``*.yml`` below ``root``, sorted; hidden files and directories
    and ``bodies/`` directories (where body files live) are skipped."""
    if root.is_file():
        return [root]
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != BODY_DIR)
        for name in filenames:
            if name.endswith(STUB_SUFFIXES) and not name.startswith("."):
                found.append(FsPath(dirpath) / name)
    return sorted(found)


def load_directory(root: FsPath) -> LoadResult:
    """Load the stubs under ``root`` (a directory or one file)."""
    result = LoadResult(root=root)
    if not root.exists():
        result.errors.append(LoadError(display_path(root), 0, 0, "", "stubs path does not exist"))
        return result
    base = root if root.is_dir() else root.parent
    for path in stub_files(root):
        loaded, errors = load_file(path, base)
        result.errors.extend(errors)
        if loaded is not None:
            result.files.append(loaded)
    result.files, result.overrides = apply_overrides(result.files)
    result.errors.extend(_duplicate_ids(result.files))
    result.errors.sort(key=lambda e: (e.file, e.line, e.col))
    return result


def load_file(path: FsPath, root: FsPath) -> tuple[LoadedFile | None, list[LoadError]]:
    """Parse and validate one file; ``root`` confines ``body_file`` references."""
    shown = display_path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block the reader
            message = "not a regular file (a directory, FIFO or device): remove or rename it"
            return None, [LoadError(shown, 0, 0, "", message)]
        if info.st_size > MAX_FILE_SIZE:
            message = f"file of {info.st_size} bytes is over the {MAX_FILE_SIZE}-byte limit"
            return None, [LoadError(shown, 0, 0, "", message)]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [LoadError(shown, 1, 1, "", f"not UTF-8 text: {exc.reason}")]
    except OSError as exc:
        return None, [LoadError(shown, 0, 0, "", f"cannot read: {exc.strerror}")]
    fast = fastyaml.load_fast(text) if FAST_YAML else None
    try:
        data, positions = fast if fast is not None else load_yaml(text)
    except YamlError as exc:
        return None, [LoadError(shown, exc.line, exc.col, format_field_path(exc.path), exc.message)]
    if data is None:
        message = "empty file: a stub file starts with 'version: 1'"
        return None, [LoadError(shown, 1, 1, "", message)]
    if not isinstance(data, dict):
        return None, [
            LoadError(shown, 1, 1, "", "a stub file is a mapping with 'version' and 'routes'")
        ]
    data = _without_extensions(data)
    context = {"root": root, "file_dir": path.parent}
    try:
        model = StubFile.model_validate(data, context=context)
    except ValidationError as exc:
        if fast is not None:  # the positions of every value, for the errors
            data, positions = load_yaml(text)
            data = _without_extensions(data)
        return None, errors_from_validation(exc, data, StubFile, shown, positions)
    return LoadedFile.of(path, shown, model, positions), []


def _without_extensions(data: dict[Any, Any]) -> dict[Any, Any]:
    return {
        k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith(EXTENSION_PREFIX))
    }


def _route_ids(model: StubFile) -> tuple[str, ...]:
    """Given ids, or ``METHOD /path`` for routes without one (``#2``, ``#3`` if repeated)."""
    ids: list[str] = []
    generated: dict[str, int] = {}
    for route in model.routes:
        if route.id is not None:
            ids.append(route.id)
            continue
        base = f"{'|'.join(route.request.methods)} {route.request.path}"
        n = generated.get(base, 0) + 1
        generated[base] = n
        ids.append(base if n == 1 else f"{base}#{n}")
    return tuple(ids)


def _duplicate_ids(files: Iterable[LoadedFile]) -> list[LoadError]:
    errors = []
    first: dict[str, tuple[str, int]] = {}
    for f in files:
        for i, route in enumerate(f.model.routes):
            if route.id is None:
                continue
            line, col = f.id_positions[i]
            if route.id in first:
                where, at = first[route.id]
                errors.append(
                    LoadError(
                        f.display,
                        line,
                        col,
                        f"routes[{i}].id",
                        f"duplicate route id {route.id!r} (first defined at {where}:{at})",
                    )
                )
            else:
                first[route.id] = (f.display, line)
    return errors
