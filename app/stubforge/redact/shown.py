"""Redaction of what the server *shows*: the journal, near misses (in 404 answers too),
verification reports and log lines.

These use the default rules and one key per process: ``$STUBFORGE_REDACT_KEY`` when set
(placeholders then equal the recordings'), else random bytes, so equal secrets show
equal placeholders within a process and nobody can test a guess. Each answer gets a
fresh :class:`Redactor` (its memory of secrets lives for that answer only).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from functools import cache
from typing import Any

from stubforge.redact import formats
from stubforge.redact.redactor import KEY_ENV, Redactor
from stubforge.redact.rules import RuleSet, build_ruleset

_QUOTED = re.compile(r"'(?:[^'\\]|\\.){0,4096}'|\"(?:[^\"\\]|\\.){0,4096}\"|/[^/]{0,4096}/")
_LITERAL_RUN = re.compile(r"[A-Za-z0-9_~+=.-]{8}")
MASK = "'***'"


def _mask_operand(m: re.Match[str]) -> str:
    """A quoted value is hidden; a regex only if it spells out a literal of 8+ characters
    (``/^Bearer /`` says how a credential looks, ``/^Bearer sk_live_abc/`` gives it away)."""
    text = m.group(0)
    if text.startswith("/") and _LITERAL_RUN.search(text) is None:
        return text
    return MASK


@cache
def _rules() -> RuleSet:
    return build_ruleset()


@cache
def _key() -> bytes:
    env = os.environ.get(KEY_ENV)
    return env.encode("utf-8") if env else secrets.token_bytes(32)


def shown_redactor() -> Redactor:
    """A fresh redactor with the default rules and the process key."""
    return Redactor(_rules(), _key())


def _place(field: str) -> tuple[str | None, str | None]:
    """``headers.authorization`` → (``header``, ``authorization``)."""
    head, dot, name = field.partition(".")
    if not dot:
        return None, None
    place = {"headers": "header", "query": "query", "cookies": "cookie"}.get(head)
    return place, name


def redact_shown(red: Redactor, field: str | None, value: Any) -> Any:
    """A value shown for request field ``field`` (``body``, ``query.api_key``, ``path``,
    ``headers.x``): redacted by the field's name and by its shape."""
    if isinstance(value, list):
        return [redact_shown(red, field, v) for v in value]
    if not isinstance(value, str):
        return value
    fired: set[str] = set()
    if field == "body":
        return formats.redact_text(red, value, "", fired)
    if field == "path":
        return red.url(value, fired)
    place, name = _place(field or "")
    if name is None:
        return red.scan(value, fired)
    if place == "cookie" and value:
        return red.placeholder("cookie", value)
    return red.field(name, value, fired, place)


def mask_expected(red: Redactor, field: str, expected: Any) -> Any:
    """What a matcher expects, safe to show to anyone: the operands of a matcher on a
    sensitive header, cookie or parameter are hidden; secret-shaped values and secret
    JSON members are replaced everywhere."""
    if not isinstance(expected, str):
        return expected
    fired: set[str] = set()
    place, name = _place(field)
    if name is not None and (place == "cookie" or red.key_rule(name, place) is not None):
        return _QUOTED.sub(_mask_operand, expected)
    if field == "body":
        return _mask_json_operands(red, expected, fired)
    return red.scan(expected, fired)


def _mask_json_operands(red: Redactor, text: str, fired: set[str]) -> str:
    """``JSON equal to {...}`` / ``$.password == "x"``: the JSON in a body matcher's
    description, redacted member by member."""
    out = []
    for part in text.split(" and "):
        start = min((i for i in (part.find("{"), part.find("[")) if i >= 0), default=-1)
        if start >= 0:
            try:
                doc = json.loads(part[start:])
            except ValueError:
                doc = None
            if doc is not None:
                new = formats.walk_json(red, doc, None, fired, "$", 0)
                part = part[:start] + json.dumps(new, separators=(",", ":"))
        path, sep, rest = part.partition(" ")
        if path.startswith("$") and sep:
            member = path.rsplit(".", 1)[-1].strip("[]'\"")
            if red.key_rule(member) is not None:
                part = (
                    path
                    + sep
                    + _QUOTED.sub(_mask_operand, re.sub(r"(==|one of) .*", r"\1 ***", rest))
                )
        out.append(red.scan(part, fired))
    return " and ".join(out)
