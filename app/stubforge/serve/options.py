"""``stubforge serve`` options for what sits around the stubs: unmatched requests
(proxy, record), HTTPS, CORS and logging -- parsed and checked here, before starting."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stubforge.serve.tls import TlsFiles


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number > 0")
    return value


def add_passthrough_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("unmatched requests: proxy and record")
    g.add_argument(
        "--on-miss",
        choices=["404", "proxy", "record"],
        default=os.environ.get("STUBFORGE_ON_MISS") or "404",
        help="what a request no stub matches gets: the unmatched answer (404, default), the "
        "real upstream's answer (proxy), or that answer recorded to --recordings (record)",
    )
    g.add_argument(
        "--upstream",
        metavar="URL",
        default=os.environ.get("STUBFORGE_UPSTREAM") or None,
        help="where misses go when their service has no 'upstream:' (http(s)://host[:port])",
    )
    g.add_argument(
        "--recordings",
        type=Path,
        default=Path("recordings"),
        metavar="DIR",
        help="where --on-miss record writes (default ./recordings)",
    )
    g.add_argument(
        "--upstream-timeout",
        type=positive,
        default=30.0,
        metavar="SECONDS",
        help="how long the upstream may stay silent before a 504 (default 30)",
    )
    g.add_argument(
        "--connect-timeout",
        type=positive,
        default=5.0,
        metavar="SECONDS",
        help="how long connecting to the upstream may take before a 502 (default 5)",
    )
    g.add_argument("--upstream-ca", type=Path, metavar="FILE", help="CA bundle for the upstream")
    g.add_argument(
        "--insecure-upstream", action="store_true", help="do not verify the upstream certificate"
    )
    g.add_argument(
        "--keep-host-header", action="store_true", help="forward Host as the client sent it"
    )
    g.add_argument(
        "--redact-rules", type=Path, metavar="FILE", help="redaction rules file, as for record"
    )
    g.add_argument(
        "--pii", action="store_true", help="record: also mask names, phones and addresses"
    )
    g.add_argument(
        "--redact-key-file",
        type=Path,
        metavar="FILE",
        help="HMAC key for placeholders (default: as stubforge record)",
    )
    g = p.add_argument_group("browsers, TLS and logging")
    g.add_argument(
        "--cors",
        metavar="ORIGINS",
        default=None,
        help="comma-separated origins allowed to call from a browser ('*' for any), for "
        "services without a 'cors:' in their defaults",
    )
    g.add_argument(
        "--log-format",
        choices=["text", "json"],
        default=os.environ.get("STUBFORGE_LOG_FORMAT") or "text",
        help="log lines as text (default) or one JSON object per line",
    )
    g.add_argument(
        "--no-access-log",
        action="store_true",
        help="do not log a line per request (misses are logged at warning level)",
    )
    g.add_argument(
        "--cors-credentials",
        action="store_true",
        help="with --cors: allow cookies and Authorization (the origin is echoed)",
    )


def add_tls_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("HTTPS")
    g.add_argument(
        "--tls",
        choices=["self-signed"],
        default=None,
        help="serve HTTPS with a local CA made (once) in --tls-dir and a server certificate "
        "for --tls-hosts; the CA to trust is printed at start",
    )
    g.add_argument("--tls-cert", type=Path, metavar="FILE", help="serve HTTPS with this cert")
    g.add_argument("--tls-key", type=Path, metavar="FILE", help="the key of --tls-cert")
    g.add_argument(
        "--tls-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where --tls self-signed keeps its CA (default ~/.config/stubforge/tls)",
    )
    g.add_argument(
        "--tls-hosts",
        default="",
        metavar="NAMES",
        help="comma-separated extra host names / IPs for the self-signed certificate "
        "(localhost, 127.0.0.1, ::1 and --host are always in)",
    )


def tls_files(args: argparse.Namespace) -> TlsFiles | None:
    """The certificate to serve with (``None``: plain HTTP); raise ``TlsError``."""
    from stubforge.serve.tls import TlsError, default_dir, given, hosts_for, self_signed

    if args.tls == "self-signed":
        if args.tls_cert or args.tls_key:
            raise TlsError("--tls self-signed and --tls-cert/--tls-key exclude each other")
        hosts = hosts_for(args.host, args.tls_hosts.split(","))
        return self_signed(args.tls_dir or default_dir(), hosts)
    if args.tls_cert or args.tls_key:
        return given(args.tls_cert, args.tls_key)
    return None


def origins(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(o.strip() for o in text.split(",") if o.strip())


def passthrough_error(args: argparse.Namespace) -> str | None:
    """Why the proxy/CORS options cannot be used, in one line (``None``: they can)."""
    from pydantic import ValidationError

    from stubforge.model.cors import Cors
    from stubforge.proxy.upstream import Upstream, UpstreamError

    if args.upstream:
        try:
            Upstream.parse(args.upstream)
        except UpstreamError as exc:
            return f"--upstream: {exc}"
    for opt, path in (("--upstream-ca", args.upstream_ca), ("--redact-rules", args.redact_rules)):
        if path is not None and not path.is_file():
            return f"{opt}: no such file: {path}"
    if args.cors is not None:
        try:
            Cors(origins=list(origins(args.cors)))
        except ValidationError as exc:
            return f"--cors: {exc.errors()[0]['msg'].removeprefix('Value error, ')}"
    return None
