"""One request's answers against the stub's answer: statuses, content type, headers."""

from __future__ import annotations

import json
from typing import Any

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.drift.answers import Probe, compare_probe
from stubforge.drift.expected import Answer

STUB = Answer(
    "response",
    200,
    "application/json",
    {"content-type": "application/json", "cache-control": "no-store"},
    {"id": "{{ path.id }}", "object": "thing"},
)


def _answer(status: int = 200, body: Any = None, **headers: str) -> Exchange:
    body = {"id": 1, "object": "thing"} if body is None else body
    head = {"content-type": "application/json", "cache-control": "no-store", **headers}
    return Exchange(
        0, 0.0, "http", "h", "GET", "/t/1", [], {}, None, NO_JSON,
        status, head, json.dumps(body), None, body, head["content-type"], 0.01, None,
    )  # fmt: skip


def _kinds(*answers: Exchange) -> list[str]:
    return [f.kind for f in compare_probe(Probe("GET /t/1", [STUB], list(answers)))]


def test_the_same_answer_with_other_values_and_volatile_headers_is_no_drift() -> None:
    a = _answer(body={"id": 2, "object": "thing"}, etag='"a"', **{"x-request-id": "r1"})
    b = _answer(body={"id": 3, "object": "thing"}, etag='"b"', **{"x-request-id": "r2"})
    assert _kinds(a, b) == []


def test_a_header_with_varying_values_is_noise_a_constant_new_one_additive() -> None:
    assert _kinds(_answer(**{"x-shard": "1"}), _answer(**{"x-shard": "2"})) == []
    assert _kinds(_answer(**{"x-api-version": "2"}), _answer(**{"x-api-version": "2"})) == [
        "header-added"
    ]


def test_a_stub_header_gone_is_breaking() -> None:
    gone = _answer()
    del gone.resp_headers["cache-control"]
    assert _kinds(gone) == ["header-removed"]


def test_status_changes() -> None:
    assert _kinds(_answer(404, {"error": "gone"})) == ["status-changed"]
    assert _kinds(_answer(401, {"error": "who"})) == ["auth"]
    assert _kinds(_answer(422, {"errors": [{"field": "tenant", "msg": "required"}]})) == [
        "required-field-added"
    ]
    assert _kinds(_answer(), _answer(409, {"error": "conflict"})) == ["new-error-code"]


def test_the_required_field_is_named_from_prose_too() -> None:
    found = compare_probe(
        Probe("GET /t/1", [STUB], [_answer(400, {"message": "tenant is required"})])
    )
    assert "'tenant'" in found[0].message


def test_content_type_change_is_breaking() -> None:
    text = _answer(body={"id": 1, "object": "thing"})
    text.resp_headers["content-type"] = text.content_type = "text/html; charset=utf-8"
    assert _kinds(text) == ["content-type-changed"]


def test_errors_and_throttling_are_left_to_behaviour() -> None:
    assert _kinds(_answer(503, {"error": "down"}), _answer(429, {"error": "slow down"})) == []
