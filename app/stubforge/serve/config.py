"""Server settings, parsed once from the command line / environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BODY_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class HttpLimits:
    max_url: int = 8 * 1024
    """Bytes of the request target (path and query)."""
    max_headers: int = 100
    """Header fields per request."""
    max_head_bytes: int = 64 * 1024
    """Bytes of request line and headers together."""
    head_timeout: float = 10.0
    """Seconds to send the request line and headers."""
    keep_alive: float = 5.0
    """Seconds an idle keep-alive connection stays open between requests."""


@dataclass(frozen=True)
class ServeConfig:
    stubs: Path = Path("stubs")
    http_limits: HttpLimits = field(default_factory=HttpLimits)
    """Request line, header and timing limits (:mod:`stubforge.serve.limits`)."""
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
    state_ttl: float | None = 24 * 3600.0
    """Seconds behaviour state (scenario states, sequence positions, counters) of a
    session lives after its last change (``--state-ttl``; None: until reset). Rate-limit
    state lives as long as its window."""
    store_namespace: str = "default"
    """Separates the state of deployments sharing one Redis (``--store-namespace``)."""
    on_miss: str = "404"
    """What an unmatched request gets: ``404`` (the unmatched answer), ``proxy`` (forwarded
    to the upstream) or ``record`` (forwarded and written to ``recordings``)."""
    upstream: str | None = None
    """Where ``proxy``/``record`` send misses no service's ``upstream:`` claims."""
    recordings: Path = Path("recordings")
    """Where ``--on-miss record`` writes."""
    upstream_timeout: float = 30.0
    """Seconds the upstream may stay silent before a 504."""
    connect_timeout: float = 5.0
    """Seconds to connect to the upstream before a 502."""
    upstream_ca: Path | None = None
    """CA bundle verifying the upstream's certificate."""
    insecure_upstream: bool = False
    """Do not verify the upstream's certificate."""
    keep_host_header: bool = False
    """Forward ``Host`` as the client sent it."""
    redact_rules: Path | None = None
    """Extra redaction rules for ``--on-miss record`` (the recorder's rules file)."""
    redact_pii: bool = False
    """Also mask names, phone numbers and postal addresses when recording."""
    redact_key_file: Path | None = None
    """HMAC key of the placeholders (default: the recorder's)."""
    cors: tuple[str, ...] = ()
    """``--cors``: origins allowed for services without a ``cors:`` of their own."""
    cors_credentials: bool = False
    """``--cors-credentials``: allow credentialed requests from those origins."""
    otel: bool = False
    """``--otel``: one OpenTelemetry span per request (``serve/tracing.py``); off: no cost."""
    access_log: bool = False
    """Log one line per request (``stubforge serve`` turns it on; ``--no-access-log``)."""
    validate: Path | None = None
    """``--validate SPEC``: hold requests to this OpenAPI/Swagger spec (off: no cost)."""
    validation: str = "hard"
    """``--validation``: ``hard`` answers 400/422 to a violating request, ``soft`` answers
    normally and reports the violations in a header and the journal."""
    tune_process: bool = False
    """Tune the garbage collector for a large, long-lived stub set (``serve/heap.py``).
    Only ``stubforge serve``'s own process sets it: a library changes nothing global in
    the process that imports it (the pytest plugin's in-process server leaves it off)."""
