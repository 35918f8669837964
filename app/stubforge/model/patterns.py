"""Load-time checks shared by models: regexes and JSONPath expressions compile or fail here."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
    return value


Regex = Annotated[str, AfterValidator(_check_regex)]
"""A Python regular expression, checked when the stub file loads (``re.search`` semantics)."""
