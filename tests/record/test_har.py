"""``stubforge import har`` and ``stubforge export har``: redacted, normalised, round-trip."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from stubforge.model.recording import read_recordings
from stubforge.record.__main__ import main

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def browser_har() -> dict[str, object]:
    """What Chrome devtools saves, trimmed: decoded bodies, encoding headers, extras."""
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00binary").decode()
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [],
            "entries": [
                {
                    "startedDateTime": "2026-01-02T10:00:01.000Z",
                    "time": 120.5,
                    "_initiator": {"type": "script", "url": f"https://app.example/?t={JWT}"},
                    "_priority": "High",
                    "request": {
                        "method": "POST",
                        "url": "https://api.example/v1/charges?expand=customer",
                        "httpVersion": "HTTP/2",
                        "headers": [
                            {"name": "authorization", "value": f"Bearer {JWT}"},
                            {"name": "content-type", "value": "application/json"},
                        ],
                        "queryString": [{"name": "expand", "value": "customer"}],
                        "cookies": [{"name": "sid", "value": "s3ss10n-cookie-value"}],
                        "headersSize": -1,
                        "bodySize": 40,
                        "postData": {
                            "mimeType": "application/json",
                            "text": json.dumps({"amount": 100, "card": "4242424242424242"}),
                        },
                    },
                    "response": {
                        "status": 200,
                        "statusText": "",
                        "httpVersion": "HTTP/2",
                        "headers": [
                            {"name": "content-type", "value": "application/json"},
                            {"name": "content-encoding", "value": "gzip"},
                            {"name": "content-length", "value": "31"},
                        ],
                        "cookies": [],
                        "content": {
                            "size": 28,
                            "mimeType": "application/json",
                            "text": '{"id":"ch_1","paid":true}',
                        },
                        "redirectURL": "",
                        "headersSize": -1,
                        "bodySize": 31,
                    },
                    "cache": {},
                    "timings": {
                        "blocked": 1,
                        "dns": -1,
                        "ssl": -1,
                        "connect": -1,
                        "send": 0.2,
                        "wait": 110.1,
                        "receive": 9.2,
                    },
                },
                {
                    "startedDateTime": "2026-01-02T10:00:00.000Z",
                    "time": 10,
                    "request": {
                        "method": "GET",
                        "url": "https://api.example/logo.png",
                        "headers": [],
                        "cookies": [],
                        "queryString": [],
                        "httpVersion": "HTTP/2",
                        "headersSize": -1,
                        "bodySize": 0,
                    },
                    "response": {
                        "status": 200,
                        "statusText": "OK",
                        "httpVersion": "HTTP/2",
                        "headers": [],
                        "cookies": [],
                        "redirectURL": "",
                        "content": {
                            "size": 18,
                            "mimeType": "image/png",
                            "text": png,
                            "encoding": "base64",
                        },
                        "headersSize": -1,
                        "bodySize": 18,
                    },
                    "cache": {},
                    "timings": {"send": 0, "wait": 9, "receive": 1},
                },
            ],
        }
    }


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUBFORGE_REDACT_KEY", "har-test-key")


def test_import_redacts_and_normalises(tmp_path: Path) -> None:
    har = tmp_path / "session.har"
    har.write_text(json.dumps(browser_har()))
    out = tmp_path / "rec"
    assert main(["import", "har", str(har), "--out", str(out)]) == 0

    raw = b"".join(f.read_bytes() for f in out.glob("*.jsonl"))
    for secret in (JWT, b"s3ss10n-cookie-value", b"4242424242424242"):
        assert (secret.encode() if isinstance(secret, str) else secret) not in raw
    assert b"_initiator" not in raw

    logo, charge = list(read_recordings(out))  # sorted by startedDateTime
    assert logo.response.content.body_bytes().startswith(b"\x89PNG")
    assert charge.schema_version == 1 and charge.id and charge.id.startswith("har-")
    assert charge.response.header("content-encoding") is None
    assert charge.response.content.content_encoding == "gzip"
    assert charge.response.header("content-length") == str(
        len(charge.response.content.body_bytes())
    )
    assert charge.timings.wait == 110.1
    assert {"jwt", "cookie", "card-number"} <= set(charge.redactions)


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    har = tmp_path / "session.har"
    har.write_text(json.dumps(browser_har()))
    first = tmp_path / "first"
    assert main(["import", "har", str(har), "--out", str(first)]) == 0
    exported = tmp_path / "out.har"
    assert main(["export", "har", str(first), "-o", str(exported)]) == 0

    doc = json.loads(exported.read_text())
    assert doc["log"]["version"] == "1.2"
    assert doc["log"]["creator"]["name"] == "stubforge"
    assert len(doc["log"]["entries"]) == 2

    second = tmp_path / "second"
    assert main(["import", "har", str(exported), "--out", str(second)]) == 0
    a = [e.to_json() for e in read_recordings(first)]
    b = [e.to_json() for e in read_recordings(second)]
    assert a == b  # ids, placeholders, bodies and extensions survive the round trip


def test_import_of_a_non_har_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text('{"hello": 1}')
    assert main(["import", "har", str(bad), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("stubforge import:") and "log.entries" in err
    assert "\n" not in err


def test_redact_report_lists_rules_and_field_paths_never_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    har = tmp_path / "session.har"
    har.write_text(json.dumps(browser_har()))
    assert main(["import", "har", str(har), "--out", str(tmp_path / "r"), "--redact-report"]) == 0
    err = capsys.readouterr().err
    assert "redaction report:" in err
    lines = [line for line in err.splitlines() if "request.headers.authorization" in line]
    assert lines, err
    har_text = har.read_text()
    for value in json.loads(har_text)["log"]["entries"][1]["request"]["headers"]:
        if value["name"].lower() == "authorization":
            assert value["value"].split()[-1] not in err
