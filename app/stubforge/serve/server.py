"""Run an assembled ASGI application under uvicorn (``stubforge.assemble`` builds it)."""

from __future__ import annotations

import logging
import resource

import uvicorn

from stubforge.serve.asgi import ASGIApp
from stubforge.serve.config import HttpLimits
from stubforge.serve.limits import limited_protocol

BACKLOG = 4096
"""Listen backlog: thousands of clients may connect at once to delayed routes."""

log = logging.getLogger("stubforge")


def raise_fd_limit() -> int:
    """Raise the open-file soft limit to the hard limit (every connection is a descriptor).

    Called by ``stubforge serve`` only, never by the in-process test server."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:  # pragma: no cover - depends on the host
            log.warning("could not raise the open-file limit from %d: %s", soft, exc)
    return soft


def uvicorn_config(
    app: ASGIApp,
    host: str,
    port: int,
    log_level: str = "info",
    limits: HttpLimits | None = None,
) -> uvicorn.Config:
    """uvicorn's settings for stubforge: httptools with the wire extension and the
    request limits of :mod:`stubforge.serve.limits` (defaults unless ``limits`` given)."""
    limits = limits or HttpLimits()
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:  # pragma: no cover - uvloop is part of uvicorn[standard]
        loop = "asyncio"
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop=loop,
        # httptools plus raw socket access for wire faults, with request limits
        http=limited_protocol(limits),
        timeout_keep_alive=max(1, round(limits.keep_alive)),
        backlog=BACKLOG,
        lifespan="on",
        access_log=False,
        log_level=log_level,
        server_header=False,
        date_header=True,
        timeout_graceful_shutdown=5,
    )


def configure_logging(level: str, fmt: str = "text") -> None:
    """Log to stderr at ``level``, as text or one JSON object per line (``fmt="json"``)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if fmt == "json":
        from stubforge.serve.access_log import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
