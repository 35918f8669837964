"""Correlations: values a response issued that later requests send back.

The first use is path templates: a path segment whose value an earlier response issued in
an id field (``{"id": "0ohwxaszcj"}`` from ``POST /restapis``, then ``GET
/restapis/0ohwxaszcj``) is an id, so it becomes a parameter even when no detector knows
its shape and fewer than ``cardinality`` values were seen. Evidence is strict: the value
was issued *before* the request that sends it, in a field named ``id`` or ending in
``id``/``_id``/``Id`` -- a word that merely equals some response value (a ``type: users``
and a ``/users`` path) does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from stubforge.compile.exchange import Exchange

ID_FIELD = re.compile(r"(^id$|_id$|Id$|ID$|^uuid$)")
"""Response fields whose values are identifiers."""


def _issued(value: Any, name: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _issued(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _issued(v, name)
    elif isinstance(value, str) and ID_FIELD.search(name) and 3 <= len(value) <= 200:
        yield value


def issued_path_ids(exchanges: Iterable[Exchange]) -> frozenset[str]:
    """Path segments that carry a value an earlier response issued as an id."""
    seen: set[str] = set()
    found: set[str] = set()
    for ex in sorted(exchanges, key=lambda e: (e.started, e.index)):
        for segment in ex.path.split("/"):
            if segment in seen:
                found.add(segment)
        seen.update(_issued(ex.resp_json))
    return frozenset(found)
