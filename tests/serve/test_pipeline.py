"""``decide`` on a built stub set, without a socket: each step of the evaluation order."""

from __future__ import annotations

import asyncio
import textwrap
import time
from pathlib import Path

import pytest

from stubforge.serve.config import ServeConfig
from stubforge.serve.pipeline import Plan, decide, plain
from stubforge.serve.session import BehaviourRequest
from stubforge.serve.state import ServerState

STUBS = """
version: 1
profiles:
  slow: {latency_multiplier: 3}
routes:
  - id: static
    request: {method: GET, path: /static}
    response: {status: 200, json: {ok: true}}
  - id: limited
    request: {method: GET, path: /limited}
    response: {status: 200, body: fine}
    rate_limit: {limit: 2, per: 1h}
  - id: flaky
    request: {method: GET, path: /flaky}
    response: {status: 200, body: fine}
    errors:
      - {id: every-3rd, every: 3, response: {status: 503, body: down}}
  - id: steps
    request: {method: GET, path: /steps}
    sequence:
      then: stick
      responses:
        - {status: 200, body: one}
        - {status: 202, body: two}
  - id: slow
    request: {method: GET, path: /slow}
    response: {status: 200, body: late}
    latency: 250ms
"""


@pytest.fixture
def state(tmp_path: Path) -> ServerState:
    (tmp_path / "api.yaml").write_text(textwrap.dedent(STUBS))
    built, errors = ServerState.initial(ServeConfig(stubs=tmp_path, watch=False, seed=1))
    assert built is not None, errors
    return built


def run(state: ServerState, method: str, path: str, profile: str | None = None) -> Plan:
    req = BehaviourRequest(method, path)
    req.profile = profile
    return asyncio.run(decide(state, req, time.time()))


def test_a_static_route_answers_its_fixed_response(state: ServerState) -> None:
    plan = run(state, "GET", "/static")
    assert plan.response is not None and plan.response.status == 200
    assert plan.outcome.route_id == "static" and plan.delay == 0


def test_head_is_get_without_a_body(state: ServerState) -> None:
    plan = run(state, "HEAD", "/static")
    assert plan.head and plan.outcome.route_id == "static"


def test_a_miss_is_the_unmatched_answer_with_near_misses(state: ServerState) -> None:
    plan = run(state, "GET", "/statik")
    assert plan.response is not None and plan.response.status == 404
    assert plan.outcome.route_id is None and plan.outcome.near_misses


def test_an_unknown_profile_is_a_400(state: ServerState) -> None:
    plan = run(state, "GET", "/static", profile="nope")
    assert plan.response is not None and plan.response.status == 400


def test_the_rate_limit_refuses_past_the_limit(state: ServerState) -> None:
    statuses = [run(state, "GET", "/limited").outcome.status for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = run(state, "GET", "/limited")
    assert refused.outcome.rule is not None and refused.outcome.rule.startswith("rate_limit")


def test_an_every_nth_error_rule_fires_on_the_nth(state: ServerState) -> None:
    statuses = [run(state, "GET", "/flaky").outcome.status for _ in range(6)]
    assert statuses == [200, 200, 503, 200, 200, 503]


def test_a_sequence_advances_and_stays_on_its_last_step(state: ServerState) -> None:
    statuses = [run(state, "GET", "/steps").outcome.status for _ in range(3)]
    assert statuses == [200, 202, 202]


def test_latency_is_planned_not_slept_and_a_profile_multiplies_it(state: ServerState) -> None:
    assert run(state, "GET", "/slow").delay == pytest.approx(0.25)
    slowed = run(state, "GET", "/slow", profile="slow")
    assert slowed.delay == pytest.approx(0.75)
    assert slowed.outcome.profile == "slow"


def test_the_fast_path_rule(state: ServerState) -> None:
    assert plain(state, None)
    assert not plain(state, "slow")
