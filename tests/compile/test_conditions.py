"""Conditions from what differs: structure before literals, form bodies like JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from tests.compile.factory import Tape
from tests.server import running_server


def _route(tape: Tape, tmp_path: Path, rid: str) -> dict[str, Any]:
    tape.write(tmp_path / "recordings")
    output = compile_directory(tmp_path / "recordings", Hints())
    write_output(tmp_path / "stubs", output)
    (text,) = output.files.values()
    routes = {r["id"]: r for r in yaml.safe_load(text)["routes"]}
    return routes[rid]


def _form(entry: dict[str, Any], fields: dict[str, str]) -> None:
    text = urlencode(fields)
    entry["request"]["headers"].append(
        {"name": "content-type", "value": "application/x-www-form-urlencoded"}
    )
    entry["request"]["postData"] = {
        "mimeType": "application/x-www-form-urlencoded",
        "text": text,
    }


def test_a_missing_field_explains_the_422_not_a_coincidental_literal(tmp_path: Path) -> None:
    t = Tape()
    for n in range(4):
        t.add("POST", "/v1/users", 201, request_json={"name": f"u{n}"}, json_body={"ok": True})
    t.add("POST", "/v1/users", 422, request_json={"nick": "x"}, json_body={"error": "name"})
    route = _route(t, tmp_path, "post-v1-users")
    (variant, default) = route["responses"]
    assert variant["when"] == {"body": {"jsonpath": {"$.name": {"present": False}}}}
    assert variant["status"] == 422 and default["status"] == 201


def test_a_value_that_decides_stays_a_literal(tmp_path: Path) -> None:
    t = Tape()
    for cur in ("usd", "eur", "usd"):
        t.add("POST", "/v1/charges", 200, request_json={"currency": cur}, json_body={"ok": True})
    t.add("POST", "/v1/charges", 400, request_json={"currency": "xxx"}, json_body={"ok": False})
    route = _route(t, tmp_path, "post-v1-charges")
    assert route["responses"][0]["when"] == {"body": {"jsonpath": {"$.currency": "xxx"}}}


@pytest.mark.timeout(30)
def test_form_fields_choose_variants_and_the_mock_reads_them(tmp_path: Path) -> None:
    t = Tape()
    for n in range(3):
        e = t.add("POST", "/oauth/token", 200, json_body={"token_type": "bearer"})
        _form(e, {"grant_type": "client_credentials", "client_id": f"c{n}"})
    e = t.add("POST", "/oauth/token", 400, json_body={"error": "unsupported_grant_type"})
    _form(e, {"grant_type": "password", "client_id": "c9"})
    route = _route(t, tmp_path, "post-oauth-token")
    assert route["responses"][0]["when"] == {"body": {"jsonpath": {"$.grant_type": "password"}}}
    with running_server(tmp_path / "stubs") as server, httpx.Client(timeout=5) as client:
        bad = client.post(server.url + "/oauth/token", data={"grant_type": "password"})
        good = client.post(server.url + "/oauth/token", data={"grant_type": "client_credentials"})
    assert bad.status_code == 400 and good.status_code == 200


@pytest.mark.timeout(30)
def test_xml_elements_choose_variants_and_the_mock_reads_them(tmp_path: Path) -> None:
    def xml(entry: dict[str, Any], action: str, n: int) -> None:
        text = f"<Request><action>{action}</action><user>u{n}</user></Request>"
        entry["request"]["headers"].append({"name": "content-type", "value": "text/xml"})
        entry["request"]["postData"] = {"mimeType": "text/xml", "text": text}

    t = Tape()
    for n in range(3):
        xml(t.add("POST", "/api", 200, json_body={"ok": True}), "Get", n)
    xml(t.add("POST", "/api", 403, json_body={"error": "denied"}), "Delete", 9)
    route = _route(t, tmp_path, "post-api")
    assert route["responses"][0]["when"] == {"body": {"jsonpath": {"$.action": "Delete"}}}
    with running_server(tmp_path / "stubs") as server, httpx.Client(timeout=5) as client:
        denied = client.post(
            server.url + "/api",
            content="<Request><action>Delete</action></Request>",
            headers={"content-type": "text/xml"},
        )
        fine = client.post(
            server.url + "/api",
            content="<Request><action>Get</action></Request>",
            headers={"content-type": "text/xml"},
        )
    assert denied.status_code == 403 and fine.status_code == 200
