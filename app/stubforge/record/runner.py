"""Start mitmproxy programmatically with the :class:`~stubforge.record.addon.Recorder`.

Supports mitmproxy 11.x (what pip resolves on Python 3.11) and 12.x: only
stable public APIs are used (``Options``, ``Master``, ``default_addons``,
``ErrorCheck``), and keyword arguments that a version lacks are left out.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import signal
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from stubforge.record.writer import RecordingWriter
from stubforge.redact.redactor import Redactor

log = logging.getLogger("stubforge.record")


class StartupError(Exception):
    """A problem the user can fix (port in use, bad option); printed as one line."""


@dataclass
class RecordConfig:
    """Everything ``stubforge record`` needs, validated by the CLI."""

    mode: Literal["reverse", "forward"]
    upstream: str | None
    listen_host: str
    listen_port: int
    writer: RecordingWriter
    redactor: Redactor
    only: list[str] = field(default_factory=list)
    upstream_ca: Path | None = None
    insecure_upstream: bool = False
    confdir: Path | None = None
    keep_host_header: bool = False
    max_body: int = 64 * 1024 * 1024
    redact_report: bool = False


def host_regex(host: str) -> str:
    """An ``allow_hosts`` regex for ``host`` (``*.example.com`` matches sub-domains)."""
    wildcard = host.startswith("*.")
    body = (r"(?:[^.:]+\.)+" + re.escape(host[2:])) if wildcard else re.escape(host)
    return rf"^{body}:\d+$"


def check_port_free(host: str, port: int) -> None:
    """Fail early, with one line, when the listen address cannot be bound."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def mitm_options(cfg: RecordConfig) -> dict[str, Any]:
    """The mitmproxy option values for ``cfg``."""
    opts: dict[str, Any] = {
        "listen_host": cfg.listen_host,
        "listen_port": cfg.listen_port,
        "mode": [f"reverse:{cfg.upstream}" if cfg.mode == "reverse" else "regular"],
        "ssl_insecure": cfg.insecure_upstream,
        "keep_host_header": cfg.keep_host_header,
        # Connect upstream when a request arrives, so each exchange's connect/TLS
        # timings belong to it and a refused upstream is an entry, not a log line.
        "connection_strategy": "lazy",
    }
    if cfg.upstream_ca is not None:
        opts["ssl_verify_upstream_trusted_ca"] = str(cfg.upstream_ca)
    if cfg.confdir is not None:
        opts["confdir"] = str(cfg.confdir)
    if cfg.only:
        opts["allow_hosts"] = [host_regex(h) for h in cfg.only]
    return opts


async def _serve(cfg: RecordConfig) -> int:
    from mitmproxy import options
    from mitmproxy.addons import default_addons, errorcheck
    from mitmproxy.master import Master

    from stubforge.record.addon import Recorder

    opts: Any = options.Options()
    kwargs: dict[str, Any] = {}
    params = inspect.signature(Master.__init__).parameters
    if "with_termlog" in params:
        kwargs["with_termlog"] = False
    master: Any = Master(opts, **kwargs)
    addons: Any = default_addons
    master.addons.add(*addons())
    master.addons.add(errorcheck.ErrorCheck(repeat_errors_on_stderr=True))
    target = cfg.upstream if cfg.mode == "reverse" and cfg.upstream else "forward proxy mode"
    if cfg.only:
        target += f", only {', '.join(cfg.only)}"
    recorder = Recorder(
        cfg.writer,
        cfg.redactor,
        only=cfg.only,
        banner=f"recording {target}",
        max_body=cfg.max_body,
        report=cfg.redact_report,
    )
    master.addons.add(recorder)
    opts.update(**mitm_options(cfg))

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, master.shutdown)
    await master.run()
    return recorder.failures


def run(cfg: RecordConfig) -> int:
    """Run the recorder until SIGINT/SIGTERM; returns the process exit code (1 when an
    exchange could not be recorded)."""
    check_port_free(cfg.listen_host, cfg.listen_port)
    try:
        failures = asyncio.run(_serve(cfg))
    except SystemExit as exc:  # mitmproxy's ErrorCheck exits when start-up failed
        code = exc.code if isinstance(exc.code, int) else 1
        return 2 if code else 0
    finally:
        cfg.writer.close()
    return 1 if failures else 0
