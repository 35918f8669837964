"""Real-world recordings that are not what the recorder writes -- a browser's HAR with
status 0 and 999, lone surrogates, deeply nested JSON, braces and '?' encoded in paths --
import and compile without a traceback; what cannot be stubbed is dropped and reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stubforge.cli import main


def _entry(method: str, url: str, status: int, text: str = "", req_text: str = "") -> Any:
    entry: dict[str, Any] = {
        "startedDateTime": "2024-01-01T00:00:00Z",
        "time": 1,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "content-type", "value": "application/json"}],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(req_text),
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "",
            "headers": [{"name": "content-type", "value": "application/json"}],
            "cookies": [],
            "content": {"size": len(text), "mimeType": "application/json", "text": text},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(text),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }
    if req_text:
        entry["request"]["postData"] = {"mimeType": "application/json", "text": req_text}
    return entry


@pytest.mark.timeout(120)
def test_a_browser_har_imports_and_compiles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 3000 + "]" * 3000
    entries = [
        _entry("GET", "https://api.x.example/blocked", 0),
        _entry("GET", "https://api.x.example/odd", 999),
        _entry("GET", "https://api.x.example/a/%7Bid%7D/%3F", 200, '{"ok": true}'),
        _entry("POST", "https://api.x.example/s/\ud800", 200, '{"a": "\ud800"}', '{"b": "\udfff"}'),
        _entry("POST", "https://api.x.example/deep", 200, deep, deep),
        _entry("GET", "https://api.x.example/fine", 200, '{"n": 1}'),
    ]
    har = tmp_path / "browser.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    rec, out = tmp_path / "rec", tmp_path / "stubs"
    assert main(["import", "har", str(har), "--out", str(rec)]) == 0
    assert main(["compile", str(rec), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert "entry 1: response status 0 is not an HTTP status" in report
    assert "entry 2: response status 999 is not an HTTP status" in report
    assert "entry 3: its path holds an encoded '?'" in report
    assert main(["check", str(out)]) == 0
    compiled = next(out.glob("*.compiled.yaml")).read_text()
    assert "/fine" in compiled and "/deep" in compiled
