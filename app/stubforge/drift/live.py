"""Live drift: plan, probe, compare — one function the CLI (and tests) call."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from stubforge.compile.exchange import Exchange
from stubforge.drift.behaviour import Thresholds
from stubforge.drift.compare import compare_answers
from stubforge.drift.entries import EntryWriter
from stubforge.drift.expected import StubIndex
from stubforge.drift.findings import DriftReport
from stubforge.drift.plan import build_plan
from stubforge.drift.probe import Budget, probe
from stubforge.drift.safety import Allowed
from stubforge.drift.secrets import Secrets
from stubforge.redact.redactor import Redactor


def shown_url(url: str) -> str:
    """``url`` without credentials (``https://user:pass@host`` → ``https://***@host``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def live_drift(
    index: StubIndex,
    upstream: str,
    recorded: Iterable[Exchange],
    stubs: str,
    *,
    secrets: Secrets,
    redactor: Redactor,
    allowed: list[Allowed],
    budget: Budget,
    limits: Thresholds,
    per_route: int = 5,
    write_to: Path | None = None,
    client: httpx.Client | None = None,
) -> DriftReport:
    """Probe ``upstream`` with the recorded requests of every route and compare."""
    plan = build_plan(index, recorded, secrets, allowed, upstream, per_route)
    report = DriftReport("live", shown_url(upstream), stubs)
    report.notes.extend(plan.notes)
    writer = EntryWriter(write_to) if write_to is not None else None
    try:
        answers = probe(
            plan.requests,
            upstream,
            secrets,
            redactor,
            budget,
            writer.write if writer is not None else None,
            client,
        )
    finally:
        if writer is not None:
            writer.close()
            report.written = str(write_to)
    report.requests_sent = len(answers)
    budgeted = len(plan.requests) * budget.samples
    if budgeted > budget.max_requests:
        report.notes.append(
            f"--max-requests {budget.max_requests} cut the run short of {budgeted} requests"
        )
    return compare_answers(index, answers, limits, plan.skipped, report)
