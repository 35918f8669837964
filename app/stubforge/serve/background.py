"""Background tasks (the stub-directory watcher, the shared-profile follower): supervised,
restarted after a failure, and visible in ``/__admin/health``.

A task that raises is logged with its traceback and started again after a back-off
(1 s, doubling up to 30 s): a background task never dies silently. Its status says
whether it is running, when it last failed and why, and -- through ``busy`` -- whether it
is stuck in one piece of work (a reload that does not finish).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("stubforge")

RETRY_FIRST = 1.0
RETRY_MAX = 30.0
STUCK_AFTER = 30.0
"""Seconds one piece of work (a reload) may take before the task counts as stuck."""
RECENT_FAILURE = 60.0
"""A task that failed less than this long ago is reported as degraded."""


@dataclass
class TaskStatus:
    name: str
    state: str = "starting"
    """``starting``, ``running``, ``restarting`` (after a failure) or ``stopped``."""
    restarts: int = 0
    error: str | None = None
    failed_at: float | None = None
    busy_since: float | None = field(default=None, repr=False)
    """Monotonic time the current piece of work started, or ``None`` when idle."""

    def busy(self) -> None:
        self.busy_since = time.monotonic()

    def idle(self) -> None:
        self.busy_since = None

    def problem(self) -> str | None:
        """Why this task makes the server degraded, or ``None``."""
        if self.state == "restarting":
            return f"{self.name}: failed ({self.error}); restarting"
        if self.busy_since is not None and time.monotonic() - self.busy_since > STUCK_AFTER:
            return f"{self.name}: stuck for {time.monotonic() - self.busy_since:.0f}s"
        if self.failed_at is not None and time.time() - self.failed_at < RECENT_FAILURE:
            return f"{self.name}: failed {time.time() - self.failed_at:.0f}s ago ({self.error})"
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "restarts": self.restarts,
            "last_error": self.error,
            "last_failure": self.failed_at,
            "problem": self.problem(),
        }


class Background:
    """The server's background tasks and their statuses."""

    def __init__(self) -> None:
        self.statuses: dict[str, TaskStatus] = {}

    def start(self, name: str, run: Callable[[TaskStatus], Awaitable[None]]) -> asyncio.Task[None]:
        status = self.statuses[name] = TaskStatus(name)
        return asyncio.create_task(self._supervise(status, run), name=f"stubforge-{name}")

    async def _supervise(
        self, status: TaskStatus, run: Callable[[TaskStatus], Awaitable[None]]
    ) -> None:
        delay = RETRY_FIRST
        while True:
            status.state = "running"
            try:
                await run(status)
            except asyncio.CancelledError:
                status.state = "stopped"
                raise
            except Exception as exc:
                status.idle()
                status.state, status.restarts = "restarting", status.restarts + 1
                status.error, status.failed_at = f"{type(exc).__name__}: {exc}", time.time()
                log.exception("%s failed; restarting in %.0fs", status.name, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            status.state = "stopped"
            return

    def problems(self) -> list[str]:
        return [p for s in self.statuses.values() if (p := s.problem()) is not None]

    def describe(self) -> dict[str, Any]:
        return {name: s.describe() for name, s in self.statuses.items()}
