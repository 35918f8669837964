"""Admin-area fixtures: the payments-like stubs most admin tests serve."""

from __future__ import annotations

import pytest

from tests.conftest import WriteStubs

PAYMENTS = """
version: 1
service: payments
routes:
  - id: get-customer
    request: {method: GET, path: "/v1/customers/{id}"}
    response: {status: 200, json: {object: customer}}
  - id: create-charge
    request:
      method: POST
      path: /v1/charges
      body: {jsonpath: {"$.currency": usd}}
    response: {status: 201, json: {object: charge}}
"""


@pytest.fixture
def payments(write_stub: WriteStubs) -> None:
    """Writes ``payments.yaml`` (get-customer, create-charge) into the stubs directory."""
    write_stub("payments.yaml", PAYMENTS)
