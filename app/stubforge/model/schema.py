"""The JSON Schema of stub files, for editors (yaml-language-server) and validators.

Pydantic derives most of it from the models. The rules the models check in Python
validators are added here, so that the schema refuses what the loader refuses wherever
JSON Schema can say it: path templates (parameter types, catch-all last), one body source
per response, one of ``response`` / ``responses`` / ``sequence`` per route, matchers that
need an operator, header names that are HTTP tokens, and top-level ``x-`` keys allowed.
What only code can check (regexes that compile, templates that parse, files that exist,
unique ids, unreachable variants) stays with ``stubforge check``.

The generated schema is shipped in the package (``stubs.schema.json`` beside this module)
so that ``stubforge schema --install DIR`` and ``stubforge init`` can write it next to a
user's stubs.
"""

from __future__ import annotations

import itertools
import json
from importlib import resources
from typing import Any

from stubforge.model.path_syntax import PARAM_TYPES
from stubforge.model.stub import StubFile

SCHEMA_ID = "https://stubforge.dev/schema/stubs-v1.json"
SCHEMA_FILE = "stubs.schema.json"
"""The file name the schema is shipped and installed under."""

_LIT = r"[^/{}?#]*"
_NAME = r"\s*[A-Za-z_][A-Za-z0-9_]*\s*"
_TYPED = "|".join(t for t in PARAM_TYPES if t != "path")
PATH_PATTERN = (
    rf"^(?:/{_LIT}(?:\{{{_NAME}(?::\s*(?:{_TYPED})\s*)?\}}{_LIT})?)*"
    rf"(?:/{_LIT}\{{{_NAME}:\s*path\s*\}})?$"
)
"""Path templates as :func:`stubforge.model.path_syntax.parse_path_template` accepts them
(except a parameter name used twice)."""
HEADER_NAME_PATTERN = r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$"
HEADER_VALUE_PATTERN = r"^(?:[^\x00-\x08\x0a-\x1f\x7f]*|[\s\S]*(?:\{\{|\{%)[\s\S]*)$"
"""No line breaks or control characters, unless the value is a template."""
METHOD_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
RELATIVE_PATTERN = r"^(?![/\\])"

_BODIES = ("json", "body", "body_base64", "body_file", "events")
_ANSWERS = ("response", "responses", "sequence")


def _at_most_one(names: tuple[str, ...]) -> dict[str, Any]:
    pairs = [{"required": [a, b]} for a, b in itertools.combinations(names, 2)]
    return {"not": {"anyOf": pairs}}


def _string_branch(spec: dict[str, Any]) -> dict[str, Any]:
    """The ``{"type": "string"}`` alternative of a property's schema."""
    return next(b for b in spec.get("anyOf", [spec]) if b.get("type") == "string")


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema["$defs"]
    method = {"type": "string", "pattern": METHOD_PATTERN}
    defs["RequestSpec"]["properties"]["method"]["anyOf"] = [
        method,
        {"type": "array", "items": method, "minItems": 1},
    ]
    for name in ("ResponseSpec", "VariantSpec", "Defaults"):
        headers = defs[name]["properties"]["headers"]
        headers["propertyNames"] = {"pattern": HEADER_NAME_PATTERN}
        _string_branch(headers["additionalProperties"])["pattern"] = HEADER_VALUE_PATTERN
    for name in ("ResponseSpec", "VariantSpec"):
        props = defs[name]["properties"]
        _string_branch(props["body_base64"])["pattern"] = BASE64_PATTERN
        _string_branch(props["body_file"])["pattern"] = RELATIVE_PATTERN
    schema["patternProperties"] = {"^x-": {"description": "ignored: a place for YAML anchors"}}
    for name in ("ResponseSpec", "VariantSpec"):
        defs[name].update(_at_most_one(_BODIES))
    defs["Route"].update(_at_most_one(_ANSWERS))
    defs["RequestSpec"]["properties"]["path"]["pattern"] = PATH_PATTERN
    defs["RequestSpec"]["properties"]["headers"]["propertyNames"] = {"pattern": HEADER_NAME_PATTERN}
    matcher = defs["StringMatcherSpec"]
    operators = ("equals", "regex", "contains", "one_of", "present", "absent")
    matcher["anyOf"] = [{"required": [op]} for op in operators]
    matcher["not"] = {
        "allOf": [
            {
                "anyOf": [
                    {"properties": {"absent": {"const": True}}, "required": ["absent"]},
                    {"properties": {"present": {"const": False}}, "required": ["present"]},
                ]
            },
            {"anyOf": [{"required": [op]} for op in ("equals", "regex", "contains", "one_of")]},
        ]
    }
    return schema


def stub_schema() -> dict[str, Any]:
    """The schema, generated from the models."""
    schema = StubFile.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **_strict(schema),
    }


def schema_text(schema: dict[str, Any] | None = None) -> str:
    """The schema as the file ``stubforge schema`` prints and the package ships."""
    return json.dumps(stub_schema() if schema is None else schema, indent=2) + "\n"


def shipped_schema_text() -> str:
    """The schema file shipped in the package."""
    return resources.files("stubforge.model").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
