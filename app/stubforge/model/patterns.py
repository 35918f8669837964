"""Load-time checks shared by models: regexes and JSONPath expressions compile or fail here.

Stub regexes run on RE2 (``google-re2``), a linear-time engine: matching a pattern
against a value costs time proportional to the value's length whatever the pattern, so a
stub such as ``^(a+)+$`` cannot stall the server on a hostile request (Python's ``re``
backtracks, and that pattern takes seconds on 30 bytes). The price is RE2's syntax: no
backreferences (``\\1``) and no lookaround (``(?=...)``, ``(?<!...)``); such a pattern is a
load error at its line.
"""

from __future__ import annotations

from typing import Annotated, Any

import re2
from pydantic import AfterValidator

MAX_PROGRAM_MEMORY = 8 << 20
"""RE2's memory budget for one compiled pattern (``a{1000}{1000}`` exceeds it)."""


def _options(ignore_case: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # errors are ours to report, with file:line
    options.max_mem = MAX_PROGRAM_MEMORY
    options.case_sensitive = not ignore_case
    return options


def compile_regex(pattern: str, ignore_case: bool = False) -> Any:
    """A compiled RE2 pattern (``.search(text)`` as with ``re``); raise ``ValueError``."""
    try:
        return re2.compile(pattern, _options(ignore_case))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        hint = ""
        if "perl operator" in str(reason) or "escape sequence" in str(reason):
            hint = " (stub regexes use RE2: no backreferences or lookaround)"
        raise ValueError(f"invalid regular expression {pattern!r}: {reason}{hint}") from None


def _check_regex(value: str) -> str:
    compile_regex(value)
    return value


Regex = Annotated[str, AfterValidator(_check_regex)]
"""A regular expression in RE2 syntax, checked when the stub file loads (``search``
semantics: it may match anywhere unless anchored)."""
