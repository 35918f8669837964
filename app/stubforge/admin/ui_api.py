"""The web UI at ``/__admin/ui/`` and the live journal stream it reads.

The page itself (``admin/ui/``: one HTML file, one script, one stylesheet; no build step,
no CDN) holds no data and is served without the token; everything it shows comes from the
admin API, called by the page with the token the user typed (kept in the tab's session
storage), so the UI is protected exactly like the API. ``GET /__admin/events`` streams new
journal entries as server-sent events: it polls the in-memory journal four times a
second while a page is open (at most 200 entries a second are rendered and sent; the
rest are counted), so the replay path pays nothing with no page open and little with one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from stubforge.serve.state import ServerState
from stubforge.verify.journal_view import entry_dict, redactor

ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
POLL_SECONDS = 0.25
PER_POLL = 50
"""Entries sent per poll at most (200 a second): a page cannot show more, and rendering
thousands a second would take the event loop from the replay path. The rest are counted
in a ``skipped`` event."""
HEARTBEAT_SECONDS = 15.0


def _asset(name: str) -> bytes:
    return (resources.files("stubforge.admin") / "ui" / name).read_bytes()


def ui_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["ui"])

    @api.get("/__admin/ui", include_in_schema=False)
    async def ui_root() -> RedirectResponse:
        return RedirectResponse("/__admin/ui/", status_code=308)

    @api.get("/__admin/ui/", include_in_schema=False)
    async def ui_index() -> Response:
        return _static("index.html")

    @api.get("/__admin/ui/{name}", include_in_schema=False)
    async def ui_asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(404, f"no UI asset {name!r}")
        return _static(name)

    @api.get("/__admin/rate-limits", tags=["behaviour"])
    async def rate_limits(
        session: Annotated[str, Query(description="the session whose buckets to show")] = "",
    ) -> dict[str, Any]:
        """The rate-limit buckets of a session as the store holds them (per limiter and
        client key: a fixed window's count, a token bucket's tokens...)."""
        items = await state.store.items(session, "limit:")
        buckets = []
        for key, value in sorted(items.items()):
            buckets.append({"bucket": key, "state": _plain(value)})
        return {"session": session, "buckets": buckets}

    @api.get("/__admin/events")
    async def events(
        request: Request,
        backlog: Annotated[int, Query(ge=0, le=1000, description="entries sent first")] = 50,
    ) -> StreamingResponse:
        """New journal entries as server-sent events (``event: request``, the entry as
        JSON, redacted like ``GET /__admin/requests``), the last ``backlog`` first."""
        return StreamingResponse(
            _stream(state, request, backlog),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    return api


def _static(name: str) -> Response:
    return Response(
        _asset(name),
        media_type=ASSETS[name],
        headers={
            "cache-control": "no-cache",
            "content-security-policy": "default-src 'self'; style-src 'self'; "
            "img-src 'self' data:; frame-ancestors 'none'",
            "x-content-type-options": "nosniff",
        },
    )


async def _stream(state: ServerState, request: Request, backlog: int) -> AsyncIterator[bytes]:
    entries = list(state.journal)
    last = entries[-1].id if entries else 0
    red = redactor()
    yield b"retry: 1000\n\n"
    for e in entries[-backlog:] if backlog else []:
        yield _event(entry_dict(e, red))
    quiet = 0.0
    while not await request.is_disconnected():
        await asyncio.sleep(POLL_SECONDS)
        fresh = state.journal.newer(last, PER_POLL)
        if fresh:
            skipped = fresh[0].id - last - 1
            last = fresh[-1].id
            if skipped > 0:
                yield f"event: skipped\ndata: {skipped}\n\n".encode()
            for e in fresh:
                yield _event(entry_dict(e, red))
            quiet = 0.0
        else:
            quiet += POLL_SECONDS
            if quiet >= HEARTBEAT_SECONDS:
                quiet = 0.0
                yield b": keep-alive\n\n"


def _plain(value: Any) -> Any:
    """A stored bucket as JSON data (tuples, dataclasses and named tuples included)."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, int | float | str | bool | None) else str(value)


def _event(entry: dict[str, Any]) -> bytes:
    data = json.dumps(entry, separators=(",", ":"), default=str)
    return f"id: {entry['id']}\nevent: request\ndata: {data}\n\n".encode()
