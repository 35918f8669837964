"""The generator: every value validates, constraints hold, recursion ends, seeds decide."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from stubforge.openapi.generate import Generator
from stubforge.openapi.schemas import SchemaChecker
from stubforge.openapi.spec import Node, Spec

SCHEMAS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "required": ["id", "name", "kind", "age"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "name": {"type": "string", "minLength": 3, "maxLength": 8},
            "kind": {"type": "string", "enum": ["cat", "dog"]},
            "age": {"type": "integer", "minimum": 2, "maximum": 4},
            "weight": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 1},
            "owner_email": {"type": "string"},
            "website": {"type": "string", "format": "uri"},
            "created": {"type": "string", "format": "date-time"},
            "ip": {"type": "string", "format": "ipv4"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
            "secret": {"type": "string", "writeOnly": True},
            "tags": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "string"}},
            "note": {"type": "string", "nullable": True},
        },
    },
    "Node": {
        "type": "object",
        "required": ["value", "children"],
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "parent": {"$ref": "#/components/schemas/Node"},
        },
    },
    "Shape": {
        "oneOf": [
            {
                "type": "object",
                "required": ["radius"],
                "properties": {"radius": {"type": "number"}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["side"],
                "properties": {"side": {"type": "integer"}},
                "additionalProperties": False,
            },
        ]
    },
    "Named": {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}},
        ]
    },
    "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
    "Either": {"anyOf": [{"type": "string", "format": "email"}, {"type": "integer"}]},
}


@pytest.fixture
def spec(tmp_path: Path) -> Spec:
    path = tmp_path / "spec.json"
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": SCHEMAS},
    }
    path.write_text(json.dumps(doc))
    return Spec.load(path)


def schema(spec: Spec, name: str) -> Node:
    return spec.root.child("components", "schemas", name)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_values_validate(spec: Spec, name: str, seed: int) -> None:
    value = Generator(spec, seed).value(schema(spec, name), f"k{seed}")
    assert SchemaChecker(spec).violations(value, schema(spec, name), "read") == []


def test_constraints_and_realistic_values(spec: Spec) -> None:
    pet = Generator(spec, 3).value(schema(spec, "Pet"), "pet")
    assert "secret" not in pet  # writeOnly: never in a response
    assert re.fullmatch(r"[0-9a-f-]{36}", pet["id"])
    assert 3 <= len(pet["name"]) <= 8 and pet["kind"] in ("cat", "dog") and 2 <= pet["age"] <= 4
    assert 0 < pet["weight"] <= 1
    assert "@" in pet["owner_email"] and pet["website"].startswith("http")
    assert re.fullmatch(r"[A-Z]{3}-[0-9]{4}", pet["code"])
    assert 2 <= len(pet["tags"]) <= 3


def test_read_only_is_left_out_of_requests(spec: Spec) -> None:
    pet = Generator(spec, 3).value(schema(spec, "Pet"), "pet", "write")
    assert "id" not in pet and "secret" in pet


def test_recursive_schema_ends(spec: Spec) -> None:
    node = Generator(spec).value(schema(spec, "Node"), "tree")
    depth = 0
    while node.get("children"):
        node, depth = node["children"][0], depth + 1
    assert depth < 20


def test_all_of_merges_required_parts(spec: Spec) -> None:
    value = Generator(spec).value(schema(spec, "Named"), "n")
    assert isinstance(value["id"], int) and isinstance(value["label"], str)


def test_same_seed_same_value_other_seed_other_value(spec: Spec) -> None:
    a = Generator(spec, 1).value(schema(spec, "Pet"), "pet")
    assert Generator(spec, 1).value(schema(spec, "Pet"), "pet") == a
    assert Generator(spec, 2).value(schema(spec, "Pet"), "pet") != a
