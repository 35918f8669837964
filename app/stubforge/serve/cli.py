"""``stubforge serve``: load the stubs (refusing to start on errors) and serve them."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from stubforge.serve.config import DEFAULT_BODY_LIMIT, HttpLimits, ServeConfig
from stubforge.serve.options import (
    add_passthrough_arguments,
    add_tls_arguments,
    origins,
    passthrough_error,
    positive,
    tls_files,
)

if TYPE_CHECKING:
    from stubforge.serve.asgi import ASGIApp
    from stubforge.serve.state import ServerState

ADMIN_TOKEN_ENV = "STUBFORGE_ADMIN_TOKEN"

_SIZE = re.compile(r"^\s*(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_FACTOR = {
    None: 1,
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_size(text: str) -> int:
    m = _SIZE.match(text)
    if m is None:
        raise argparse.ArgumentTypeError(f"invalid size {text!r} (e.g. 10MiB, 512KiB, 1048576)")
    unit = m.group(2).lower() if m.group(2) else None
    return int(m.group(1)) * _FACTOR[unit]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "stubs_dir",
        nargs="?",
        type=Path,
        metavar="STUBS",
        help="stubs directory or file, as for 'check' (same as --stubs)",
    )
    p.add_argument(
        "--stubs",
        type=Path,
        default=Path(os.environ.get("STUBFORGE_STUBS", "stubs")),
        help="stubs directory (default: ./stubs, or $STUBFORGE_STUBS)",
    )
    p.add_argument(
        "--host",
        default=os.environ.get("STUBFORGE_HOST", "127.0.0.1"),
        help="interface to listen on (default 127.0.0.1)",
    )
    p.add_argument(
        "--port",
        type=_port,
        # argparse converts a string default only when it is used: a bad $STUBFORGE_PORT
        # is a usage error of `serve`, never a crash of `--help` or of other commands
        default=_port_default(os.environ.get("STUBFORGE_PORT")),
        help="port (default 8080; 0 picks a free one)",
    )
    p.add_argument(
        "--body-limit",
        type=parse_size,
        default=DEFAULT_BODY_LIMIT,
        help="largest request body accepted, else 413 (default 10MiB)",
    )
    p.add_argument(
        "--max-header-size",
        type=parse_size,
        default=HttpLimits.max_head_bytes,
        help="largest request line and headers together, else 431 (default 64KiB)",
    )
    p.add_argument(
        "--header-timeout",
        type=positive,
        default=HttpLimits.head_timeout,
        metavar="SECONDS",
        help="time a client has to send the request line and headers, else 408 and the "
        "connection is closed (default 10; stops slowloris)",
    )
    p.add_argument(
        "--unmatched-status",
        type=int,
        default=404,
        help="status for requests no stub matches (default 404)",
    )
    p.add_argument("--no-watch", action="store_true", help="do not reload on file changes")
    p.add_argument(
        "--journal-size",
        type=_count("journal size", "STUBFORGE_JOURNAL_SIZE"),
        default=os.environ.get("STUBFORGE_JOURNAL_SIZE") or "10000",
        help="requests kept in the journal (default 10000; 0 disables it)",
    )
    p.add_argument(
        "--no-metrics", action="store_true", help="do not count requests for /__admin/metrics"
    )
    p.add_argument(
        "--insecure-admin",
        action="store_true",
        help="allow listening beyond loopback without STUBFORGE_ADMIN_TOKEN "
        "(anyone reaching the port controls the mock)",
    )
    p.add_argument(
        "--store",
        default=os.environ.get("STUBFORGE_STORE") or "memory",
        help="behaviour state: 'memory' (default, or $STUBFORGE_STORE) or a Redis "
        "URL shared by replicas, e.g. redis://redis:6379/0",
    )
    p.add_argument(
        "--store-namespace",
        default=os.environ.get("STUBFORGE_STORE_NAMESPACE") or "default",
        help="keeps deployments sharing one Redis apart (default 'default')",
    )
    p.add_argument(
        "--state-ttl",
        type=_state_ttl,
        default=os.environ.get("STUBFORGE_STATE_TTL") or "24h",
        help="how long a session's scenario states, sequence positions and counters live "
        "after their last change (default 24h, or $STUBFORGE_STATE_TTL; 0 keeps them until "
        "reset); rate-limit state lives as long as its window",
    )
    p.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    _add_behaviour_arguments(p)
    add_passthrough_arguments(p)
    add_tls_arguments(p)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"port {text!r} is not a number from 0 to 65535 (from --port or $STUBFORGE_PORT)"
        )
    return port


def _port_default(value: str | None) -> str:
    """``$STUBFORGE_PORT``, except Kubernetes' service link for a Service named
    ``stubforge`` (``tcp://10.0.0.7:8080``), which names another address: ignored."""
    if not value or value.startswith(("tcp://", "udp://")):
        return "8080"
    return value


def _count(what: str, env: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} {text!r} is not an integer (from its option or ${env})"
            ) from None

    return parse


