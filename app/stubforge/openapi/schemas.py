"""Validate values against schemas of a spec, with ``openapi-schema-validator``.

Its validators are ``jsonschema`` validators that know the OpenAPI dialects: 3.0's
``nullable``, ``readOnly``/``writeOnly`` by direction, the formats; 3.1 is JSON Schema
2020-12. A schema is validated where it is in the document (``{"$ref": uri#pointer}``), so
recursive and cross-file references work and every error can name the spec's pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import FormatChecker
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from stubforge.openapi.pointer import escape
from stubforge.openapi.spec import Node, Spec, SpecError

Direction = Literal["read", "write"]
"""``read``: a response (``writeOnly`` properties must not appear); ``write``: a request."""

_JSON_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
    (type(None), "null"),
)


def json_type(value: Any) -> str:
    for py, name in _JSON_TYPES:
        if isinstance(value, py):
            return name
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a value fails its schema."""

    path: tuple[str | int, ...]
    """Where in the value (``("amount",)``)."""
    message: str
    """``expected integer, got string``."""
    schema_ref: str
    """The spec pointer of the failing keyword's schema (``#/components/schemas/Charge/...``)."""
    keyword: str
    expected: str = ""
    """What the schema wants (``integer``, ``one of ['usd', 'eur']``, ``format email``)."""
    got: str = ""
    """What the value was (``string``, ``"gbp"``)."""

    @property
    def pointer(self) -> str:
        return "".join("/" + escape(str(p)) for p in self.path)


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


def _with_uri(checker: FormatChecker) -> FormatChecker:
    """The OpenAPI format checker plus ``uri`` (an absolute URI, RFC 3986), which jsonschema
    checks only with an optional package: test tools check it, so must we."""
    out = FormatChecker(formats=())
    out.checkers = dict(checker.checkers)
    out.checks("uri")(lambda value: not isinstance(value, str) or bool(_URI.match(value)))
    return out


_OAS30_FORMATS = _with_uri(oas30_format_checker)
_OAS31_FORMATS = _with_uri(oas31_format_checker)


class SchemaChecker:
    """Validators for one spec, built once per schema location and reused."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._cache: dict[tuple[str, str, str], Any] = {}

    def validator(self, schema: Node, direction: Direction = "read") -> Any:
        key = (
            schema.uri,
            schema.pointer if not schema.synthetic else repr(schema.value),
            direction,
        )
        found = self._cache.get(key)
        if found is not None:
            return found
        spec = self.spec
        if spec.version == "3.1":
            cls: Any = OAS31Validator
            checker = _OAS31_FORMATS
        else:
            cls = OAS30ReadValidator if direction == "read" else OAS30WriteValidator
            checker = _OAS30_FORMATS
        if schema.synthetic:
            root: Any = dict(schema.value)
            if spec.version == "2.0":
                root["definitions"] = spec.document.get("definitions") or {}
            registry = spec.registry
        else:
            root = {"$ref": f"{schema.uri}#{schema.pointer}"}
            registry = spec.registry
        validator = cls(root, registry=registry, format_checker=checker)
        self._cache[key] = validator
        return validator

    def violations(
        self, value: Any, schema: Node, direction: Direction = "read", limit: int = 20
    ) -> list[Violation]:
        validator = self.validator(schema, direction)
        out: list[Violation] = []
        try:
            errors: Iterator[Any] = validator.iter_errors(value)
            for error in errors:
                out.extend(self._explain(error, schema))
                if len(out) >= limit:
                    break
        except (SpecError, Exception) as exc:  # an unresolvable $ref, a broken pattern
            out.append(
                Violation((), f"cannot validate: {exc}"[:300], self.spec.display(schema), "")
            )
        return out[:limit]

    def _explain(self, error: Any, schema: Node) -> list[Violation]:
        # oneOf/anyOf: the deepest best-matching cause says more than "not valid under any"
        if error.validator in ("oneOf", "anyOf") and error.context:
            from jsonschema.exceptions import best_match

            best = best_match(error.context)
            if best is not None and best.path:
                return self._explain(best, schema)
        path = tuple(error.absolute_path)
        ref = self._schema_ref(schema, list(error.absolute_schema_path)[:-1])
        expected, got = expected_got(error)
        return [Violation(path, describe(error), ref, str(error.validator), expected, got)]

    def _schema_ref(self, schema: Node, steps: list[Any]) -> str:
        """Follow the error's schema path through ``$ref`` to the spec pointer."""
        if schema.synthetic:
            return self.spec.display(schema)
        node = schema
        try:
            for step in steps:  # jsonschema's schema paths pass through $ref silently
                node = self.spec.resolve(node).child(step)
            node = self.spec.resolve(node)
        except (KeyError, IndexError, TypeError, SpecError):
            pass
        return self.spec.display(node)


def describe(error: Any) -> str:
    """``expected integer, got string`` and friends, for one jsonschema error."""
    kind = error.validator
    want = error.validator_value
    got = error.instance
    if kind == "type":
        wanted = " or ".join(want) if isinstance(want, list) else str(want)
        return f"expected {wanted}, got {json_type(got)}"
    if kind == "enum":
        return f"expected one of {_short(want)}, got {_short(got)}"
    if kind == "const":
        return f"expected {_short(want)}, got {_short(got)}"
    if kind == "required":
        return str(error.message).replace("is a required property", "is required")
    if kind == "format":
        return f"expected format {want}, got {_short(got)}"
    if kind == "additionalProperties":
        return f"unexpected properties: {error.message.split('(')[-1].rstrip(')')}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"expected {kind} {want}, got {_short(got)}"
    if kind in ("minLength", "maxLength", "minItems", "maxItems", "pattern", "multipleOf"):
        return f"expected {kind} {_short(want)}, got {_short(got)}"
    return str(error.message)[:200]


def expected_got(error: Any) -> tuple[str, str]:
    """The two sides of one jsonschema error, as short texts."""
    kind, want, got = error.validator, error.validator_value, error.instance
    if kind == "type":
        return (" or ".join(want) if isinstance(want, list) else str(want)), json_type(got)
    if kind == "enum":
        return f"one of {_short(want)}", _short(got)
    if kind == "required":
        return "property " + str(error.message).split(" is a required")[0], "absent"
    if kind == "additionalProperties":
        return "no other properties", str(error.message).split("(")[-1].rstrip(")")
    if kind == "format":
        return f"format {want}", _short(got)
    if isinstance(want, bool | int | float | str):
        return f"{kind} {_short(want)}", _short(got)
    return str(kind), _short(got)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."
