"""Hand routes that replace compiled routes with the same id, decided at load time.

``stubforge compile`` writes ``<service>.compiled.yaml``; people edit every other stub
file. A route in a hand file whose ``id`` equals a compiled route's id *replaces* that
compiled route when the directory is loaded, so copying a compiled route into
``<service>.overrides.yaml`` and editing it works at once, without recompiling (and
without the recordings). The replacement is reported (``stubforge check``,
``/__admin/stubs``); it uses the defaults of the file it is written in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stubforge.load.loader import LoadedFile

COMPILED_SUFFIX = ".compiled.yaml"
"""Files the compiler owns (``compile`` keeps the same suffix)."""


@dataclass(frozen=True)
class Override:
    """A compiled route replaced by a hand route with the same id."""

    route_id: str
    file: str
    """Where the hand route is written (``file:line`` with ``line``)."""
    line: int
    replaced_file: str
    """The compiled file whose route was left out."""
    replaced_line: int

    @property
    def replaced(self) -> str:
        return f"{self.replaced_file}:{self.replaced_line}"

    def __str__(self) -> str:
        return f"{self.route_id}: {self.file}:{self.line} replaces {self.replaced}"


def is_compiled(f: LoadedFile) -> bool:
    return f.path.name.endswith(COMPILED_SUFFIX)


def apply_overrides(files: list[LoadedFile]) -> tuple[list[LoadedFile], list[Override]]:
    """Drop compiled routes whose id a hand file defines; returns the files and what was
    replaced. Duplicates among hand files (or among compiled files) are left for the
    duplicate-id check to report."""
    hand: dict[str, tuple[str, int]] = {}
    for f in files:
        if is_compiled(f):
            continue
        for i, route in enumerate(f.model.routes):
            if route.id is not None:
                hand.setdefault(route.id, (f.display, f.route_line(i)))
    if not hand:
        return files, []
    out: list[LoadedFile] = []
    overrides: list[Override] = []
    for f in files:
        if not is_compiled(f):
            out.append(f)
            continue
        keep = [i for i, r in enumerate(f.model.routes) if r.id is None or r.id not in hand]
        for i in sorted(set(range(len(f.model.routes))) - set(keep)):
            rid = f.route_ids[i]
            where, line = hand[rid]
            overrides.append(Override(rid, where, line, f.display, f.route_line(i)))
        out.append(f if len(keep) == len(f.model.routes) else _only(f, keep))
    return out, overrides


def _only(f: LoadedFile, keep: list[int]) -> LoadedFile:
    routes = [f.model.routes[i] for i in keep]
    return replace(
        f,
        model=f.model.model_copy(update={"routes": routes}),
        route_ids=tuple(f.route_ids[i] for i in keep),
        route_positions=tuple(f.route_positions[i] for i in keep),
        id_positions=tuple(f.id_positions[i] for i in keep),
    )
