"""The ASGI entry point: ``/__admin/*`` to the admin app, everything else to replay.

It also owns the lifespan: starting and stopping the stub-directory watcher (and, on a
shared store, following the global profile other replicas set).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable

from stubforge.load.watch import watch
from stubforge.serve import profile_sync
from stubforge.serve.asgi import ASGIApp, Receive, Scope, Send
from stubforge.serve.state import ServerState

log = logging.getLogger("stubforge")
ADMIN_PREFIX = "/__admin"
_ADMIN_DIR = ADMIN_PREFIX + "/"  # "/__adminx" is a stubbed path, not the admin API


class Dispatcher:
    def __init__(self, state: ServerState, replay: ASGIApp, admin: ASGIApp) -> None:
        self.state = state
        self.replay = replay
        self.admin = admin
        self._stop = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None
        self._profile: asyncio.Task[None] | None = None
        """Follows the global profile set on other replicas (shared stores only)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path = scope["path"]
            if path.startswith(_ADMIN_DIR) or path == ADMIN_PREFIX:
                await self.admin(scope, receive, send)
            else:
                await self.replay(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1003})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def startup(self) -> None:
        tasks = self.state.background
        if profile_sync.shares_settings(self.state):
            self._profile = tasks.start("profile sync", lambda _: profile_sync.follow(self.state))
        if self.state.config.watch:
            self._stop = asyncio.Event()
            stop, stubs = self._stop, self.state.config.stubs

            def reload() -> Awaitable[object]:
                return self.state.reload("file change")

            self._watcher = tasks.start(
                "watcher", lambda status: watch(stubs, reload, stop, status)
            )

    async def shutdown(self) -> None:
        self._stop.set()
        if self._profile is not None:
            self._profile.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._profile
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watcher
        with contextlib.suppress(Exception):
            await self.state.passthrough.aclose()  # upstream connections, the capture file
        close = getattr(self.state.store, "aclose", None)  # a Redis store's connections
        if close is not None:
            with contextlib.suppress(Exception):
                await close()
