"""The per-exchange line of ``stubforge record``: counts per rule, never a value."""

from __future__ import annotations

from collections import Counter

from stubforge.record.exchange_line import exchange_line, rule_counts
from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import load_ruleset


def test_method_path_status_time_and_counts_per_rule() -> None:
    entry = {
        "request": {"method": "POST", "url": "https://api.example/v1/charges?key=x"},
        "response": {"status": 201},
        "time": 45.4,
    }
    line = exchange_line(entry, {"email": 1, "bearer-token": 2, "none": 0})
    assert line == "POST /v1/charges 201 45ms redacted: bearer-token=2 email=1"


def test_an_exchange_without_response_or_redaction() -> None:
    entry = {
        "request": {"method": "GET", "url": "http://x/a"},
        "response": {"status": 0},
        "time": -1,
        "_fault": "connection_reset",
    }
    assert exchange_line(entry, {}) == "GET /a no response (connection_reset) redacted: nothing"


def test_counts_are_what_the_redactor_masked_in_this_exchange() -> None:
    redactor = Redactor(load_ruleset(None), b"k" * 32)
    secret = "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"
    entry = {
        "request": {
            "method": "GET",
            "url": "https://api.example/v1/x",
            "headers": [{"name": "Authorization", "value": f"Bearer {secret}"}],
        },
        "response": {"status": 200, "headers": [], "content": {"text": ""}},
    }
    before = redactor.report.copy()
    redacted = redactor.entry(entry)
    counts = rule_counts(before, redactor.report)
    assert sum(counts.values()) >= 1
    line = exchange_line(redacted, counts)
    assert secret not in line and line.startswith("GET /v1/x 200 redacted: ")
    assert rule_counts(redactor.report, redactor.report) == Counter()
