"""What a conversion could not carry over, located by file and JSON pointer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["full", "partial", "none"]


@dataclass(frozen=True)
class Issue:
    """A part of a mapping that was not converted (or converted with a difference)."""

    file: str
    pointer: str
    """RFC 6901 JSON pointer into the file (``/mappings/2/request/bodyPatterns/0``)."""
    message: str

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}: {self.message}"


@dataclass
class Notes:
    """Collects issues while one mapping is converted."""

    file: str
    base: str
    """The mapping's own pointer within its file ("" for a file holding one mapping)."""
    issues: list[Issue] = field(default_factory=list)

    def add(self, pointer: str, message: str) -> None:
        self.issues.append(Issue(self.file, self.base + pointer, message))


@dataclass
class Converted:
    """One mapping's conversion: the route (``None`` when nothing could be converted)."""

    file: str
    pointer: str
    route: dict[str, Any] | None
    issues: list[Issue]
    body_files: dict[str, bytes] = field(default_factory=dict)
    """Files to write under the output's ``bodies/`` (relative path -> bytes)."""

    @property
    def outcome(self) -> Outcome:
        if self.route is None:
            return "none"
        return "partial" if self.issues else "full"


def escape_pointer(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")
