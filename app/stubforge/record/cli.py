"""``stubforge record``, ``stubforge import har`` and ``stubforge export har``.

Importing this module does not import mitmproxy: the ``record`` handler loads
it when recording starts, so ``import``/``export`` work without the extra.
Every user error is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from stubforge.record.writer import RecordingWriter, WriterError
from stubforge.redact.redactor import Redactor, load_key
from stubforge.redact.rules import RulesError, RuleSet, load_ruleset


class UsageError(Exception):
    """Printed as ``stubforge <cmd>: <message>``, exit code 2."""


def _fail(cmd: str, message: str) -> int:
    print(f"stubforge {cmd}: {message}", file=sys.stderr)
    return 2


def _add_redaction_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("redaction")
    g.add_argument(
        "--rules", type=Path, metavar="FILE", help="YAML rules file: add, allow, disable"
    )
    g.add_argument(
        "--pii", action="store_true", help="also mask names, phone numbers and postal addresses"
    )
    g.add_argument(
        "--redact-key-file",
        type=Path,
        metavar="FILE",
        help="HMAC key for placeholders (default: $STUBFORGE_REDACT_KEY, "
        "else ~/.config/stubforge/redact.key, created on first use)",
    )
    g.add_argument(
        "--redact-report",
        action="store_true",
        help="at the end, list what was masked by rule and field path (never the values)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``record``, ``import`` and ``export`` to the ``stubforge`` parser."""
    p = sub.add_parser(
        "record",
        help="record a third-party API through a redacting proxy",
        description="Run a recording proxy (mitmproxy). Reverse mode: point the client's base "
        "URL at --listen. Forward mode: set HTTPS_PROXY and trust mitmproxy's CA.",
    )
    p.add_argument("--mode", choices=["reverse", "forward"], default="reverse")
    p.add_argument(
        "--upstream", metavar="URL", help="reverse mode: the real API, https://host[:port]"
    )
    p.add_argument("--listen", default="127.0.0.1:8081", metavar="HOST:PORT")
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="recordings directory (default recordings/<host>/)"
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="HOST",
        help="forward mode: record only this host (repeatable; *.example.com allowed); "
        "other traffic is tunnelled untouched",
    )
    p.add_argument("--upstream-ca", type=Path, metavar="FILE", help="CA bundle to verify upstream")
    p.add_argument(
        "--insecure-upstream", action="store_true", help="do not verify the upstream certificate"
    )
    p.add_argument(
        "--confdir", type=Path, metavar="DIR", help="mitmproxy directory with the CA (~/.mitmproxy)"
    )
    p.add_argument(
        "--keep-host-header", action="store_true", help="reverse mode: forward Host as sent"
    )
    p.add_argument("--fsync", action="store_true", help="fsync after every exchange")
    p.add_argument(
        "--rotate-mb", type=int, default=256, metavar="N", help="start a new file after N MiB"
    )
    p.add_argument(
        "--max-body-mb",
        type=int,
        default=64,
        metavar="N",
        help="keep at most N MiB of a streamed body (the client still gets all of it)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log proxy events")
    _add_redaction_args(p)
    p.set_defaults(handler=run_record)

    from stubforge.subcommands import format_commands

    imports = format_commands(sub, "import", "import recordings or a spec from another format")
    p = imports.add_parser("har", help="a HAR file as recordings")
    p.add_argument("file", type=Path, metavar="FILE.har")
    p.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="default recordings/<file>/"
    )
    _add_redaction_args(p)
    p.set_defaults(handler=run_import)

    exports = format_commands(sub, "export", "export recordings or stubs to another format")
    p = exports.add_parser("har", help="recordings as one HAR file")
    p.add_argument("dir", type=Path, nargs="?", default=Path("recordings"), metavar="DIR")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.har")
    p.set_defaults(handler=run_export)


# --- shared validation ----------------------------------------------------------


def _ruleset(args: argparse.Namespace) -> RuleSet:
    return load_ruleset(args.rules, pii=args.pii)


def _redactor(args: argparse.Namespace, out: Path) -> Redactor:
    try:
        key = load_key(args.redact_key_file, out)
    except OSError as exc:
        raise UsageError(f"redaction key: {exc.strerror}: {exc.filename}") from exc
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return Redactor(_ruleset(args), key)


def parse_upstream(value: str | None) -> str:
    """Validate ``--upstream``: ``http(s)://host[:port][/path]``."""
    if not value:
        raise UsageError("--upstream URL is required in reverse mode")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"--upstream: invalid URL {value!r}: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--upstream: expected http(s)://host[:port], got {value!r}")
    del port
    return value.rstrip("/")


