"""Ephemeral stubs: routes added through the admin API for one test, optionally for one
session only.

They are validated like file routes (:mod:`stubforge.load.stub_input`), compiled once when
added, and joined with the routes from files into a new :class:`StubSet` that the server
swaps in atomically. They survive a reload of the files and are dropped by
``DELETE /__admin/stubs/{id}`` or a reset.

Precedence is the router's usual one (priority, literal over template, specificity,
conditions); among otherwise equal routes the newest ephemeral stub wins, then older
ephemeral stubs, then file routes. A session-scoped stub carries one more condition
(the ``X-Stubforge-Session`` header) so it also wins over an equal unscoped route.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from stubforge.match.router import MatchRoute, Router
from stubforge.model.matchers import StringMatcherSpec
from stubforge.model.stub import Route
from stubforge.serve.session import SESSION_HEADER as SESSION_HEADER_BYTES
from stubforge.serve.stubset import StubSet, compile_route

SESSION_HEADER = SESSION_HEADER_BYTES.decode()
SOURCE = "(admin API)"
"""The ``file`` reported for ephemeral routes."""


@dataclass(frozen=True)
class EphemeralStub:
    id: str
    route: Route
    session: str | None
    created: float
    compiled: MatchRoute
    data: Any = None
    """The route as posted (JSON data): what replicas share (``ephemeral_sync``)."""

    def describe(self) -> dict[str, object]:
        return {"ephemeral": True, "session": self.session, "created": self.created}


class EphemeralStubs:
    """The ephemeral stubs in the order they were added."""

    def __init__(self) -> None:
        self._stubs: dict[str, EphemeralStub] = {}
        self._order = itertools.count(1)
        self.stamp: str | None = None
        """The shared list this set was last built from or announced as."""

    def __len__(self) -> int:
        return len(self._stubs)

    def __iter__(self) -> Iterator[EphemeralStub]:
        return iter(list(self._stubs.values()))

    def __contains__(self, stub_id: object) -> bool:
        return stub_id in self._stubs

    def get(self, stub_id: str) -> EphemeralStub | None:
        return self._stubs.get(stub_id)

    def compile(
        self, stub_id: str, route: Route, session: str | None, root: Path, data: Any = None
    ) -> EphemeralStub:
        """Compile a validated route (raises only on bugs: the route already validated)."""
        spec = route
        if session is not None:
            headers = {**route.request.headers, SESSION_HEADER: StringMatcherSpec(equals=session)}
            spec = route.model_copy(
                update={"request": route.request.model_copy(update={"headers": headers})}
            )
        order = -next(self._order)  # newer first among otherwise equal routes
        compiled = compile_route(
            spec,
            stub_id,
            "ephemeral",
            {},
            None,
            {"root": root, "file_dir": root},
            order,
            SOURCE,
            0,
        )
        return EphemeralStub(stub_id, route, session, time.time(), compiled, data)

    def replace(self, stubs: Iterable[EphemeralStub], stamp: str | None) -> None:
        """Become exactly ``stubs`` (a shared list adopted from another replica)."""
        self._stubs = {s.id: s for s in stubs}
        self.stamp = stamp

    def add(self, stubs: Iterable[EphemeralStub]) -> None:
        for stub in stubs:
            self._stubs[stub.id] = stub

    def remove(self, stub_id: str) -> bool:
        return self._stubs.pop(stub_id, None) is not None

    def clear(self, session: str | None = None) -> int:
        """Drop all ephemeral stubs, or only those scoped to ``session``."""
        if session is None:
            n = len(self._stubs)
            self._stubs.clear()
            return n
        gone = [k for k, s in self._stubs.items() if s.session == session]
        for k in gone:
            del self._stubs[k]
        return len(gone)


def merge(files: StubSet, ephemeral: EphemeralStubs) -> StubSet:
    """The stub set to serve: the file routes plus the ephemeral ones (a new router)."""
    if not len(ephemeral):
        return files
    stubs = list(ephemeral)
    scenarios = {k: set(v) for k, v in files.scenarios.items()}
    for s in stubs:
        state = s.route.state
        if state is not None:
            names = scenarios.setdefault(state.scenario, {"started"})
            names.update(n for n in (state.requires, state.next) if n)
    return replace(
        files,
        router=Router([*files.routes, *(s.compiled for s in stubs)]),
        scenarios=scenarios,
        stateful=files.stateful
        or any(s.route.state is not None and s.route.state.requires is not None for s in stubs),
    )
