"""Ephemeral stubs shared by replicas on a Redis store.

A stub added, removed or reset through one replica's admin API is written, as the whole
current list (each stub's id, session and route data as posted), to the store's
``ephemeral`` setting and announced; every replica follows the announcements (and re-reads
the setting when it subscribes and every second, so a replica that starts later gets the
current set) and rebuilds its ephemeral stubs from the list. A stamp makes re-reading an
unchanged list free. With the memory store the stubs are simply the process's own.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

from stubforge.serve.ephemeral import EphemeralStub
from stubforge.serve.state import ServerState
from stubforge.store.base import shared_settings

log = logging.getLogger("stubforge")

SETTING = "ephemeral"


def shares(state: ServerState) -> bool:
    return shared_settings(state.store) is not None


async def share(state: ServerState) -> None:
    """Announce the current ephemeral stubs to the other replicas (a no-op in memory)."""
    shared = shared_settings(state.store)
    if shared is None:
        return
    stamp = uuid.uuid4().hex
    stubs = [
        {"id": s.id, "session": s.session, "created": s.created, "data": s.data}
        for s in state.ephemeral
    ]
    state.ephemeral.stamp = stamp
    await shared.put_setting(SETTING, {"stamp": stamp, "stubs": stubs})


def adopt(state: ServerState, value: Any) -> None:
    """Serve the shared list (ignored when malformed or already served)."""
    if not isinstance(value, dict) or not isinstance(value.get("stubs"), list):
        return
    if value.get("stamp") == state.ephemeral.stamp:
        return
    from stubforge.load.stub_input import parse_routes

    root: Path = state.config.stubs if state.config.stubs.is_dir() else state.config.stubs.parent
    rebuilt: list[EphemeralStub] = []
    for item in value["stubs"]:
        try:
            (route,) = parse_routes(json.dumps(item["data"]).encode(), root)
            stub = state.ephemeral.compile(
                item["id"], route, item.get("session"), root, item["data"]
            )
        except Exception as exc:  # one bad entry must not stop the others
            log.warning("shared ephemeral stub %r ignored: %s", item.get("id"), exc)
            continue
        rebuilt.append(stub)
    state.ephemeral.replace(rebuilt, value.get("stamp"))
    state.publish_ephemeral()
    log.info("ephemeral stubs now %d (shared)", len(rebuilt))
