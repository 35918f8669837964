"""How compiled output and hand edits coexist in one stubs directory.

* ``<service>.compiled.yaml`` and ``bodies/<service>/`` belong to the compiler: every
  compile rewrites them. The first line carries a checksum of the rest; when the file on
  disk no longer matches it (someone edited it), the compiler refuses to overwrite it
  unless ``--force`` is given, and says where edits belong.
* Every other ``*.yaml`` / ``*.yml`` in the directory belongs to people. The compiler
  creates ``<service>.overrides.yaml`` once (an empty route list with instructions) and
  never touches it again.
* A hand file's route whose ``id`` equals a compiled route's id *replaces* it: the
  compiler leaves that route out of the compiled file (and says so in the header and the
  report). New hand routes simply add to the set; ``priority`` makes them win over
  compiled routes matching the same requests.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from stubforge.compile.compiler import COMPILED_SUFFIX, CompileOutput
from stubforge.load.loader import stub_files
from stubforge.load.yamlpos import YamlError, load_plain_yaml

CHECKSUM_PREFIX = "# stubforge-compiled sha256="


class HandEditedError(Exception):
    """A compiled file was edited by hand; overwriting it would lose the edits."""


class UnsafePathError(Exception):
    """A name in the compiled output would make a path outside the output directory."""


def confined(out_dir: Path, rel: str) -> Path:
    """``out_dir / rel``, refused unless it stays inside ``out_dir`` (no ``..``, no
    absolute path, no link leading out)."""
    target = out_dir / rel
    root = out_dir.resolve()
    resolved = target.resolve()
    if Path(rel).is_absolute() or ".." in Path(rel).parts or not resolved.is_relative_to(root):
        raise UnsafePathError(f"refusing to write {rel!r}: it is outside {out_dir}")
    return target


def seal(text: str) -> str:
    """Prefix a compiled file's text with the checksum line."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"{CHECKSUM_PREFIX}{digest}\n{text}"


def is_pristine(text: str) -> bool:
    """True when ``text`` is a sealed compiled file nobody edited."""
    first, _, rest = text.partition("\n")
    if not first.startswith(CHECKSUM_PREFIX):
        return False
    return hashlib.sha256(rest.encode()).hexdigest()[:16] == first[len(CHECKSUM_PREFIX) :]


def hand_route_ids(out_dir: Path) -> tuple[dict[str, str], list[str]]:
    """Route ids (and ``resource:NAME`` for resources) defined in hand files under
    ``out_dir`` → file name; and unreadable files."""
    owned: dict[str, str] = {}
    problems: list[str] = []
    if not out_dir.is_dir():
        return owned, problems
    for path in stub_files(out_dir):
        if path.name.endswith(COMPILED_SUFFIX):
            continue
        rel = path.relative_to(out_dir).as_posix()
        try:
            data = load_plain_yaml(path.read_text(encoding="utf-8"))
        except (OSError, YamlError, UnicodeDecodeError) as exc:
            problems.append(f"{rel}: not read ({type(exc).__name__}); its routes may clash")
            continue
        routes = data.get("routes") if isinstance(data, dict) else None
        for route in routes if isinstance(routes, list) else []:
            if isinstance(route, dict) and isinstance(route.get("id"), str):
                owned.setdefault(route["id"], rel)
        resources = data.get("resources") if isinstance(data, dict) else None
        for res in resources if isinstance(resources, list) else []:
            if isinstance(res, dict) and isinstance(res.get("name"), str):
                owned.setdefault(f"resource:{res['name']}", rel)
    return owned, problems


def overrides_text(service: str) -> str:
    """The overrides file created next to a newly compiled service."""
    return (
        f"# Hand edits for {service}: this file is yours; 'stubforge compile' never rewrites it.\n"
        f"# A route here with the same id as one in {service}.compiled.yaml replaces it\n"
        "# (copy the route over and edit it); new routes add to the compiled ones, and\n"
        "# 'priority: 10' makes a route win over compiled routes matching the same requests.\n"
        "version: 1\n"
        f"service: {service}\n"
        "routes: []\n"
    )


def write_output(out_dir: Path, output: CompileOutput, force: bool = False) -> list[str]:
    """Write compiled files, body files and missing overrides files; returns what was written.

    Raises :class:`HandEditedError` (before writing anything) when a compiled file was
    edited by hand and ``force`` is false.
    """
    for rel in [*output.files, *output.body_files]:
        confined(out_dir, rel)  # every path is checked before anything is written
    edited = []
    previous: set[str] = set()
    for name in sorted(output.files):
        target = out_dir / name
        if target.is_file():
            previous |= _body_files_of(target)
        if target.exists() and not force and not is_pristine(target.read_text(encoding="utf-8")):
            edited.append(str(target))
    if edited:
        raise HandEditedError(
            f"{', '.join(edited)} changed since it was compiled; re-compiling would lose the "
            "changes. Move them to the service's .overrides.yaml (routes there replace compiled "
            "routes with the same id), then delete the file or pass --force"
        )
    written: list[str] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in sorted(output.files):
        confined(out_dir, name).write_text(seal(output.files[name]), encoding="utf-8")
        written.append(name)
        service = name[: -len(COMPILED_SUFFIX)]
        overrides = confined(out_dir, f"{service}.overrides.yaml")
        if not overrides.exists():
            overrides.write_text(overrides_text(service), encoding="utf-8")
            written.append(overrides.name)
    _prune_bodies(previous, out_dir, output)
    for rel in sorted(output.body_files):
        path = confined(out_dir, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(output.body_files[rel])
    if output.body_files:
        written.append(f"bodies/ ({len(output.body_files)} file(s))")
    return written


def _body_files_of(compiled: Path) -> set[str]:
    """The body files a compiled file written earlier refers to (``bodies/...``): the only
    files a new compile may delete. An edited or unreadable file gives none."""
    try:
        text = compiled.read_text(encoding="utf-8")
        if not is_pristine(text):
            return set()
        data = load_plain_yaml(text)
    except (OSError, UnicodeDecodeError, YamlError):
        return set()
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "body_file" and isinstance(item, str) and item.startswith("bodies/"):
                    found.add(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


def _prune_bodies(previous: set[str], out_dir: Path, output: CompileOutput) -> None:
    """Remove body files an earlier compile wrote that the new output no longer uses --
    never a file the compiler did not write (a hand-made body next to them stays)."""
    for rel in sorted(previous - set(output.body_files)):
        try:
            path = confined(out_dir, rel)
        except UnsafePathError:
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink()
