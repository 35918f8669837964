"""The hints file (``stubforge-hints.yaml``): a tester's corrections to what is inferred.

::

    version: 1
    services: {api.payments.example: payments}   # host -> service (file) name
    literals: [preview, upcoming]                # segments that always stay literal
    templates: [/v1/files/{name}]                 # paths matching these use them as is
    volatile: [x-client-trace, nonce]            # never match on these fields
    cardinality: 10                              # distinct words under one parent → template

Kept next to the recordings (``recordings/<name>/stubforge-hints.yaml``) and committed, so
that re-compiling gives the same stubs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from stubforge.load.yamlpos import YamlError, load_plain_yaml
from stubforge.model.base import Model
from stubforge.model.path_syntax import parse_path_template

HINTS_FILE = "stubforge-hints.yaml"
SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""A service name becomes a file name (``<service>.compiled.yaml``): no separators."""


class Hints(Model):
    """Corrections to the compiler's inference."""

    version: Literal[1] = 1
    """Format version; must be 1."""
    services: dict[str, str] = Field(default_factory=dict)
    """Service (and file) name per host (``host`` or ``host:port``)."""
    literals: list[str] = Field(default_factory=list)
    """Path segments that always stay literal."""
    templates: list[str] = Field(default_factory=list)
    """Path templates to use for the paths they match, instead of inferring one."""
    volatile: list[str] = Field(default_factory=list)
    """Query, header or body field names that never become matchers."""
    cardinality: int = Field(default=10, ge=2)
    """How many distinct words under one parent make that segment a parameter."""
    max_variants: int = Field(default=50, ge=1)
    """Most response variants per route; rarer request values fall back to the default."""
    body_file_bytes: int = Field(default=4096, ge=64)
    """Response bodies larger than this (without templates) go to files next to the YAML."""

    @field_validator("services")
    @classmethod
    def _service_names(cls, value: dict[str, str]) -> dict[str, str]:
        for host, name in value.items():
            if not SERVICE_NAME.match(name) or ".." in name:
                raise ValueError(
                    f"service name {name!r} (for {host!r}) must be a plain file name: letters, "
                    "digits, '-', '_' and '.', starting with a letter or digit, no '..'"
                )
        return value

    @field_validator("templates")
    @classmethod
    def _templates(cls, value: list[str]) -> list[str]:
        for text in value:
            parse_path_template(text)
        return value


class HintsError(ValueError):
    """A hints file that cannot be used: names the file."""


def load_hints(path: Path) -> Hints:
    """Read a hints file; a missing file gives the defaults."""
    if not path.is_file():
        return Hints()
    try:
        data = load_plain_yaml(path.read_text(encoding="utf-8")) or {}
        return Hints.model_validate(data)
    except YamlError as exc:
        raise HintsError(f"{path}:{exc.line}:{exc.col}: {exc.message}") from None
    except ValidationError as exc:
        raise HintsError(f"{path}: {exc}") from None
