"""Security schemes as request conditions: what a request must carry to be let in.

An operation's ``security`` is a list of alternatives, each a set of schemes that must all
be present. A scheme becomes a condition on where its credential travels (``Authorization:
Bearer ...``, an API-key header, query parameter or cookie); the mock checks presence and
shape, never the secret itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stubforge.openapi.pointer import join
from stubforge.openapi.spec import Spec

Conditions = dict[str, dict[str, dict[str, Any]]]
"""``{"headers": {"authorization": {"regex": "^Bearer "}}}``: parts of a ``request``."""


@dataclass(frozen=True, slots=True)
class Scheme:
    conditions: Conditions
    challenge: str | None
    """The ``WWW-Authenticate`` value of a 401, for HTTP authentication schemes."""


def schemes(spec: Spec, skipped: list[tuple[str, str]]) -> dict[str, Scheme]:
    """Every scheme the mock can check, by name; the others go to ``skipped``."""
    base: tuple[str, ...]
    if spec.version == "2.0":
        base = ("securityDefinitions",)
        defined = spec.document.get("securityDefinitions") or {}
    else:
        base = ("components", "securitySchemes")
        defined = (spec.document.get("components") or {}).get("securitySchemes") or {}
    out: dict[str, Scheme] = {}
    for name in defined:
        node = spec.resolve(spec.root.child(*base, name))
        scheme = _scheme(node.value)
        if scheme is None:
            kind = node.value.get("type") if isinstance(node.value, dict) else None
            skipped.append((join(*base, name), f"security scheme type {kind!r} is not checked"))
        else:
            out[str(name)] = scheme
    return out


def _scheme(value: Any) -> Scheme | None:
    if not isinstance(value, dict):
        return None
    kind = value.get("type")
    if kind == "apiKey":
        where = {"header": "headers", "query": "query", "cookie": "cookies"}.get(
            value.get("in", "")
        )
        if where is None or not value.get("name"):
            return None
        name = str(value["name"]).lower() if where == "headers" else str(value["name"])
        return Scheme({where: {name: {"present": True}}}, None)
    if kind == "basic" or (kind == "http" and str(value.get("scheme", "")).lower() == "basic"):
        return Scheme(_authorization("Basic"), 'Basic realm="api"')
    if kind == "http":
        word = str(value.get("scheme") or "bearer").capitalize()
        return Scheme(_authorization(word), word)
    if kind in ("oauth2", "openIdConnect"):
        return Scheme(_authorization("Bearer"), "Bearer")
    return None


def _authorization(word: str) -> Conditions:
    return {"headers": {"authorization": {"regex": f"^{word} ", "case_insensitive": True}}}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One way in: the conditions of all its schemes together."""

    conditions: Conditions
    challenge: str | None


def alternatives(
    requirements: list[dict[str, list[str]]], known: dict[str, Scheme]
) -> list[Requirement] | None:
    """The distinct ways in, or ``None`` when the operation is open (no requirement, an
    empty alternative, or a scheme the mock cannot check)."""
    if not requirements:
        return None
    out: list[Requirement] = []
    for requirement in requirements:
        if not requirement:
            return None  # ``{}``: anonymous access allowed
        merged: Conditions = {}
        challenge = None
        for name in requirement:
            scheme = known.get(name)
            if scheme is None:
                return None
            challenge = challenge or scheme.challenge
            for part, conds in scheme.conditions.items():
                merged.setdefault(part, {}).update(conds)
        found = Requirement(merged, challenge)
        if all(r.conditions != merged for r in out):
            out.append(found)
    return out