def _state_ttl(text: str) -> float | None:
    from stubforge.model.duration import parse_duration

    try:
        seconds = float(text) if text.strip().replace(".", "", 1).isdigit() else None
        if seconds is None:
            seconds = parse_duration(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"state TTL {text!r} is not a duration such as 30m, 24h or 3600"
        ) from None
    return None if seconds == 0 else seconds


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed {text!r} is not an integer") from None


def _add_behaviour_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--otel",
        action="store_true",
        default=(os.environ.get("STUBFORGE_OTEL") or "").lower() in ("1", "true", "yes"),
        help="one OpenTelemetry span per request, exported over OTLP/HTTP as the OTEL_* "
        "variables say (the otel extra; default off, or $STUBFORGE_OTEL)",
    )
    # argparse applies ``type`` to a string default, so a bad $STUBFORGE_SEED is reported
    p.add_argument(
        "--seed",
        type=_seed,
        default=os.environ.get("STUBFORGE_SEED") or None,
        help="make random behaviour (error rates, latency draws) reproducible "
        "(default: $STUBFORGE_SEED, else unseeded)",
    )
    p.add_argument(
        "--profile",
        default=os.environ.get("STUBFORGE_PROFILE") or None,
        help="behaviour profile in force for requests without X-Stubforge-Profile",
    )
    p.add_argument(
        "--debug-headers",
        action="store_true",
        help="add X-Stubforge-Route/Rule/Fault/Delay headers to responses",
    )
    p.add_argument(
        "--latency-multiplier",
        type=positive,
        default=1.0,
        help="multiply every injected delay (default 1)",
    )
    p.add_argument(
        "--validate",
        type=Path,
        default=None,
        metavar="SPEC",
        help="check every request against this OpenAPI/Swagger spec (routes opt out with "
        "validation: false)",
    )
    p.add_argument(
        "--validation",
        choices=["hard", "soft"],
        default="hard",
        help="hard: answer 400/422 with the violations; soft: answer normally, violations in "
        "the X-Stubforge-Violations header and the journal (default hard)",
    )


def config_from_args(args: argparse.Namespace) -> ServeConfig:
    return ServeConfig(
        stubs=getattr(args, "stubs_dir", None) or args.stubs,
        host=args.host,
        port=args.port,
        body_limit=args.body_limit,
        http_limits=HttpLimits(
            max_head_bytes=args.max_header_size, head_timeout=args.header_timeout
        ),
        unmatched_status=args.unmatched_status,
        watch=not args.no_watch,
        journal_size=args.journal_size,
        metrics=not args.no_metrics,
        admin_token=os.environ.get(ADMIN_TOKEN_ENV) or None,
        seed=args.seed,
        profile=args.profile,
        debug_headers=args.debug_headers,
        latency_multiplier=args.latency_multiplier,
        store=args.store,
        store_namespace=args.store_namespace,
        state_ttl=args.state_ttl,
        on_miss=args.on_miss,
        upstream=args.upstream,
        recordings=args.recordings,
        upstream_timeout=args.upstream_timeout,
        connect_timeout=args.connect_timeout,
        upstream_ca=args.upstream_ca,
        insecure_upstream=args.insecure_upstream,
        keep_host_header=args.keep_host_header,
        redact_rules=args.redact_rules,
        redact_pii=args.pii,
        redact_key_file=args.redact_key_file,
        cors=origins(args.cors),
        cors_credentials=args.cors_credentials,
        access_log=not args.no_access_log,
        otel=args.otel,
        validate=args.validate,
        validation=args.validation,
    )


