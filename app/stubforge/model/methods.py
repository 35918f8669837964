"""HTTP methods as written in stub and expectation files: a name or a list, any case."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

ANY_METHOD = "ANY"
_TOKEN = re.compile(r"^[A-Z][A-Z0-9_-]*$")


def _upper(value: Any) -> Any:
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, list):
        return [v.upper() if isinstance(v, str) else v for v in value]
    return value


def _valid(value: str | list[str]) -> str | list[str]:
    if isinstance(value, list) and not value:
        raise ValueError("give at least one method (or ANY)")
    for method in [value] if isinstance(value, str) else value:
        if method != ANY_METHOD and not _TOKEN.match(method):
            raise ValueError(f"invalid HTTP method {method!r}")
    return value


Methods = Annotated[str | list[str], BeforeValidator(_upper), AfterValidator(_valid)]
"""One method (``GET``), a list, or ``ANY``; upper-cased, checked to be HTTP tokens."""
