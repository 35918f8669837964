"""The per-exchange line of ``stubforge record``: counts per rule, never a value."""

from __future__ import annotations

from typing import Any

from stubforge.record.exchange_line import exchange_line

TOKEN = "redacted~bearer-token~0123456789ab"
EMAIL = "redacted~email~ba9876543210"


def _entry(**extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "request": {
            "method": "POST",
            "url": f"https://api.example/v1/charges?key={TOKEN}",
            "headers": [{"name": "authorization", "value": f"Bearer {TOKEN}"}],
        },
        "response": {"status": 201, "content": {"text": f'{{"email": "{EMAIL}"}}'}},
        "time": 45.4,
        "_redactions": ["bearer-token", "email"],
    }
    entry.update(extra)
    return entry


def test_method_path_status_time_and_counts_per_rule() -> None:
    assert exchange_line(_entry()) == ("POST /v1/charges 201 45ms redacted: bearer-token=2 email=1")


def test_an_exchange_without_response_or_redaction() -> None:
    entry = {
        "request": {"method": "GET", "url": "http://x/a"},
        "response": {"status": 0},
        "time": -1,
        "_fault": "connection_reset",
    }
    assert exchange_line(entry) == "GET /a no response (connection_reset) redacted: nothing"
