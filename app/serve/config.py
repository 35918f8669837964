"""Server settings, parsed once from the command line / environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_BODY_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class ServeConfig:
    stubs: Path = Path("stubs")
    host: str = "127.0.0.1"
    port: int = 8080
    body_limit: int = DEFAULT_BODY_LIMIT
    unmatched_status: int = 404
    watch: bool = True
    near_misses: int = 3
