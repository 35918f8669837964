"""The shared comparison on a hand-written stub set: error rates, throttling, unmatched
answers, and routes that could not be checked."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.drift.compare import compare_answers
from stubforge.drift.findings import DriftReport

from .helpers import index_of

STUBS = """\
version: 1
routes:
  - id: get-thing
    request: {method: GET, path: "/things/{id:int}"}
    response: {status: 200, json: {id: "{{ path.id }}", kind: thing}}
    errors: [{rate: 0.01, response: {status: 503, json: {error: unavailable}}}]
  - id: list-things
    request: {method: GET, path: /things}
    response: {status: 200, json: []}
"""


def _ex(path: str, status: int = 200, body: Any = None) -> Exchange:
    if body is None:
        body = {"id": 1, "kind": "thing"} if status == 200 else {}
    return Exchange(
        0, 0.0, "http", "h", "GET", path, [], {}, None, NO_JSON,
        status, {"content-type": "application/json"}, json.dumps(body), None, body,
        "application/json", 0.005, None,
    )  # fmt: skip


def _compare(tmp_path: Path, answers: list[Exchange]) -> DriftReport:
    (tmp_path / "s.yaml").write_text(textwrap.dedent(STUBS))
    return compare_answers(index_of(tmp_path), answers)


def _found(report: DriftReport) -> dict[str, list[str]]:
    return {r.route_id: [f.kind for f in r.findings] for r in report.routes}


def test_an_error_rate_inside_its_interval_is_no_drift(tmp_path: Path) -> None:
    answers = [_ex("/things/1")] * 19 + [_ex("/things/1", 503, {"error": "unavailable"})]
    report = _compare(tmp_path, [*answers, _ex("/things", body=[])])
    assert _found(report) == {"get-thing": [], "list-things": []}
    assert report.exit_code == 0


def test_an_error_rate_outside_its_interval_is_behavioural(tmp_path: Path) -> None:
    answers = [_ex("/things/1")] * 10 + [_ex("/things/1", 503, {"error": "unavailable"})] * 10
    report = _compare(tmp_path, [*answers, _ex("/things", body=[])])
    assert _found(report)["get-thing"] == ["error-rate"]
    message = report.routes[0].findings[0].message
    assert "1.0% → 50.0% (10 of 20" in message
    assert report.exit_code == 0


def test_throttling_without_a_stub_limit_is_a_new_limit(tmp_path: Path) -> None:
    answers = [_ex("/things", body=[]), _ex("/things", 429, {"error": "slow down"})]
    assert _found(_compare(tmp_path, answers))["list-things"] == ["rate-limit-new"]


def test_unmatched_answers_are_unknown_and_silent_routes_unreachable(tmp_path: Path) -> None:
    report = _compare(tmp_path, [_ex("/things", body=[]), _ex("/widgets")])
    assert [str(u) for u in report.unknown] == ["GET /widgets answered 200"]
    assert _found(report) == {"get-thing": ["no-answers"], "list-things": []}
    assert report.summary()["unknown"] == 1 and report.exit_code == 0


def test_a_5xx_storm_is_unreachable_and_nothing_compared_is_exit_2(tmp_path: Path) -> None:
    report = _compare(tmp_path, [_ex("/things", 500, {"error": "boom"})] * 3)
    assert _found(report) == {"get-thing": ["no-answers"], "list-things": ["no-good-answer"]}
    assert report.exit_code == 2
