"""WireMock value patterns as our matchers: query parameters, headers, cookies and bodies.

WireMock's ``matches`` is a whole-value match (Java ``String.matches``): it becomes an
anchored ``regex``. Patterns without an equivalent are reported and left out, which makes
the converted route match more requests than the mapping did.
"""

from __future__ import annotations

import json
import re
from typing import Any

from stubforge.wiremock.issues import Notes, escape_pointer

_TEXT_OPERATORS = {"equalTo", "contains", "matches", "absent", "caseInsensitive"}
_JSON_UNIT = re.compile(r"\$\{json-unit\.[^}]*\}")


def anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def text_matcher(spec: Any, notes: Notes, pointer: str) -> dict[str, Any] | None:
    """A query / header / cookie pattern; ``None`` when nothing of it could be converted."""
    if not isinstance(spec, dict):
        notes.add(pointer, "a value pattern is a JSON object")
        return None
    if "hasExactly" in spec or "includes" in spec:
        key = "hasExactly" if "hasExactly" in spec else "includes"
        items = spec[key]
        if isinstance(items, list) and len(items) == 1 and isinstance(items[0], dict):
            return text_matcher(items[0], notes, f"{pointer}/{key}/0")
        notes.add(f"{pointer}/{key}", f"{key} with several values (multi-valued parameters)")
        return None
    out: dict[str, Any] = {}
    caseless = spec.get("caseInsensitive") is True
    for key, value in spec.items():
        at = f"{pointer}/{escape_pointer(key)}"
        if key == "equalTo":
            out["equals"] = str(value)
        elif key == "contains":
            out["contains"] = str(value)
        elif key == "matches":
            out["regex"] = anchored(str(value))
        elif key == "absent":
            out["absent" if value else "present"] = True
        elif key == "caseInsensitive":
            continue
        elif key == "or" and isinstance(value, list):
            equals = [v.get("equalTo") for v in value if isinstance(v, dict)]
            if len(equals) == len(value) and all(isinstance(v, str) for v in equals):
                out["one_of"] = equals
            else:
                notes.add(at, "'or' of patterns other than equalTo")
        else:
            notes.add(at, f"value pattern {key!r} has no equivalent")
    if caseless and out:
        out["case_insensitive"] = True
    return out or None


def body_condition(patterns: Any, notes: Notes, pointer: str) -> dict[str, Any] | None:
    """``bodyPatterns`` (all must hold) as one body condition."""
    if not isinstance(patterns, list):
        notes.add(pointer, "bodyPatterns is a list")
        return None
    out: dict[str, Any] = {}
    for i, spec in enumerate(patterns):
        at = f"{pointer}/{i}"
        if not isinstance(spec, dict):
            notes.add(at, "a body pattern is a JSON object")
            continue
        for key, value in _body_pattern(spec, notes, at).items():
            if key == "jsonpath" and key in out:
                out[key].update(value)
            elif key in out:
                notes.add(at, f"a second {key!r} condition on the body (one of each kind here)")
            else:
                out[key] = value
    return out or None


def _body_pattern(spec: dict[str, Any], notes: Notes, at: str) -> dict[str, Any]:
    if "equalToJson" in spec:
        return _json_pattern(spec, notes, at)
    if "matchesJsonPath" in spec:
        return _json_path(spec["matchesJsonPath"], notes, f"{at}/matchesJsonPath")
    if "equalTo" in spec:
        if spec.get("caseInsensitive") is True:
            return {"regex": "(?i)" + anchored(re.escape(str(spec["equalTo"])))}
        return {"equals": str(spec["equalTo"])}
    if "contains" in spec:
        return {"contains": str(spec["contains"])}
    if "matches" in spec:
        return {"regex": anchored(str(spec["matches"]))}
    if "absent" in spec:
        return {"absent": True} if spec["absent"] else {"present": True}
    key = next(iter(spec), "?")
    notes.add(f"{at}/{escape_pointer(key)}", f"body pattern {key!r} has no equivalent")
    return {}


def _json_pattern(spec: dict[str, Any], notes: Notes, at: str) -> dict[str, Any]:
    expected = spec["equalToJson"]
    if isinstance(expected, str):
        if _JSON_UNIT.search(expected):
            notes.add(f"{at}/equalToJson", "JsonUnit placeholders (${json-unit.*})")
            return {}
        try:
            expected = json.loads(expected)
        except json.JSONDecodeError:
            notes.add(f"{at}/equalToJson", "equalToJson text is not JSON")
            return {}
    extra, order = spec.get("ignoreExtraElements") is True, spec.get("ignoreArrayOrder") is True
    if not extra and not order:
        return {"json": expected}
    if order and not extra:
        notes.add(
            f"{at}/ignoreArrayOrder",
            "ignoreArrayOrder without ignoreExtraElements: converted to json_partial, which "
            "also accepts extra keys and array elements",
        )
    return {"json_partial": expected}


def _json_path(value: Any, notes: Notes, at: str) -> dict[str, Any]:
    if isinstance(value, str):
        expr, condition = value, {"present": True}
    elif isinstance(value, dict) and isinstance(value.get("expression"), str):
        expr = value["expression"]
        rest = {k: v for k, v in value.items() if k != "expression"}
        converted = text_matcher(rest, notes, at) if rest else {"present": True}
        if converted is None:
            return {}
        condition = _json_condition(converted)
    else:
        notes.add(at, "matchesJsonPath is an expression or {expression, pattern}")
        return {}
    if "?(" in expr or ":" in expr.replace("['", "").replace("']", ""):
        notes.add(at, f"JSONPath {expr!r} uses filters or slices")
        return {}
    return {"jsonpath": {expr: condition}}


def form_conditions(raw: Any, notes: Notes, at: str) -> dict[str, Any]:
    """``formParameters`` as JSONPath conditions on the form body read as an object."""
    out: dict[str, Any] = {}
    if not isinstance(raw, dict):
        notes.add(at, "an object of name -> pattern")
        return out
    for name, spec in raw.items():
        matcher = text_matcher(spec, notes, f"{at}/{escape_pointer(name)}")
        if matcher is None:
            continue
        if "'" in name or "\\" in name:
            notes.add(f"{at}/{escape_pointer(name)}", "a form field name with quotes")
            continue
        out[f"$['{name}']"] = _json_condition(matcher)
    return out


def _json_condition(matcher: dict[str, Any]) -> dict[str, Any]:
    """A text matcher's operators as a JSONPath condition (``contains`` becomes a regex)."""
    out: dict[str, Any] = {}
    for key, value in matcher.items():
        if key == "contains":
            out["regex"] = re.escape(value)
        elif key == "absent":
            out["present"] = False
        elif key == "case_insensitive":
            continue
        else:
            out[key] = value
    return out
