"""Secrets for live probes: recorded requests carry placeholders, the provider wants values.

The secrets file (``--secrets FILE``) has one ``NAME=VALUE`` per line (``#`` comments,
blank lines). ``VALUE`` may use ``$VAR`` / ``${VAR}`` from the environment. ``NAME`` is

* a whole placeholder (``redacted~api-key~0123456789ab``): that value, wherever it appears;
* a placeholder kind (``auth-header``, ``api-key``, ``jwt``...): every placeholder of it;
* a header name (``authorization``): the header's whole value; ``header:NAME`` also adds
  the header to requests recorded without it (``authorization`` always is).

Values are only ever put into the request sent to the provider: never printed, logged or
written. :class:`Secrets` also knows how to hide them again (:meth:`Secrets.scrub`), as a
last line of defence for reports.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from stubforge.model.recording import PLACEHOLDER_RE

_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_KIND = re.compile(r"^redacted~([a-z0-9-]+)~[0-9a-f]{12}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*\s+(\S.*)$", re.S)
HIDDEN = "[secret]"


class SecretsError(ValueError):
    """A secrets file that cannot be used (names the file and line, never a value)."""


@dataclass
class Secrets:
    """Placeholder, kind and header-name → value."""

    values: dict[str, str] = field(default_factory=dict)
    forced: set[str] = field(default_factory=set)
    """Header names to add to requests that lack them."""

    def resolve(self, text: str, header: str | None = None) -> str:
        """``text`` with placeholders replaced (a header given by name: its whole value)."""
        if header is not None and header.lower() in self.values:
            return self.values[header.lower()]

        def repl(m: re.Match[str]) -> str:
            ph = m.group(0)
            if ph in self.values:
                return self.values[ph]
            kind = ph.split("~")[1]
            return self.values.get(kind, ph)

        return PLACEHOLDER_RE.sub(repl, text)

    def added_headers(self) -> list[str]:
        """Headers every probe carries (``header:NAME`` entries and ``authorization``)."""
        names = set(self.forced)
        if "authorization" in self.values:
            names.add("authorization")
        return sorted(names)

    def secret_values(self) -> list[str]:
        """Every value and, for ``Scheme token`` values, the token alone; longest first."""
        found: set[str] = set()
        for value in self.values.values():
            if value:
                found.add(value)
            m = _SCHEME.match(value)
            if m is not None and len(m.group(1)) >= 4:
                found.add(m.group(1))
        return sorted(found, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every secret value replaced by ``[secret]``."""
        for value in self.secret_values():
            text = text.replace(value, HIDDEN)
        return text


def unresolved_kinds(text: str) -> set[str]:
    """The kinds of placeholders left in ``text``."""
    return {m.group(0).split("~")[1] for m in PLACEHOLDER_RE.finditer(text)}


def parse_secrets(text: str, source: str, env: dict[str, str] | None = None) -> Secrets:
    """Parse a secrets file's text; ``$VAR`` comes from ``env`` (default: the environment)."""
    env = dict(os.environ) if env is None else env
    out = Secrets()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, eq, value = line.partition("=")
        name = name.strip()
        if not eq or not name:
            raise SecretsError(f"{source}:{number}: expected NAME=VALUE")
        if name.lower().startswith("export "):
            name = name[7:].strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]

        def expand(m: re.Match[str], number: int = number) -> str:
            var = m.group(1) or m.group(2)
            if var not in env:
                raise SecretsError(f"{source}:{number}: ${var} is not set in the environment")
            return env[var]

        key = name if _KIND.match(name) else name.lower()
        if key.startswith("header:"):
            key = key[7:].strip()
            out.forced.add(key)
        out.values[key] = _VAR.sub(expand, value)
    return out


def load_secrets(path: Path) -> Secrets:
    """Read a secrets file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SecretsError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_secrets(text, str(path))
