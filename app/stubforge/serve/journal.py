"""The request journal: a bounded ring buffer of what the replay path served.

The observer (:meth:`Journal.observe`) runs on the hot path after each response, so it
stores one flat tuple of values already at hand — no dicts, no parsing, no redaction.
Everything costly (header dicts, redaction, filtering) happens when the admin API reads
(:mod:`stubforge.verify.journal_view`). Request bodies are kept up to ``body_limit`` bytes, so
the memory of a full journal is bounded by ``size * body_limit`` plus headers.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from stubforge.serve.outcome import Outcome
from stubforge.serve.session import SESSION_HEADER

DEFAULT_SIZE = 10_000
BODY_CAP = 64 * 1024
"""Bytes of a request body the journal keeps (the rest is counted, not stored)."""


class RawEntry(NamedTuple):
    """One journal entry as stored (unredacted). Built from a plain tuple on read."""

    id: int
    started: float
    duration: float
    method: str
    path: str
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    body_size: int
    client: str | None
    status: int
    route_id: str | None
    params: Mapping[str, Any]
    near_misses: list[dict[str, Any]] | None
    session: str | None
    profile: str | None
    delay: float
    fault: str | None
    rule: str | None
    passthrough: str | None = None
    """The upstream the request was forwarded to, if it was."""

    @property
    def session_id(self) -> str | None:
        """The session of the request: from the behaviour engine, else the request header."""
        if self.session is not None:
            return self.session
        for name, value in self.headers:
            if name == SESSION_HEADER:
                return value.decode("latin-1")
        return None


class Journal:
    """A ring buffer of the last ``size`` requests; ``size == 0`` records nothing."""

    def __init__(self, size: int = DEFAULT_SIZE, body_limit: int = BODY_CAP) -> None:
        if size < 0:
            raise ValueError(f"journal size must be >= 0 (got {size})")
        self.size = size
        self.body_limit = body_limit
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=size or 1)
        self._ids = itertools.count(1)
        self.recorded = 0
        """Requests recorded since start (including those the ring has dropped)."""

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def observe(self, o: Outcome) -> None:
        """The replay observer: append one flat tuple (oldest entry drops when full)."""
        r = o.request
        body = r.body
        size = len(body)
        if size > self.body_limit:
            body = body[: self.body_limit]
        self._entries.append(
            (
                next(self._ids),
                o.started,
                o.duration,
                r.method,
                r.path,
                r.query_string,
                r.raw_headers,
                body,
                size,
                r.client,
                o.status,
                o.route_id,
                o.params,
                o.near_misses,
                o.session,
                o.profile,
                o.delay,
                o.fault,
                o.rule,
                o.passthrough,
            )
        )
        self.recorded += 1

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[RawEntry]:
        """Entries oldest first (a snapshot: safe while requests keep arriving)."""
        for t in list(self._entries):
            yield RawEntry(*t)

    def newer(self, last_id: int, limit: int | None = None) -> list[RawEntry]:
        """Entries with an id above ``last_id`` (the newest ``limit`` of them), oldest
        first; reads from the newest end, so a live view polling for what is new costs
        what is new (at most ``limit``), not the journal."""
        out: list[RawEntry] = []
        for t in reversed(self._entries):
            if t[0] <= last_id or (limit is not None and len(out) >= limit):
                break
            out.append(RawEntry(*t))
        out.reverse()
        return out

    def clear(self, keep: Callable[[RawEntry], bool] | None = None) -> int:
        """Drop every entry (or those ``keep`` rejects); return how many were dropped."""
        before = len(self._entries)
        if keep is None:
            self._entries.clear()
            return before
        kept = [t for t in list(self._entries) if keep(RawEntry(*t))]
        self._entries.clear()
        self._entries.extend(kept)
        return before - len(kept)
