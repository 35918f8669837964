"""``stubforge export openapi``: stubs become a valid OpenAPI 3.1 document."""

from __future__ import annotations

from pathlib import Path

import yaml
from openapi_spec_validator import validate

from stubforge.cli import main

STUBS = """\
version: 1
service: payments
routes:
  - id: get-customer
    request:
      method: GET
      path: "/v1/customers/{customer_id}/cards/{n:int}"
      query: {expand: sources}
    responses:
      - when: {headers: {x-mode: fail}}
        status: 404
        json: {error: missing}
      - status: 200
        headers: {x-request-id: abc}
        json: {id: cus_1}
  - request: {method: [POST, PUT], path: /v1/ping}
    response: {status: 204}
"""


def test_export_is_valid_openapi_31(tmp_path: Path) -> None:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "payments.yaml").write_text(STUBS)
    out = tmp_path / "openapi.yaml"
    assert main(["export", "openapi", str(stubs), "-o", str(out)]) == 0
    doc = yaml.safe_load(out.read_text())
    validate(doc)
    op = doc["paths"]["/v1/customers/{customer_id}/cards/{n}"]["get"]
    assert op["operationId"] == "get-customer"
    params = {p["name"]: p for p in op["parameters"]}
    assert params["n"]["schema"] == {"type": "integer"}
    assert params["expand"] == {
        "name": "expand",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "enum": ["sources"]},
    }
    ok = op["responses"]["200"]
    assert ok["content"]["application/json"]["examples"]["variant1"]["value"] == {"id": "cus_1"}
    assert ok["headers"]["x-request-id"]["example"] == "abc"
    assert set(doc["paths"]["/v1/ping"]) == {"post", "put"}
