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
    seed: int | None = None
    """Makes every random behaviour decision reproducible (``--seed`` / ``STUBFORGE_SEED``)."""
    profile: str | None = None
    """The profile in force for requests without ``X-Stubforge-Profile``."""
    debug_headers: bool = False
    """Add ``X-Stubforge-Route/Rule/Delay/...`` headers to responses."""
    latency_multiplier: float = 1.0
    """Multiplies every injected delay (after profile multipliers)."""
    journal_size: int = 10_000
    """Requests kept in the journal (a ring buffer); 0 disables journaling."""
    metrics: bool = True
    """Count requests for ``/__admin/metrics``."""
    admin_token: str | None = None
    """Bearer token the admin API requires (``STUBFORGE_ADMIN_TOKEN``); None: no auth."""
    store: str = "memory"
    """Where behaviour state lives: ``memory`` or a Redis URL shared by replicas
    (``--store`` / ``STUBFORGE_STORE``)."""
    store_namespace: str = "default"
    """Separates the state of deployments sharing one Redis (``--store-namespace``)."""
    tune_process: bool = False
    """Tune the garbage collector for a large, long-lived stub set (``serve/heap.py``).
    Only ``stubforge serve``'s own process sets it: a library changes nothing global in
    the process that imports it (the pytest plugin's in-process server leaves it off)."""