def parse_listen(value: str) -> tuple[str, int]:
    """Validate ``--listen HOST:PORT`` (``[::1]:8081`` for IPv6)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--listen: expected HOST:PORT, got {value!r}")
    return (host.strip("[]") or "127.0.0.1"), int(port)


# --- handlers ------------------------------------------------------------------


def run_record(args: argparse.Namespace) -> int:
    """``stubforge record``."""
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="stubforge record: %(levelname)s %(name)s: %(message)s",
    )
    try:
        return _run_record(args)
    except (UsageError, RulesError, WriterError) as exc:
        return _fail("record", str(exc))


def _run_record(args: argparse.Namespace) -> int:
    upstream = None
    if args.mode == "reverse":
        upstream = parse_upstream(args.upstream)
        if args.only:
            raise UsageError("--only applies to --mode forward")
    elif args.upstream:
        raise UsageError("--upstream applies to --mode reverse")
    host, port = parse_listen(args.listen)
    for opt, path in (("--upstream-ca", args.upstream_ca), ("--rules", args.rules)):
        if path is not None and not path.is_file():
            raise UsageError(f"{opt}: no such file: {path}")
    if args.rotate_mb < 1:
        raise UsageError("--rotate-mb: must be at least 1")
    if args.max_body_mb < 1:
        raise UsageError("--max-body-mb: must be at least 1")
    out: Path = args.out or Path("recordings") / (
        (urlsplit(upstream).hostname or "upstream") if upstream else "forward"
    )
    _require_mitmproxy()
    redactor = _redactor(args, out)
    from stubforge.record.runner import RecordConfig, StartupError, check_port_free, run

    try:
        check_port_free(host, port)
    except StartupError as exc:
        raise UsageError(str(exc)) from exc
    writer = RecordingWriter(out, fsync=args.fsync, max_bytes=args.rotate_mb * 1024 * 1024)
    cfg = RecordConfig(
        mode=args.mode,
        upstream=upstream,
        listen_host=host,
        listen_port=port,
        writer=writer,
        redactor=redactor,
        only=list(args.only),
        upstream_ca=args.upstream_ca,
        insecure_upstream=args.insecure_upstream,
        confdir=args.confdir,
        keep_host_header=args.keep_host_header,
        max_body=args.max_body_mb * 1024 * 1024,
        redact_report=args.redact_report,
    )
    try:
        return run(cfg)
    except StartupError as exc:
        raise UsageError(str(exc)) from exc


def run_import(args: argparse.Namespace) -> int:
    """``stubforge import har FILE.har [--out DIR]``."""
    from stubforge.record.har import HarError, import_har

    try:
        if not args.file.is_file():
            raise UsageError(f"no such file: {args.file}")
        out: Path = args.out or Path("recordings") / args.file.stem
        redactor = _redactor(args, out)
        with RecordingWriter(out) as writer:
            n = import_har(args.file, writer, redactor)
            path = writer.path
    except (UsageError, RulesError, WriterError, HarError) as exc:
        return _fail("import", str(exc))
    print(f"stubforge import: {n} entries -> {path}", file=sys.stderr)
    if args.redact_report:
        from stubforge.redact.report import report_lines

        for line in report_lines(redactor.report):
            print(f"stubforge import: {line}", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``stubforge export har [DIR] -o FILE.har``."""
    from stubforge import __version__
    from stubforge.model.recording import RecordingFormatError, iter_raw_entries
    from stubforge.record.har import export_har

    if not args.dir.exists():
        return _fail("export", f"no such directory: {args.dir}")
    if not os.access(args.output.parent if str(args.output.parent) else Path("."), os.W_OK):
        return _fail("export", f"cannot write {args.output}")
    try:
        # an empty HAR is almost always a wrong directory: say so, exit non-zero
        if next(iter_raw_entries(args.dir), None) is None:
            return _fail("export", f"no recorded exchanges under {args.dir}; nothing written")
        n = export_har(args.dir, args.output, __version__)
    except (RecordingFormatError, OSError) as exc:
        return _fail("export", str(exc))
    print(f"stubforge export: {n} entries -> {args.output}", file=sys.stderr)
    return 0


def _require_mitmproxy() -> None:
    """Fail before anything is written (no redaction key) when the recorder cannot run."""
    try:
        import mitmproxy  # noqa: F401
    except ModuleNotFoundError as exc:
        if sys.version_info < (3, 12):
            raise UsageError(
                "recording needs Python 3.12 or newer (mitmproxy 12; the last mitmproxy for "
                "Python 3.11 pins a vulnerable h11). Install stubforge into a Python 3.12+ "
                "venv from a checkout: pip install '.[record]'"
            ) from exc
        raise UsageError(
            "mitmproxy is not installed: from a checkout of stubforge, pip install '.[record]' "
            "(or pip install 'dist/stubforge-<version>-py3-none-any.whl[record]')"
        ) from exc
