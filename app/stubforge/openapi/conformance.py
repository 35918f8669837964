"""``stubforge check --spec``: every stubbed response held to its operation's schema.

A problem reads ``stubs/pay.yaml:14: routes[3].responses[1].json.amount: expected integer,
got string (spec: #/components/schemas/Charge/properties/amount)``. Routes the spec does
not describe are listed apart. Strings that are templates (``{{ ... }}``) are not judged:
their value is only known per request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stubforge.load.errors import format_field_path
from stubforge.load.loader import LoadedFile, LoadResult
from stubforge.load.yamlpos import Positions, YamlError, load_yaml
from stubforge.model.response import VariantSpec
from stubforge.openapi.bodies import is_json
from stubforge.openapi.operations import Operation, Response
from stubforge.openapi.paths import OperationIndex
from stubforge.openapi.schemas import SchemaChecker
from stubforge.openapi.spec import Spec


@dataclass
class CheckResult:
    spec: str
    checked: int = 0
    """Responses checked."""
    problems: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    """Routes whose method and path the spec does not describe."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        state = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        unknown = f", {len(self.unknown)} route(s) not in the spec" if self.unknown else ""
        return f"check --spec {self.spec}: {state}: {self.checked} response(s) checked{unknown}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "problems": self.problems,
            "unknown": self.unknown,
        }


def check_stubs(result: LoadResult, spec: Spec) -> CheckResult:
    out = CheckResult(str(spec.path))
    index = OperationIndex(spec)
    checker = SchemaChecker(spec)
    for loaded in result.files:
        _check_file(loaded, index, checker, out)
    return out


def _positions(loaded: LoadedFile) -> Positions | None:
    try:
        return load_yaml(loaded.path.read_text(encoding="utf-8"))[1]
    except (OSError, YamlError, UnicodeDecodeError):
        return None


def _check_file(
    loaded: LoadedFile, index: OperationIndex, checker: SchemaChecker, out: CheckResult
) -> None:
    positions: Positions | None = None
    for i, route in enumerate(loaded.model.routes):
        methods = [m for m in route.request.methods if m != "ANY"] or ["GET"]
        for method in methods:
            op = index.for_template(method, route.request.path)
            if op is None:
                line = loaded.route_line(i)
                out.unknown.append(
                    f"{loaded.display}:{line}: routes[{i}]: {method} {route.request.path}: "
                    "no operation in the spec"
                )
                continue
            for where, variant in _responses(route):
                problems = _check_variant(variant, op, checker)
                out.checked += 1
                if not problems:
                    continue
                if positions is None:
                    positions = _positions(loaded) or Positions()
                for sub, message in problems:
                    path = ("routes", i, *where, *sub)
                    line = positions.value(path)[0] if positions.values else loaded.route_line(i)
                    out.problems.append(
                        f"{loaded.display}:{line}: {format_field_path(path)}: {message}"
                    )


def _responses(route: Any) -> list[tuple[tuple[str | int, ...], VariantSpec]]:
    if route.responses is not None:
        return [(("responses", j), v) for j, v in enumerate(route.responses)]
    if route.response is not None:
        return [(("response",), route.variants()[0])]
    if route.sequence is not None:
        steps = route.sequence.responses if hasattr(route.sequence, "responses") else []
        return [
            (
                ("sequence", "responses", j),
                VariantSpec.model_validate(s.model_dump(by_alias=True, exclude_unset=True)),
            )
            for j, s in enumerate(steps)
        ]
    return []


def documented(op: Operation, status: int) -> Response | None:
    """The response the spec documents for ``status``: exact, then ``4XX``, then default."""
    for r in op.responses:
        if r.status == str(status):
            return r
    for r in op.responses:
        if r.status.upper() == f"{status // 100}XX":
            return r
    for r in op.responses:
        if r.status.lower() == "default":
            return r
    return None


def _check_variant(
    variant: VariantSpec, op: Operation, checker: SchemaChecker
) -> list[tuple[tuple[str | int, ...], str]]:
    spec = checker.spec
    response = documented(op, variant.status)
    if response is None and variant.status == 401 and op.security:
        return []  # implied by the operation's security requirement
    if response is None:
        codes = ", ".join(r.status for r in op.responses) or "none"
        return [
            (
                ("status",),
                f"{variant.status} is not documented for {op.method} {op.path} "
                f"(documented: {codes}; spec: #{op.node.pointer}/responses)",
            )
        ]
    ctype = next((v for k, v in variant.headers.items() if k.lower() == "content-type"), None)
    value: Any
    if variant.has_json:
        ctype = ctype or "application/json"
        value, field_name = variant.json_, "json"
    elif variant.body is not None and ctype is not None and is_json(ctype):
        try:
            value, field_name = json.loads(variant.body), "body"
        except ValueError:
            return [(("body",), "not JSON although content-type says so")]
    else:
        return []
    if not response.media:
        return []
    media = next((m for m in response.media if _same_type(m.content_type, ctype)), None)
    if media is None:
        types = ", ".join(m.content_type for m in response.media)
        return [
            (
                ("headers",),
                f"content type {ctype} is not documented (documented: {types}; "
                f"spec: #{response.node.pointer})",
            )
        ]
    if media.schema is None or not is_json(media.content_type):
        return []
    out = []
    for v in checker.violations(value, media.schema, "read"):
        if _is_template_at(value, v.path):
            continue
        out.append(((field_name, *v.path), f"{v.message} (spec: {v.schema_ref})"))
    del spec
    return out


def _same_type(documented_type: str, actual: str) -> bool:
    a = documented_type.split(";")[0].strip().lower()
    b = actual.split(";")[0].strip().lower()
    if a in ("*/*", b):
        return True
    if a.endswith("/*"):
        return b.startswith(a[:-1])
    return False


def _is_template_at(value: Any, path: tuple[str | int, ...]) -> bool:
    node = value
    try:
        for step in path:
            if isinstance(node, str):
                break
            node = node[step]
    except (KeyError, IndexError, TypeError):
        return False
    if isinstance(node, str):
        return "{{" in node or "{%" in node
    return _contains_template(node)


def _contains_template(value: Any) -> bool:
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, dict):
        return any(_contains_template(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_template(v) for v in value)
    return False
