"""Schema and loader agree: every fixture the loader accepts the schema accepts, and every
fixture the schema accepts the loader accepts, except the checks only code can make
(listed here with the reason, so that a new disagreement fails this test)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from stubforge.load.loader import load_directory
from stubforge.model.schema import stub_schema
from stubforge.starter.files import FILES
from tests.load.test_check import BROKEN

ROOT = Path(__file__).resolve().parents[2]

CODE_ONLY = {
    "duplicate-key": "a YAML-level check (editors' YAML parsers report it themselves)",
    "invalid-regex": "a regular expression that does not compile",
    "regex-lookaround-is-not-re2": "a regular expression RE2 cannot run",
    "template-does-not-parse": "Jinja2 syntax",
    "template-unknown-filter": "Jinja2 names",
    "json-nan-is-not-json": "YAML's .nan reaches the validator as a float NaN, a 'number'",
    "header-template-does-not-parse": "Jinja2 syntax",
    "body-file-missing": "the file system",
    "body-file-escapes": "the file system (../ is fine when it stays inside the directory)",
    "bad-jsonpath": "JSONPath syntax",
    "default-variant-not-last": "array order ('all but the last item')",
    "uniform-max-below-min": "a comparison of two values",
    "lognormal-p99-below-p50": "a comparison of two values",
}

EXTRA = {
    "path-float-type": "routes: [{request: {path: '/x/{id:float}'}}]",
    "path-typed-params": "routes: [{request: {path: '/v{n:int}/u/{id:uuid}/{name}.json'}}]",
    "path-catch-all": "routes: [{request: {path: '/static/{rest:path}'}}]",
    "path-catch-all-inside": "routes: [{request: {path: '/s/{rest:path}/x'}}]",
    "json-and-body": "routes: [{request: {path: /a}, response: {json: {}, body: x}}]",
    "variant-json-and-file": (
        "routes: [{request: {path: /a}, responses: [{json: 1, body_file: f}]}]"
    ),
    "response-and-sequence": (
        "routes: [{request: {path: /a}, response: {}, sequence: {responses: [{status: 200}]}}]"
    ),
    "scalar-header-values": (
        "routes: [{request: {path: /a}, response: {headers: {retry-after: 10, x-on: true}}}]"
    ),
    "x-keys": (
        "x-anchors: {a: &a {x-env: s}}\nroutes: [{request: {path: /a}, response: {headers: *a}}]"
    ),
    "not-x-key": "xanchors: 1\nroutes: []",
    "matcher-without-operator": "routes: [{request: {path: /a, query: {q: {}}}}]",
    "matcher-case-only": "routes: [{request: {path: /a, query: {q: {case_insensitive: true}}}}]",
    "absent-and-equals": "routes: [{request: {path: /a, headers: {h: {absent: true, equals: x}}}}]",
    "present-false-and-regex": (
        "routes: [{request: {path: /a, query: {q: {present: false, regex: x}}}}]"
    ),
    "method-list": "routes: [{request: {path: /a, method: [get, PUT]}}]",
    "method-empty-list": "routes: [{request: {path: /a, method: []}}]",
    "header-name-with-space": "defaults: {headers: {'x a': b}}\nroutes: []",
    "templated-header-line-break": (
        'routes: [{request: {path: /a}, response: {headers: {x: "{{ 1 }}\\nb"}}}]'
    ),
    "base64-good": "routes: [{request: {path: /a}, response: {body_base64: aGVsbG8=}}]",
    "base64-bad": "routes: [{request: {path: /a}, response: {body_base64: aGVsbG8}}]",
}


def _cases() -> list[tuple[str, str]]:
    cases = [(c, textwrap.dedent(t).lstrip("\n")) for c, t, _ in BROKEN]
    cases += [(c, f"version: 1\n{t}\n") for c, t in EXTRA.items()]
    cases += [(p.name, p.read_text()) for p in sorted((ROOT / "stubs").glob("*.yaml"))]
    cases += [("init-example", FILES["example.yaml"])]
    return cases


@pytest.fixture(scope="module")
def validator() -> Any:
    return jsonschema.Draft202012Validator(stub_schema())


def _loader_ok(text: str, tmp_path: Path) -> bool:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, body in FILES.items():  # body files the samples refer to
        if not name.endswith(".yaml"):
            (stubs / name).parent.mkdir(parents=True, exist_ok=True)
            (stubs / name).write_text(body)
    for sample_body in (ROOT / "stubs" / "bodies").rglob("*"):
        if sample_body.is_file():
            target = stubs / sample_body.relative_to(ROOT / "stubs")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(sample_body.read_bytes())
    (stubs / "api.yaml").write_text(text)
    return load_directory(stubs).ok


@pytest.mark.parametrize(("case", "text"), _cases(), ids=[c for c, _ in _cases()])
def test_schema_and_loader_agree(case: str, text: str, validator: Any, tmp_path: Path) -> None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        pytest.skip("not YAML: no document for the schema to judge")
    loader = _loader_ok(text, tmp_path)
    schema = data is not None and validator.is_valid(data)
    if case in CODE_ONLY:
        assert (loader, schema) == (False, True), f"{case}: now agree? drop it from CODE_ONLY"
    elif loader is False and schema is True:
        pytest.fail(
            f"{case}: the schema accepts what the loader refuses; make the schema say it"
            " (model/schema.py) or, if only code can, list it in CODE_ONLY with why"
        )
    else:
        assert loader == schema, f"{case}: the loader accepts what the schema refuses"
