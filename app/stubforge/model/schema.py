"""The JSON Schema of stub files, for editors (yaml-language-server) and validators."""

from __future__ import annotations

from typing import Any

from stubforge.model.stub import StubFile

SCHEMA_ID = "https://stubforge.dev/schema/stubs-v1.json"


def stub_schema() -> dict[str, Any]:
    schema = StubFile.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
