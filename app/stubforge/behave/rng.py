"""Random streams: with a seed, one independent stream per (session, route), derived by
hashing, so one session's traffic never shifts another's decisions and the same request
sequence always gets the same draws. Without a seed, one shared, OS-seeded stream."""

from __future__ import annotations

import hashlib
import random

MAX_STREAMS = 100_000


class RandomStreams:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._shared = random.Random()
        self._streams: dict[tuple[str, str], random.Random] = {}

    def stream(self, session: str, route: str) -> random.Random:
        """The generator for ``route`` in ``session``."""
        if self.seed is None:
            return self._shared
        key = (session, route)
        rng = self._streams.get(key)
        if rng is None:
            if len(self._streams) >= MAX_STREAMS:
                self._streams.clear()
            digest = hashlib.sha256(f"{self.seed}\0{session}\0{route}".encode()).digest()
            rng = self._streams[key] = random.Random(int.from_bytes(digest[:16], "big"))
        return rng

    def reset(self, session: str | None = None) -> None:
        """Restart the streams (of one session) from the seed."""
        if session is None:
            self._streams.clear()
        else:
            for key in [k for k in self._streams if k[0] == session]:
                del self._streams[key]
