"""Everything the running server holds: settings, the current stub set, load errors.

``reload()`` loads and compiles in a worker thread and swaps the stub set in one
assignment; a failed load keeps the last good set and records the errors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from stubforge.behave.rng import RandomStreams
from stubforge.load.errors import LoadError
from stubforge.load.loader import load_directory
from stubforge.serve import heap
from stubforge.serve.background import Background
from stubforge.serve.config import ServeConfig
from stubforge.serve.ephemeral import EphemeralStubs, merge
from stubforge.serve.journal import Journal
from stubforge.serve.metrics import Metrics
from stubforge.serve.passthrough import Passthrough
from stubforge.serve.stubset import StubSet, build_stubset
from stubforge.store.base import Store
from stubforge.store.factory import open_store

log = logging.getLogger("stubforge")


@dataclass
class ReloadOutcome:
    ok: bool
    routes: int
    errors: list[LoadError] = field(default_factory=list)


RELOAD_TIMEOUT = 60.0
"""Seconds a reload may take before it is given up (the last good set keeps serving)."""


def _load(config: ServeConfig) -> tuple[StubSet | None, list[LoadError]]:
    result = load_directory(config.stubs)
    if not result.ok:
        return None, result.errors
    return build_stubset(result), []


def _guarded_load(config: ServeConfig) -> tuple[StubSet | None, list[LoadError]]:
    """:func:`_load`, with any unexpected failure turned into a load error."""
    try:
        return _load(config)
    except Exception as exc:
        log.exception("loading %s failed", config.stubs)
        return None, [
            LoadError(
                str(config.stubs), 0, 0, "", f"stubs failed to load: {type(exc).__name__}: {exc}"
            )
        ]


class ServerState:
    def __init__(self, config: ServeConfig, stubs: StubSet) -> None:
        self.config = config
        self.file_stubs = stubs
        """The routes loaded from files; ``stubs`` adds the ephemeral ones."""
        self.stubs = stubs
        self.ephemeral = EphemeralStubs()
        self.journal = Journal(config.journal_size)
        self.metrics = Metrics()
        self.load_errors: list[LoadError] = []
        self.last_reload = time.time()
        self.reloads = 0
        self._reload_lock = asyncio.Lock()
        self.started = time.time()
        """When serving began: the origin of error windows with ``origin: start``."""
        self.store: Store = open_store(config.store, config.store_namespace, config.state_ttl)
        """Scenario states, sequence positions and counters, per session (shared by the
        replicas using the same Redis store)."""
        self.streams = RandomStreams(config.seed)
        self.profile: str | None = config.profile
        """The global profile (``PUT /__admin/profile``, ``--profile``)."""
        self.profile_since = self.started
        self.passthrough = Passthrough(config)
        """The on-miss policy (``--on-miss``), upstreams, connection pool and capture."""
        self.background = Background()
        """The watcher and the shared-profile follower, supervised (``/__admin/health``)."""

    def warnings(self) -> list[str]:
        """What is wrong without being an error: today, serving no route at all."""
        if self.stubs.routes:
            return []
        return [f"no stubs: {self.config.stubs} holds no route; every request is a miss"]

    async def reset_behaviour(self, session: str | None = None) -> int:
        """Forget scenario states, sequence positions and counters (of one session) and
        restart the seeded random streams."""
        self.streams.reset(session)
        return await self.store.clear(session)

    @classmethod
    def initial(cls, config: ServeConfig) -> tuple[ServerState | None, list[LoadError]]:
        stubs, errors = _guarded_load(config)
        if stubs is None:
            return None, errors
        state = cls(config, stubs)
        for warning in state.warnings():
            log.warning("%s", warning)
        if config.tune_process:
            heap.settle()
        return state, []

    async def reload(self, reason: str = "request") -> ReloadOutcome:
        async with self._reload_lock:
            try:
                stubs, errors = await asyncio.wait_for(
                    asyncio.to_thread(_guarded_load, self.config), RELOAD_TIMEOUT
                )
            except TimeoutError:
                message = f"reload gave up after {RELOAD_TIMEOUT:.0f}s (a file that never ends?)"
                stubs, errors = None, [LoadError(str(self.config.stubs), 0, 0, "", message)]
            self.last_reload = time.time()
            if stubs is None:
                self.load_errors = errors
                log.error(
                    "reload (%s) failed with %d error(s); still serving the last good %d route(s)",
                    reason,
                    len(errors),
                    len(self.stubs.routes),
                )
                for err in errors:
                    log.error("%s", err)
                return ReloadOutcome(False, len(self.stubs.routes), errors)
            self.file_stubs = stubs
            self.stubs = merge(stubs, self.ephemeral)
            self.load_errors = []
            self.reloads += 1
            if self.config.tune_process:
                heap.settle()
            log.info("reloaded (%s): %d route(s)", reason, len(stubs.routes))
            for warning in self.warnings():
                log.warning("%s", warning)
            return ReloadOutcome(True, len(stubs.routes))

    def publish_ephemeral(self) -> None:
        """Serve the file routes plus the current ephemeral stubs (an atomic swap)."""
        self.stubs = merge(self.file_stubs, self.ephemeral)
