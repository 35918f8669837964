"""The pure request validator: violations with pointers, expected and got."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.openapi.requests import RequestValidator, summary
from stubforge.openapi.spec import Spec

SPEC = """
swagger: "2.0"
info: {title: t, version: "1"}
basePath: /v1
paths:
  /items/{id}:
    put:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: id, in: path, required: true, type: integer}
        - {name: tags, in: query, type: array, items: {type: integer}}
        - {name: count, in: formData, type: integer, required: true}
      responses: {"200": {description: ok}}
"""


@pytest.fixture
def validator(tmp_path: Path) -> RequestValidator:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return RequestValidator(Spec.load(path))


FORM = [(b"content-type", b"application/x-www-form-urlencoded")]


def test_valid_swagger_request(validator: RequestValidator) -> None:
    assert validator.check("PUT", "/v1/items/3", b"tags=1,2", FORM, b"count=4") == []


def test_unknown_operation_is_none(validator: RequestValidator) -> None:
    assert validator.check("GET", "/v1/items/3", b"", [], b"") is None


def test_violations_name_where_what_and_the_spec(validator: RequestValidator) -> None:
    found = validator.check("PUT", "/v1/items/x", b"tags=1&tags=b", FORM, b"count=many")
    assert found is not None
    got = {(v.pointer, v.expected, v.got) for v in found}
    assert got == {
        ("/path/id", "integer", "string"),
        ("/query/tags/1", "integer", "string"),
        ("/body/count", "integer", "string"),
    }
    assert all(v.spec.startswith("#/paths/~1items~1{id}/put") for v in found)
    assert summary(found).startswith("3; /path/id: expected integer, got string")


def test_only_ignored_headers_are_skipped(validator: RequestValidator) -> None:
    found = validator.check("PUT", "/v1/items/3", b"", [], b"count=1")
    assert found is not None
    assert [v.pointer for v in found] == ["/header/content-type"]
