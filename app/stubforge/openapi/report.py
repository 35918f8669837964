"""The import report: what was made, what was skipped and why, with the spec's pointers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Note:
    pointer: str
    """Where in the spec (``#/paths/~1pets/post/callbacks``)."""
    message: str
    kind: str = "skipped"
    """``skipped``: not served; ``changed``: served differently than written; ``spec``: the
    document does not validate against the OpenAPI schema."""

    def __str__(self) -> str:
        return f"{self.kind}: {self.pointer}: {self.message}"


@dataclass
class ImportReport:
    spec: str
    version: str
    operations: int = 0
    routes: int = 0
    variants: int = 0
    generated: int = 0
    """Response bodies generated from a schema (the rest are the spec's examples)."""
    notes: list[Note] = field(default_factory=list)

    def note(self, pointer: str, message: str, kind: str = "skipped") -> None:
        self.notes.append(
            Note(pointer if pointer.startswith("#") else f"#{pointer}", message, kind)
        )

    def summary(self) -> str:
        skipped = sum(1 for n in self.notes if n.kind == "skipped")
        return (
            f"{self.spec} (OpenAPI {self.version}): {self.operations} operation(s) -> "
            f"{self.routes} route(s), {self.variants} response variant(s), "
            f"{self.generated} generated from schemas; {skipped} construct(s) skipped"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "version": self.version,
            "operations": self.operations,
            "routes": self.routes,
            "variants": self.variants,
            "generated": self.generated,
            "notes": [
                {"kind": n.kind, "pointer": n.pointer, "message": n.message} for n in self.notes
            ],
        }