def admin_exposure_error(config: ServeConfig, insecure: bool) -> str | None:
    """Why the server must not start: an open admin API beyond loopback."""
    from stubforge.serve.listen import is_loopback

    if config.admin_token or insecure or is_loopback(config.host):
        return None
    return (
        f"stubforge serve: refusing to listen on {config.host} without an admin token: "
        "anyone who can reach the port could change the stubs and read the request "
        f"journal. Set {ADMIN_TOKEN_ENV} (clients then send 'Authorization: Bearer "
        "<token>' to /__admin), or pass --insecure-admin on a trusted network, or "
        "listen on 127.0.0.1."
    )


def run(args: argparse.Namespace, build_app: Callable[[ServerState], ASGIApp]) -> int:
    """Serve with the app ``build_app`` assembles (``stubforge.assemble.build_app``: serve
    does not import the admin side)."""
    from stubforge.serve.server import configure_logging, raise_fd_limit, uvicorn_config
    from stubforge.serve.state import ServerState
    from stubforge.serve.tls import TlsError, trust_hint
    from stubforge.store.factory import check_reachable, store_setting_error

    if not 100 <= args.unmatched_status <= 599:
        print(
            f"stubforge serve: --unmatched-status {args.unmatched_status} is not an HTTP status",
            file=sys.stderr,
        )
        return 2
    if args.journal_size < 0:
        print(
            f"stubforge serve: --journal-size {args.journal_size} must be >= 0 (0 disables "
            "the journal)",
            file=sys.stderr,
        )
        return 2
    problem = passthrough_error(args)
    if problem is not None:
        print(f"stubforge serve: {problem}", file=sys.stderr)
        return 2
    config = replace(config_from_args(args), tune_process=True)
    refusal = admin_exposure_error(config, args.insecure_admin)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    store_error = store_setting_error(config.store, config.store_namespace)
    if store_error is None:
        store_error = check_reachable(config.store)
    if store_error is not None:
        print(f"stubforge serve: {store_error.rstrip('.')}; not starting", file=sys.stderr)
        return 2
    configure_logging(args.log_level, args.log_format)
    raise_fd_limit()
    if config.otel:
        try:
            from stubforge.serve.tracing import install_exporter

            install_exporter()
        except ModuleNotFoundError as exc:
            print(
                f"stubforge serve: --otel needs OpenTelemetry ({exc.name} is missing): "
                "from a checkout of stubforge, pip install '.[otel]'",
                file=sys.stderr,
            )
            return 2
    state, errors = ServerState.initial(config)
    if state is None:
        for err in errors:
            print(err, file=sys.stderr)
        print(
            f"stubforge serve: {len(errors)} error(s) in {config.stubs}; not starting "
            "(fix them, or check with: stubforge check)",
            file=sys.stderr,
        )
        return 1
    if config.profile is not None and config.profile not in state.stubs.profiles:
        known = ", ".join(sorted(state.stubs.profiles)) or "none defined"
        print(
            f"stubforge serve: --profile {config.profile!r} is not defined in any stub file "
            f"(profiles: {known})",
            file=sys.stderr,
        )
        return 2
    if config.on_miss == "record":
        try:
            state.passthrough.set_policy("record")
        except (OSError, ValueError) as exc:
            print(f"stubforge serve: --on-miss record: {exc}", file=sys.stderr)
            return 2
    import uvicorn

    try:
        tls = tls_files(args)
    except TlsError as exc:
        print(f"stubforge serve: {exc}", file=sys.stderr)
        return 2
    try:
        app = build_app(state)
    except ValueError as exc:  # --validate: the spec cannot be read
        print(f"stubforge serve: --validate: {exc}", file=sys.stderr)
        return 2
    served = uvicorn_config(app, config.host, config.port, args.log_level, config.http_limits)
    scheme = "http"
    if tls is not None:
        served.ssl_certfile, served.ssl_keyfile, scheme = str(tls.cert), str(tls.key), "https"
    server = uvicorn.Server(served)
    url = f"{scheme}://{config.host}:{config.port}"
    print(
        f"stubforge: serving {len(state.stubs.routes)} route(s) from {config.stubs} on {url}"
        + (f" (unmatched: {config.on_miss})" if config.on_miss != "404" else ""),
        file=sys.stderr,
        flush=True,
    )
    if tls is not None and tls.ca is not None:
        shown = "localhost" if config.host in ("127.0.0.1", "0.0.0.0", "::") else config.host
        print(trust_hint(tls.ca, f"https://{shown}:{config.port}"), file=sys.stderr, flush=True)
    server.run()
    return 0 if server.started else 1
