"""``stubforge drift``: do the stubs still tell the truth about the provider?

Live: ``stubforge drift --stubs DIR --upstream URL [--recordings DIR]`` re-sends recorded
requests (reads only, unless allowed). Offline: ``stubforge drift --stubs DIR
--recordings NEW_DIR`` compares a fresh recording set, without network.

Exit codes: 0 no breaking drift; 1 breaking drift; 2 could not run (bad arguments,
broken stubs, unreadable recordings or secrets, nothing could be compared).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stubforge.drift.behaviour import Thresholds
    from stubforge.drift.expected import StubIndex
    from stubforge.drift.findings import DriftReport
    from stubforge.drift.secrets import Secrets


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``drift`` to the ``stubforge`` parser."""
    p = sub.add_parser(
        "drift",
        help="compare the stubs with the provider (live) or with fresh recordings (offline)",
        description="Tell real provider changes from noise: breaking, additive and "
        "behavioural drift per route. Exit 0: no breaking drift; 1: breaking drift; "
        "2: could not run.",
    )
    p.add_argument("--stubs", type=Path, default=Path("stubs"), help="stubs directory")
    p.add_argument("--upstream", metavar="URL", help="live: the provider's base URL")
    p.add_argument(
        "--recordings",
        type=Path,
        metavar="DIR",
        help="live: recorded requests to re-send; offline (no --upstream): the fresh recordings",
    )
    p.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="'METHOD /path'",
        help="live: also probe this non-read request (repeatable)",
    )
    p.add_argument(
        "--secrets", type=Path, metavar="FILE", help="live: NAME=VALUE lines re-hydrating secrets"
    )
    p.add_argument("--samples", type=int, default=5, help="live: answers per request (5)")
    p.add_argument("--rps", type=float, default=2.0, help="live: requests per second (2)")
    p.add_argument("--max-requests", type=int, default=200, help="live: request budget (200)")
    p.add_argument("--per-route", type=int, default=5, help="live: distinct requests per route (5)")
    p.add_argument("--timeout", type=float, default=10.0, help="live: seconds per request (10)")
    p.add_argument(
        "--latency-tolerance",
        type=float,
        default=25.0,
        metavar="PERCENT",
        help="latency p50/p99 moves beyond this count (25)",
    )
    p.add_argument(
        "--latency-floor",
        default="10ms",
        metavar="DURATION",
        help="latency moves smaller than this never count (10ms)",
    )
    p.add_argument(
        "--write-recordings",
        type=Path,
        metavar="DIR",
        help="live: keep the probes' answers (redacted) as recordings for stubforge compile",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    p.set_defaults(handler=run)


def _fail(message: str) -> int:
    print(f"stubforge drift: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from stubforge.drift.behaviour import Thresholds
    from stubforge.drift.expected import StubIndex
    from stubforge.drift.junit import render_junit
    from stubforge.drift.secrets import Secrets, SecretsError, load_secrets
    from stubforge.drift.text import render_text
    from stubforge.load.loader import load_directory
    from stubforge.model.duration import parse_duration
    from stubforge.model.recording import RecordingFormatError

    if args.upstream is None and args.recordings is None:
        return _fail("give --upstream URL (live) or --recordings DIR (offline)")
    if args.upstream is not None and not args.upstream.startswith(("http://", "https://")):
        return _fail(f"--upstream {args.upstream!r}: expected an http:// or https:// URL")
    if args.samples < 1 or args.rps <= 0 or args.max_requests < 1 or args.per_route < 1:
        return _fail("--samples, --rps, --max-requests and --per-route must be positive")
    try:
        floor = parse_duration(args.latency_floor)
    except ValueError as exc:
        return _fail(f"--latency-floor: {exc}")
    limits = Thresholds(tolerance=args.latency_tolerance / 100.0, floor=floor)
    loaded = load_directory(args.stubs)
    if not loaded.ok:
        for err in loaded.errors:
            print(err, file=sys.stderr)
        return _fail(f"{args.stubs}: the stubs do not load ({len(loaded.errors)} error(s))")
    if not loaded.files:
        return _fail(f"{args.stubs}: no stub files")
    index = StubIndex(loaded)
    secrets = Secrets()
    try:
        if args.secrets is not None:
            secrets = load_secrets(args.secrets)
        report: DriftReport
        if args.upstream is None:
            from stubforge.drift.offline import offline_drift

            report = offline_drift(index, args.recordings, str(args.stubs), limits)
        else:
            report = _live(args, index, secrets, limits)
    except (SecretsError, RecordingFormatError, FileNotFoundError, ValueError) as exc:
        return _fail(secrets.scrub(str(exc)))
    if report.checked == 0:
        report.notes.append("could not run: no route could be compared (see above)")
    if args.junit is not None:
        args.junit.parent.mkdir(parents=True, exist_ok=True)
        args.junit.write_text(secrets.scrub(render_junit(report)), encoding="utf-8")
    if args.json:
        print(secrets.scrub(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)))
    else:
        sys.stdout.write(secrets.scrub(render_text(report)))
    return report.exit_code


def _live(
    args: argparse.Namespace, index: StubIndex, secrets: Secrets, limits: Thresholds
) -> DriftReport:
    from urllib.parse import urlsplit

    from stubforge.compile.exchange import Exchange
    from stubforge.compile.pipeline import exchanges_from
    from stubforge.drift.live import live_drift
    from stubforge.drift.probe import Budget
    from stubforge.drift.safety import Allowed
    from stubforge.redact.redactor import Redactor, load_key
    from stubforge.redact.rules import load_ruleset

    allowed = [Allowed.parse(a) for a in args.allow]
    password = urlsplit(args.upstream).password
    if password:
        secrets.values["url-password"] = password  # scrubbed from everything shown
    recorded: list[Exchange] = []
    if args.recordings is not None:
        recorded = list(exchanges_from(args.recordings, []))
    redactor = Redactor(load_ruleset(), load_key(out_dir=args.write_recordings))
    budget = Budget(args.samples, args.rps, args.max_requests, args.timeout)
    return live_drift(
        index,
        args.upstream,
        recorded,
        str(args.stubs),
        secrets=secrets,
        redactor=redactor,
        allowed=allowed,
        budget=budget,
        limits=limits,
        per_route=args.per_route,
        write_to=args.write_recordings,
    )
