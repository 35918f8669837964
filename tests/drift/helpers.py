"""Run drift in-process against a running provider and summarise what it found."""

from __future__ import annotations

from pathlib import Path

import httpx

from stubforge.compile.pipeline import exchanges_from
from stubforge.drift.behaviour import Thresholds
from stubforge.drift.expected import StubIndex
from stubforge.drift.findings import DriftReport
from stubforge.drift.live import live_drift
from stubforge.drift.probe import Budget
from stubforge.drift.safety import Allowed
from stubforge.drift.secrets import Secrets
from stubforge.load.loader import load_directory
from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import load_ruleset
from tests.record.conftest import REDACT_KEY

from .conftest import TOKEN, Recorded

WRITES = ["POST /v1/charges", "POST /v1/refunds"]


def index_of(stubs: Path) -> StubIndex:
    loaded = load_directory(stubs)
    assert loaded.ok, [str(e) for e in loaded.errors]
    return StubIndex(loaded)


def run_live(
    recorded: Recorded,
    url: str,
    allow: list[str] = WRITES,
    samples: int = 5,
    client: httpx.Client | None = None,
    write_to: Path | None = None,
) -> DriftReport:
    return live_drift(
        index_of(recorded.stubs),
        url,
        list(exchanges_from(recorded.recordings, [])),
        str(recorded.stubs),
        secrets=Secrets({"authorization": f"Bearer {TOKEN}"}),
        redactor=Redactor(load_ruleset(), REDACT_KEY.encode()),
        allowed=[Allowed.parse(a) for a in allow],
        budget=Budget(samples=samples, rps=500, max_requests=1000),
        limits=Thresholds(),
        write_to=write_to,
        client=client,
    )


def kinds(report: DriftReport) -> set[tuple[str, str, str]]:
    """(route, category, kind) of every finding."""
    return {(r.route_id, f.category.value, f.kind) for r in report.routes for f in r.findings}
