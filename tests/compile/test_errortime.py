"""Errors in time: random failures stay rates, outages become windows, cycles become every."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

from stubforge.compile.hints import Hints
from stubforge.compile.pipeline import compile_directory

from .factory import Tape


def _errors(tape: Tape, tmp_path: Path) -> list[dict[str, Any]]:
    tape.write(tmp_path / "recordings")
    (text,) = compile_directory(tmp_path / "recordings", Hints()).files.values()
    (route,) = yaml.safe_load(text)["routes"]
    rules: list[dict[str, Any]] = route["errors"]
    return rules


def test_errors_spread_at_random_stay_a_flat_rate(tmp_path: Path) -> None:
    tape, rng = Tape(), random.Random(3)
    for _ in range(300):
        status = 503 if rng.random() < 0.1 else 200
        tape.add("GET", "/v1/quote", status, json_body={"n": 1} if status == 200 else {})
    (rule,) = _errors(tape, tmp_path)
    assert set(rule) == {"rate", "response"}


def test_an_outage_with_some_successes_inside_gets_the_rate_seen_in_the_window(
    tmp_path: Path,
) -> None:
    tape = Tape(step_ms=1000)
    for i in range(100):
        failed = 30 <= i < 50 and i % 5 != 0
        tape.add("GET", "/v1/quote", 503 if failed else 200, json_body={})
    (rule,) = _errors(tape, tmp_path)
    assert rule["window"] == {"start": "31s", "duration": "19s"}
    assert rule["rate"] == 0.8421


def test_three_errors_in_a_row_among_few_requests_are_not_an_outage(tmp_path: Path) -> None:
    tape = Tape()
    for i in range(8):
        tape.add("GET", "/v1/quote", 503 if i in (3, 4, 5) else 200, json_body={})
    (rule,) = _errors(tape, tmp_path)
    assert "window" not in rule


def test_a_cycle_with_a_gap_is_not_every_n(tmp_path: Path) -> None:
    tape = Tape()
    for i in range(60):
        failed = i % 6 == 5 and i != 35
        tape.add("GET", "/v1/quote", fault="timeout" if failed else None, json_body={})
    (rule,) = _errors(tape, tmp_path)
    assert "every" not in rule
