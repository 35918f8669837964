"""The global profile (and, through :mod:`ephemeral_sync`, the ephemeral stubs), shared
by replicas on a Redis store.

``PUT /__admin/profile`` on any replica writes ``{"profile", "since"}`` to the store's
``profile`` setting and announces it; every replica follows the announcements (and re-reads
the setting when it subscribes and every second), so all of them switch within
milliseconds and count profile time windows from the same instant. With the memory store
the profile is simply the process's own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from stubforge.serve import ephemeral_sync
from stubforge.serve.state import ServerState
from stubforge.store.base import shared_settings
from stubforge.store.errors import StoreUnavailable

log = logging.getLogger("stubforge")

SETTING = "profile"
RETRY = 1.0
"""Seconds between attempts to follow the shared profile while the store is unreachable."""


def shares_settings(state: ServerState) -> bool:
    """Whether the store carries server-wide settings (the Redis store does)."""
    return shared_settings(state.store) is not None


async def switch_profile(state: ServerState, name: str | None) -> None:
    """Switch the global profile here and, on a shared store, on every replica.

    Raises ``KeyError`` for an unknown profile and :class:`StoreUnavailable` (leaving the
    profile unchanged) when the change cannot be shared."""
    if name is not None and name not in state.stubs.profiles:
        raise KeyError(name)
    since = time.time()
    shared = shared_settings(state.store)
    if shared is not None:
        await shared.put_setting(SETTING, {"profile": name, "since": since})
    state.profile, state.profile_since = name, since


def adopt(state: ServerState, value: Any) -> None:
    """Apply a shared ``{"profile", "since"}`` value (ignoring one this stub set lacks)."""
    if not isinstance(value, dict):
        return
    name, since = value.get("profile"), value.get("since")
    if name is not None and name not in state.stubs.profiles:
        log.warning("shared profile %r is not defined in this replica's stubs; ignored", name)
        return
    if name == state.profile and since == state.profile_since:
        return
    state.profile = name if isinstance(name, str) else None
    state.profile_since = float(since) if isinstance(since, int | float) else time.time()
    log.info("global profile is now %s (shared)", state.profile or "none")


async def follow(state: ServerState) -> None:
    """Keep ``state.profile`` in step with the other replicas; runs until cancelled."""
    store = shared_settings(state.store)
    if store is None:
        return
    while True:
        try:
            async for change in store.setting_changes():
                if change is None:
                    adopt(state, await store.get_setting(SETTING))
                    ephemeral_sync.adopt(state, await store.get_setting(ephemeral_sync.SETTING))
                elif change[0] == SETTING:
                    adopt(state, change[1])
                elif change[0] == ephemeral_sync.SETTING:
                    ephemeral_sync.adopt(state, change[1])
        except StoreUnavailable as exc:
            log.warning("cannot follow the shared profile (retrying): %s", exc)
        await asyncio.sleep(RETRY)
