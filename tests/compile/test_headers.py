"""Varying response headers: compiled into templates, and what a client then receives."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from tests.server import running_server

from .factory import Tape
from .golden_cases import headers as headers_tape

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"


def _routes(tape: Tape, tmp_path: Path) -> dict[str, dict[str, Any]]:
    tape.write(tmp_path / "recordings")
    output = compile_directory(tmp_path / "recordings", Hints())
    write_output(tmp_path / "stubs", output)
    (text,) = output.files.values()
    return {r["id"]: r for r in yaml.safe_load(text)["routes"]}


@pytest.mark.timeout(30)
def test_a_client_gets_fresh_ids_and_echoed_paths_in_headers(tmp_path: Path) -> None:
    _routes(headers_tape(), tmp_path)
    with running_server(tmp_path / "stubs") as server, httpx.Client(timeout=5.0) as client:
        created = client.post(f"{server.url}/v1/people", json={"name": "ada"})
        fetched = client.get(f"{server.url}/v1/people/77", headers={"x-correlation-id": "c-1"})
        anonymous = client.get(f"{server.url}/v1/people/78")
    assert created.status_code == 201
    assert re.fullmatch(f"/v1/people/{UUID}", created.headers["location"])
    assert re.fullmatch(f"req_{UUID}", created.headers["x-request-id"])
    assert created.headers["x-served-by"] == "cache-ams-0"  # a recorded value, never dropped
    assert created.json()["name"] == "ada"
    assert fetched.headers["content-location"] == "https://api.people.example/v1/people/77"
    assert fetched.headers["x-correlation-id"] == "c-1"
    assert re.fullmatch(UUID, anonymous.headers["x-correlation-id"])


def test_a_location_echoing_a_body_field_uses_the_field(tmp_path: Path) -> None:
    tape = Tape()
    for sku in ("sku-1001", "sku-2002"):
        tape.add(
            "PUT",
            "/v1/items",
            request_json={"sku": sku},
            response_headers={"location": f"/v1/items/{sku}"},
            json_body={"sku": sku},
        )
    (route,) = _routes(tape, tmp_path).values()
    assert route["response"]["headers"] == {"location": "/v1/items/{{ json.sku | default('') }}"}


def test_request_ids_keep_their_prefix_and_transport_headers_never_appear(
    tmp_path: Path,
) -> None:
    tape = Tape()
    for n in range(3):
        tape.add(
            "GET",
            "/v1/ping",
            response_headers={
                "request-id": f"req_{n}abcdef1234{n}",
                "date": f"Wed, 01 May 2024 12:00:0{n} GMT",
                "content-length": "11",
                "connection": "keep-alive",
                "transfer-encoding": "chunked",
            },
            json_body={"ok": True},
        )
    (route,) = _routes(tape, tmp_path).values()
    assert route["response"]["headers"] == {"request-id": "req_{{ uuid }}"}


def test_a_varying_header_explained_only_sometimes_keeps_a_recorded_value(tmp_path: Path) -> None:
    tape = Tape()
    tape.add("GET", "/v1/users/1001", response_headers={"link": "</v1/users/1001>"}, json_body={})
    tape.add("GET", "/v1/users/1002", response_headers={"link": "</v1/other>"}, json_body={})
    (route,) = _routes(tape, tmp_path).values()
    assert route["response"]["headers"] == {"link": "</v1/users/1001>"}
