"""An imported spec, served: named examples by ``Prefer: example=``, other statuses by
``Prefer: code=``, the provider's 401 without credentials, typed path parameters."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from stubforge.cli import main
from stubforge.serve.config import ServeConfig
from tests.server import running_server

SPEC = """
openapi: 3.0.3
info: {title: Payments, version: "1"}
servers: [{url: "https://api.pay.example/v1"}]
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Charge:
      type: object
      required: [id, amount, currency]
      properties:
        id: {type: string}
        amount: {type: integer, minimum: 1}
        currency: {type: string, enum: [usd, eur]}
paths:
  /charges/{charge_id}:
    get:
      operationId: getCharge
      parameters:
        - {name: charge_id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: the charge
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Charge"}
              examples:
                small: {value: {id: ch_1, amount: 5, currency: usd}}
                large: {value: {id: ch_2, amount: 90000, currency: eur}}
        "401":
          description: no key
          content:
            application/json:
              example: {error: {type: invalid_request_error, message: No API key provided}}
        "404":
          description: missing
          content:
            application/json:
              example: {error: {type: not_found}}
  /status:
    get:
      operationId: status
      security: []
      responses:
        "200":
          description: up
          content:
            text/plain:
              schema: {type: string, enum: [ok]}
  /keys:
    get:
      operationId: keys
      security: [{key: []}]
      responses:
        "200": {description: keys}
"""


def test_served_import(tmp_path: Path) -> None:
    spec = tmp_path / "pay.yaml"
    spec.write_text(SPEC)
    stubs = tmp_path / "stubs"
    assert main(["import", "openapi", str(spec), "-o", str(stubs)]) == 0
    routes = yaml.safe_load((stubs / "payments.yaml").read_text())["routes"]
    assert routes[0]["request"]["path"] == "/v1/charges/{charge_id:int}"
    auth = {"authorization": "Bearer t"}
    with (
        running_server(stubs, ServeConfig(watch=False)) as server,
        httpx.Client(base_url=server.url, timeout=5) as client,
    ):
        first = client.get("/v1/charges/7", headers=auth)
        assert first.status_code == 200 and first.json()["id"] == "ch_1"
        large = client.get("/v1/charges/7", headers={**auth, "prefer": "example=large"})
        assert large.json()["amount"] == 90000
        missing = client.get("/v1/charges/7", headers={**auth, "prefer": "code=404"})
        assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"
        anonymous = client.get("/v1/charges/7")
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["message"] == "No API key provided"
        assert anonymous.headers["www-authenticate"] == "Bearer"
        assert client.get("/v1/charges/abc", headers=auth).status_code == 404  # not an int
        status = client.get("/v1/status")
        assert status.status_code == 200 and status.text == "ok"
        assert status.headers["content-type"].startswith("text/plain")
        assert client.get("/v1/keys").status_code == 401
        assert client.get("/v1/keys", headers={"x-api-key": "k"}).status_code == 200
