"""``stubforge compile RECORDINGS --spec SPEC``: operations never recorded served from the
spec and marked so; documented errors by ``Prefer: code=``; recorded answers untouched."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from stubforge.cli import main
from stubforge.serve.config import ServeConfig
from tests.compile.factory import Tape
from tests.openapi.specs import OAI
from tests.server import running_server


def test_compile_with_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tape = Tape(base="http://petstore.swagger.io")
    for pet in (1, 2, 3):
        tape.add("GET", f"/v1/pets/{pet}", json_body={"id": pet, "name": f"pet{pet}"})
    recordings = tmp_path / "recordings"
    tape.write(recordings)
    spec = OAI[0].path(tmp_path)  # v3.0 petstore: listPets, createPets, showPetById
    out = tmp_path / "stubs"
    assert main(["compile", str(recordings), "-o", str(out), "-q", "--spec", str(spec)]) == 0
    err = capsys.readouterr().err
    assert "2 operation(s) never recorded" in err
    assert "spec: GET /pets/{petId}: path petId: string" in err
    added = yaml.safe_load((out / "swagger-petstore.spec.compiled.yaml").read_text())["routes"]
    never = [r for r in added if "never recorded" in r["description"]]
    assert {(r["request"]["method"], r["request"]["path"]) for r in never} == {
        ("GET", "/v1/pets"),
        ("POST", "/v1/pets"),
    }
    assert main(["check", str(out), "--spec", str(spec)]) == 0
    with (
        running_server(out, ServeConfig(watch=False)) as server,
        httpx.Client(base_url=server.url, timeout=5) as client,
    ):
        recorded = client.get("/v1/pets/2")
        assert recorded.json() == {"id": 2, "name": "pet2"}  # the recording wins
        listed = client.get("/v1/pets")  # never recorded: from the spec
        assert listed.status_code == 200 and isinstance(listed.json(), list)
        assert client.post("/v1/pets").status_code == 201


def test_documented_errors_answer_prefer_code(tmp_path: Path) -> None:
    from tests.openapi.test_import_served import SPEC

    tape = Tape(base="https://api.pay.example")
    for n in (5, 6):
        tape.add(
            "GET", f"/v1/charges/{n}", json_body={"id": f"ch_{n}", "amount": n, "currency": "usd"}
        )
    recordings = tmp_path / "recordings"
    tape.write(recordings)
    spec = tmp_path / "pay.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "stubs"
    assert main(["compile", str(recordings), "-o", str(out), "-q", "--spec", str(spec)]) == 0
    with (
        running_server(out, ServeConfig(watch=False)) as server,
        httpx.Client(base_url=server.url, timeout=5) as client,
    ):
        assert client.get("/v1/charges/5").json()["id"] == "ch_5"
        missing = client.get("/v1/charges/5", headers={"prefer": "code=404"})
        assert missing.status_code == 404 and missing.json() == {"error": {"type": "not_found"}}
        assert client.get("/v1/charges/5", headers={"prefer": "code=401"}).status_code == 401
