"""A documented response as a stub response: status, headers and a body that conforms.

The body is the spec's example when it has one that validates, otherwise data generated
from the schema (validated too; a few differently-seeded attempts before giving up and
saying so in the report).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from stubforge.openapi.generate import Generator
from stubforge.openapi.operations import Media, Response
from stubforge.openapi.report import ImportReport
from stubforge.openapi.schemas import SchemaChecker
from stubforge.openapi.spec import Node

ATTEMPTS = 4
_SKIP_HEADERS = {"content-type", "content-length", "transfer-encoding", "connection"}


def is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base in ("application/json", "*/*", "application/*") or base.endswith("+json")


def pick_media(media: list[Media]) -> Media | None:
    """JSON first (the mock can generate and check it), then text, then anything."""
    for test in (is_json, lambda c: c.startswith("text/"), lambda c: True):
        for m in media:
            if test(m.content_type.lower()):
                return m
    return None


class BodyMaker:
    def __init__(self, generator: Generator, checker: SchemaChecker, report: ImportReport) -> None:
        self.generator = generator
        self.checker = checker
        self.report = report

    def response(
        self, response: Response, status: int, key: str, example: str | None = None
    ) -> dict[str, Any]:
        """The stub response for ``response`` (its example ``example`` if given)."""
        out: dict[str, Any] = {"status": status}
        headers = self._headers(response, key)
        media = pick_media(response.media)
        if media is not None:
            self._body(media, key, example, out, headers)
        if headers:
            out["headers"] = headers
        if _has_template_syntax(out):
            out["template"] = False
        return out

    def examples(self, response: Response) -> list[str]:
        """Names of the valid named examples of the response's chosen content type."""
        media = pick_media(response.media)
        return list(media.examples) if media is not None else []

    def _body(
        self,
        media: Media,
        key: str,
        example: str | None,
        out: dict[str, Any],
        headers: dict[str, str],
    ) -> None:
        ctype = media.content_type
        if media.schema is None and not media.examples:  # documented type, no body described
            headers["content-type"] = ctype if "*" not in ctype else "application/octet-stream"
            return
        value = self._value(media, key, example)
        if is_json(ctype):
            out["json"] = value
            if ctype.split(";")[0].strip().lower() not in (
                "application/json",
                "*/*",
                "application/*",
            ):
                headers["content-type"] = ctype
            return
        headers["content-type"] = ctype if "*" not in ctype else "application/octet-stream"
        if "xml" in ctype and not isinstance(value, str):
            self.report.note(
                media.node.pointer, f"{ctype} bodies are not generated: served empty", "changed"
            )
            out["body"] = ""
            return
        if isinstance(value, str) and (ctype.startswith("text/") or "xml" in ctype or value):
            out["body"] = value
        elif ctype.startswith("text/"):
            out["body"] = json.dumps(value) if value is not None else ""
        else:
            raw = value.encode() if isinstance(value, str) else b"\x00stubforge\x00"
            out["body_base64"] = base64.b64encode(raw).decode()

    def _value(self, media: Media, key: str, example: str | None) -> Any:
        names = list(media.examples)
        if example is None and names:
            example = names[0]
        if example is not None and example in media.examples:
            node = media.examples[example]
            if media.schema is None or not is_json(media.content_type):
                return node.value
            problems = self.checker.violations(node.value, media.schema, "read", limit=1)
            if not problems:
                return node.value
            p = problems[0]
            self.report.note(
                node.pointer,
                f"example does not match its schema ({p.pointer or '/'}: {p.message}; "
                f"spec: {p.schema_ref}); served generated data instead",
                "changed",
            )
        if media.schema is None:
            return None if is_json(media.content_type) else ""
        return self.generate(media.schema, key)

    def generate(self, schema: Node, key: str) -> Any:
        self.report.generated += 1
        value: Any = None
        for attempt in range(ATTEMPTS):
            value = self.generator.value(schema, key, "read", attempt)
            problems = self.checker.violations(value, schema, "read", limit=1)
            if not problems:
                return value
        p = problems[0]
        self.report.note(
            schema.pointer,
            f"could not generate a value matching the schema ({p.pointer or '/'}: {p.message}; "
            f"spec: {p.schema_ref}); the response may not conform",
            "changed",
        )
        return value

    def _headers(self, response: Response, key: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, schema in response.headers.items():
            if name.lower() in _SKIP_HEADERS:
                continue
            value = self.generator.value(schema, f"{key}:header:{name}", "read")
            text = _header_text(value)
            if text is not None:
                out[name.lower()] = text
        return out


def _header_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = ",".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = ",".join(f"{k}={v}" for k, v in value.items())
    else:
        text = str(value)
    text = "".join(ch for ch in text if 0x20 <= ord(ch) < 0x7F)
    return text or None


def _has_template_syntax(value: Any) -> bool:
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, dict):
        return any(_has_template_syntax(k) or _has_template_syntax(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_template_syntax(v) for v in value)
    return False
