"""``check --spec``: wrong responses named by file:line and field path, with the spec's
pointer; routes the spec does not know listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.load.loader import load_directory
from stubforge.openapi.conformance import check_stubs
from stubforge.openapi.spec import Spec
from tests.openapi.test_import_served import SPEC

STUBS = """\
version: 1
routes:
  - request: {method: GET, path: /v1/status}
    response: {body: ok}
  - request: {method: GET, path: "/v1/charges/{id}"}
    responses:
      - when: {query: {x: "1"}}
        status: 200
        json: {id: ch_1, amount: "12", currency: usd}
      - status: 418
  - request: {method: GET, path: "/v1/charges/ch_9"}
    response:
      json: {id: ch_9, amount: "{{ query.amount }}", currency: gbp}
  - request: {method: POST, path: /v1/refunds}
    response: {status: 201}
"""


@pytest.fixture
def checked(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "pay.yaml"
    spec.write_text(SPEC)
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "pay.yaml").write_text(STUBS)
    return spec, stubs


def test_problems_and_unknown_routes(checked: tuple[Path, Path]) -> None:
    spec, stubs = checked
    result = check_stubs(load_directory(stubs), Spec.load(spec))
    assert [p.split(": ", 1)[1] for p in result.problems] == [
        "routes[1].responses[0].json.amount: expected integer, got string "
        "(spec: #/components/schemas/Charge/properties/amount)",
        "routes[1].responses[1].status: 418 is not documented for GET /charges/{charge_id} "
        "(documented: 200, 401, 404; spec: #/paths/~1charges~1{charge_id}/get/responses)",
        "routes[2].response.json.currency: expected one of ['usd', 'eur'], got \"gbp\" "
        "(spec: #/components/schemas/Charge/properties/currency)",
    ]
    assert result.problems[0].startswith(f"{load_directory(stubs).files[0].display}:9: ")
    assert len(result.unknown) == 1 and "POST /v1/refunds" in result.unknown[0]


def test_cli_exit_code(checked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    spec, stubs = checked
    assert main(["check", str(stubs), "--spec", str(spec)]) == 1
    assert "expected integer, got string" in capsys.readouterr().out


def test_json_is_one_document(
    checked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    spec, stubs = checked
    assert main(["check", str(stubs), "--spec", str(spec), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False and document["errors"] == []
    assert len(document["spec"]["problems"]) == 3 and len(document["spec"]["unknown"]) == 1
