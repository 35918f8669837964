"""Staleness: routes whose recording window ended longer ago than a maximum age.

The compiler writes each route's window as ``recorded: {from, to, exchanges}``;
:func:`stale_routes` lists the routes whose newest exchange is older than ``max_age``
(routes written by hand carry no window and are never stale).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from stubforge.load.loader import LoadedFile

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> dt.timedelta:
    """``30d`` → 30 days; units ``s``, ``m``, ``h``, ``d``, ``w``."""
    m = _AGE.match(text)
    if m is None:
        raise ValueError(
            f"invalid age {text!r}: write a number and a unit (s, m, h, d, w), e.g. 30d"
        )
    return dt.timedelta(seconds=float(m.group(1)) * _UNIT_SECONDS[m.group(2)])


def format_age(age: dt.timedelta) -> str:
    """A short human age: ``45d``, ``3h``, ``20m``."""
    seconds = age.total_seconds()
    if seconds >= 86400:
        return f"{seconds / 86400:.0f}d"
    if seconds >= 3600:
        return f"{seconds / 3600:.0f}h"
    return f"{max(seconds, 0) / 60:.0f}m"


@dataclass(frozen=True)
class StaleRoute:
    """A route recorded longer ago than allowed, and where it is written."""

    file: str
    line: int
    col: int
    index: int
    route_id: str
    newest: dt.datetime
    age: dt.timedelta

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.col}: routes[{self.index}].recorded: "
            f"route {self.route_id!r} was last recorded {format_age(self.age)} ago "
            f"({self.newest:%Y-%m-%dT%H:%M:%SZ})"
        )


def stale_routes(
    files: Iterable[LoadedFile], max_age: dt.timedelta, now: dt.datetime
) -> list[StaleRoute]:
    """Every route whose recording window ended more than ``max_age`` before ``now``."""
    out: list[StaleRoute] = []
    for f in files:
        for i, route in enumerate(f.model.routes):
            if route.recorded is None:
                continue
            newest = route.recorded.newest
            age = now - newest
            if age > max_age:
                line, col = f.route_positions[i]
                out.append(StaleRoute(f.display, line, col, i, f.route_ids[i], newest, age))
    return out
