"""Live drift against a provider that really changes: v2 shows exactly its six changes,
classified; v1 itself shows nothing over 20 runs although ids, timestamps, request ids,
ETags and echoes differ in every answer."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from stubforge.compile.pipeline import exchanges_from
from stubforge.drift.behaviour import Thresholds
from stubforge.drift.live import live_drift
from stubforge.drift.probe import Budget
from stubforge.drift.secrets import Secrets
from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import load_ruleset
from tests.record.conftest import REDACT_KEY

from .conftest import TOKEN, Recorded
from .helpers import WRITES, index_of, kinds, run_live
from .provider import Running

V2_CHANGES = {
    ("get-v1-customers-customer_id", "breaking", "field-removed"),
    ("post-v1-charges", "breaking", "error-code-renamed"),
    ("get-v1-orders", "additive", "field-added"),
    ("get-v1-balance", "behavioural", "latency-p50"),
    ("get-v1-search", "behavioural", "rate-limit-changed"),
    ("post-v1-refunds", "breaking", "required-field-added"),
}
DELETE = ("delete-v1-customers-customer_id", "unreachable", "unsafe")


@pytest.mark.timeout(120)
def test_v2_reports_exactly_its_changes(v1_recorded: Recorded, v2: Running) -> None:
    report = run_live(v1_recorded, v2.url)
    assert kinds(report) == V2_CHANGES | {DELETE}
    assert report.exit_code == 1
    by_route = {r.route_id: r for r in report.routes}
    removed = by_route["get-v1-customers-customer_id"].findings[0]
    assert "$.phone" in removed.message
    renamed = by_route["post-v1-charges"].findings[0]
    assert "card_declined → payment_declined" in renamed.message
    added = by_route["get-v1-orders"].findings[0]
    assert "$.data[].gift" in added.message and "boolean" in added.message
    required = by_route["post-v1-refunds"].findings[0]
    assert "'reason'" in required.message
    limit = by_route["get-v1-search"].findings[0]
    assert "limit 10 → 5" in limit.message


@pytest.mark.timeout(240)
def test_v1_against_itself_finds_nothing_over_20_runs(
    v1_recorded: Recorded, v1: Running, tmp_path: Path
) -> None:
    allow = [*WRITES, "DELETE /v1/customers/{customer_id}"]
    with httpx.Client(timeout=10) as client:
        for run in range(20):
            written = tmp_path / str(run)
            report = run_live(
                v1_recorded, v1.url, allow=allow, samples=5, client=client, write_to=written
            )
            _assert_noisy(written)
            found = [(r.route_id, str(f.message)) for r in report.routes for f in r.findings]
            assert found == [], f"run {run}: {found}"
            assert report.exit_code == 0 and report.unknown == []
            assert all(r.answers >= 5 for r in report.routes)


def _assert_noisy(written: Path) -> None:
    """The answers really differ every time: request ids, ETags, ids and times."""
    entries = [json.loads(line) for f in written.glob("*.jsonl") for line in f.open()]
    heads = [{h["name"]: h["value"] for h in e["response"]["headers"]} for e in entries]
    request_ids = [h["x-request-id"] for h in heads if "x-request-id" in h]
    etags = [h["etag"] for h in heads if "etag" in h]
    assert len(set(request_ids)) == len(request_ids) > 50
    assert len(set(etags)) == len(etags) > 50
    bodies = [json.loads(e["response"]["content"]["text"]) for e in entries]
    charges = [b["id"] for b in bodies if b.get("object") == "charge"]
    assert len(set(charges)) == len(charges) >= 10


def test_writes_are_not_probed_unless_allowed(v1_recorded: Recorded, v1: Running) -> None:
    report = run_live(v1_recorded, v1.url, allow=[], samples=1)
    assert v1.provider.deletes == 0
    unreachable = {r for r, c, _ in kinds(report) if c == "unreachable"}
    assert unreachable == {
        "delete-v1-customers-customer_id",
        "post-v1-charges",
        "post-v1-refunds",
    }
    assert report.exit_code == 0
    assert report.requests_sent == sum(r.answers for r in report.routes)


def test_max_requests_caps_the_run_and_says_so(v1_recorded: Recorded, v1: Running) -> None:
    report = live_drift(
        index_of(v1_recorded.stubs),
        v1.url,
        list(exchanges_from(v1_recorded.recordings, [])),
        "stubs",
        secrets=Secrets({"authorization": f"Bearer {TOKEN}"}),
        redactor=Redactor(load_ruleset(), REDACT_KEY.encode()),
        allowed=[],
        budget=Budget(samples=5, rps=500, max_requests=6),
        limits=Thresholds(),
    )
    assert report.requests_sent == 6
    assert any("--max-requests 6 cut the run short" in n for n in report.notes)
    # Rounds: every planned request once before any is repeated.
    assert sum(1 for r in report.routes if r.answers) == 4  # the four read routes
