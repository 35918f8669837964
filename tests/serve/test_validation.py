"""``serve --validate SPEC``: every violation kind, hard (400/422 problem JSON) and soft
(answered, violations in a header and the journal); ``validation: false`` opts out."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubforge.serve.config import ServeConfig
from tests.server import running_server

SPEC = """
openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /orders:
    get:
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer, maximum: 100}}
        - {name: status, in: query, schema: {type: string, enum: [open, closed]}}
        - {name: X-Request-Id, in: header, schema: {type: string, format: uuid}}
      responses: {"200": {description: ok}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [email, items]
              properties:
                email: {type: string, format: email}
                items: {type: array, items: {type: object}}
                note: {type: object}
      responses: {"201": {description: created}}
  /orders/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /legacy:
    get:
      parameters: [{name: token, in: query, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
"""

STUBS = """
version: 1
routes:
  - request: {method: GET, path: /orders}
    response: {json: []}
  - request: {method: POST, path: /orders}
    response: {status: 201, json: {id: 1}}
  - request: {method: GET, path: "/orders/{id}"}
    response: {json: {id: 1}}
  - request: {method: GET, path: /legacy}
    validation: false
    response: {body: old}
"""

GOOD = {"email": "a@example.com", "items": [{}]}


def _deep(levels: int) -> Any:
    value: Any = {}
    for _ in range(levels):
        value = {"a": value}
    return value


CASES: list[tuple[str, str, str, dict[str, Any], str, str, int]] = [
    # name, method, path, request kwargs, violation pointer, expected, hard status
    ("missing required parameter", "GET", "/orders", {}, "/query/limit", "present", 400),
    ("wrong type", "GET", "/orders?limit=ten", {}, "/query/limit", "integer", 400),
    ("wrong type in path", "GET", "/orders/abc", {}, "/path/id", "integer", 400),
    ("maximum", "GET", "/orders?limit=500", {}, "/query/limit", "maximum 100", 400),
    ("enum", "GET", "/orders?limit=1&status=lost", {}, "/query/status", "one of", 400),
    (
        "format",
        "POST",
        "/orders",
        {"json": {**GOOD, "email": "nope"}},
        "/body/email",
        "format email",
        422,
    ),
    (
        "additional properties",
        "POST",
        "/orders",
        {"json": {**GOOD, "coupon": "X"}},
        "/body",
        "no other properties",
        422,
    ),
    (
        "missing required field",
        "POST",
        "/orders",
        {"json": {"items": []}},
        "/body",
        "property 'email'",
        422,
    ),
    (
        "wrong content type",
        "POST",
        "/orders",
        {"content": b"email=a", "headers": {"content-type": "text/plain"}},
        "/header/content-type",
        "one of application/json",
        400,
    ),
    (
        "body too deep",
        "POST",
        "/orders",
        {"json": {**GOOD, "note": _deep(40)}},
        "/body",
        "depth <= 32",
        400,
    ),
    ("missing body", "POST", "/orders", {}, "/body", "a body", 400),
]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, ServeConfig]:
    spec = tmp_path / "shop.yaml"
    spec.write_text(SPEC)
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "shop.yaml").write_text(STUBS)
    return stubs, ServeConfig(watch=False, validate=spec)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hard_mode_rejects_with_problem_json(
    setup: tuple[Path, ServeConfig], case: tuple[Any, ...]
) -> None:
    _, method, path, kwargs, pointer, expected, status = case
    stubs, config = setup
    with running_server(stubs, config) as server, httpx.Client(base_url=server.url) as client:
        r = client.request(method, path, timeout=5, **kwargs)
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["status"] == status
        found = [v for v in problem["violations"] if v["pointer"] == pointer]
        assert found, problem
        assert found[0]["expected"].startswith(expected)
        assert found[0]["spec"].startswith("#/paths/")
        journal = client.get("/__admin/requests").json()["requests"]
        assert journal[-1]["response"]["status"] == status
        assert journal[-1]["rule"] == "validation"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_soft_mode_answers_and_reports(
    setup: tuple[Path, ServeConfig], case: tuple[Any, ...]
) -> None:
    _, method, path, kwargs, pointer, _expected, _status = case
    stubs, config = setup
    config = replace(config, validation="soft")
    with running_server(stubs, config) as server, httpx.Client(base_url=server.url) as client:
        r = client.request(method, path, timeout=5, **kwargs)
        assert r.status_code in (200, 201, 404), r.text
        header = r.headers["x-stubforge-violations"]
        assert pointer in header
        journal = client.get("/__admin/requests").json()["requests"]
        assert pointer in journal[-1]["request"]["headers"]["x-stubforge-violations"]


def test_valid_requests_pass_untouched(setup: tuple[Path, ServeConfig]) -> None:
    stubs, config = setup
    with running_server(stubs, config) as server, httpx.Client(base_url=server.url) as client:
        ok = client.get("/orders?limit=5&status=open", timeout=5)
        assert ok.status_code == 200 and "x-stubforge-violations" not in ok.headers
        created = client.post(
            "/orders",
            content=json.dumps(GOOD),
            timeout=5,
            headers={"content-type": "application/json"},
        )
        assert created.status_code == 201 and created.json() == {"id": 1}
        assert client.get("/not-in-spec", timeout=5).status_code == 404  # the router's miss


def test_route_opts_out(setup: tuple[Path, ServeConfig]) -> None:
    stubs, config = setup
    with running_server(stubs, config) as server, httpx.Client(base_url=server.url) as client:
        r = client.get("/legacy", timeout=5)  # token missing, but the route opts out
        assert r.status_code == 200 and r.text == "old"


def test_unreadable_spec_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stubforge.cli import main

    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "a.yaml").write_text(STUBS)
    bad = tmp_path / "bad.yaml"
    bad.write_text("info: {}\n")
    code = main(
        ["serve", "--stubs", str(stubs), "--port", "0", "--no-watch", "--validate", str(bad)]
    )
    assert code == 2
    assert "--validate" in capsys.readouterr().err
