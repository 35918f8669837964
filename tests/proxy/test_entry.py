"""A proxied exchange as a recording entry (pure)."""

from __future__ import annotations

import gzip

from stubforge.model.recording import RecordingEntry
from stubforge.proxy.entry import Exchange, exchange_entry


def test_entry_reads_as_a_recording_with_the_body_decoded() -> None:
    body = b'{"ok": true}'
    ex = Exchange(
        1_700_000_000.0,
        "POST",
        "https://api.example/v1/x?a=1&b=",
        [("content-type", "application/json"), ("cookie", "sid=abc; theme=dark")],
        b'{"n": 1}',
        8,
        status=201,
        reason="Created",
        response_headers=[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "99"),
            ("Set-Cookie", "sid=def; Path=/"),
        ],
        response_body=gzip.compress(body),
        response_size=99,
        wait_ms=12.5,
        receive_ms=1.5,
    )
    entry = exchange_entry(ex)
    parsed = RecordingEntry.model_validate(entry)
    assert parsed.response.content.text == body.decode()
    assert entry["response"]["content"]["_contentEncoding"] == "gzip"
    headers = {h["name"]: h["value"] for h in entry["response"]["headers"]}
    assert "Content-Encoding" not in headers and headers["Content-Length"] == str(len(body))
    assert entry["request"]["queryString"] == [
        {"name": "a", "value": "1"},
        {"name": "b", "value": ""},
    ]
    assert entry["request"]["cookies"] == [
        {"name": "sid", "value": "abc"},
        {"name": "theme", "value": "dark"},
    ]
    assert entry["response"]["cookies"] == [{"name": "sid", "value": "def"}]
    assert entry["time"] == 14.0 and entry["timings"]["wait"] == 12.5
    assert "_error" not in entry


def test_bodies_past_the_capture_limit_keep_only_their_size() -> None:
    ex = Exchange(0.0, "PUT", "http://h/up", [], None, 50_000_000, status=200)
    ex.response_body, ex.response_size = None, 60_000_000
    entry = exchange_entry(ex)
    assert entry["request"]["postData"] == {"mimeType": "", "text": "", "_truncated": True}
    assert entry["request"]["bodySize"] == 50_000_000
    assert entry["response"]["content"]["_truncated"] is True
    assert entry["response"]["content"]["size"] == 60_000_000


def test_a_failed_exchange_carries_its_fault() -> None:
    ex = Exchange(0.0, "GET", "http://h/", [], b"", 0, error="refused", fault="connection_refused")
    entry = exchange_entry(ex)
    assert entry["_fault"] == "connection_refused" and entry["response"]["status"] == 0
