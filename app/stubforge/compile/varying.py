"""Response headers no rule above explained: never dropped silently.

After stable headers (one value per status), echoes of the request, digests of a body
(:mod:`stubforge.compile.derived`) and request ids, what is left of a route's response
headers is decided here, per (status, header):

* every value a UUID (with one shared prefix) → ``prefix{{ uuid }}``;
* every value a timestamp within two minutes of its exchange, in one format (HTTP date
  or ISO 8601) → ``{{ now('<format>') }}`` (not ``Last-Modified``-like headers: those
  describe the resource, not the moment);
* anything else keeps a representative recorded value: each response the value recorded
  with it, with a comment saying how it varied.

The rate-limit headers (the rate limit behaviour computes them), ``Retry-After`` and
``Date`` (the server sends its own) are left to the server.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections import Counter
from dataclasses import dataclass

from stubforge.compile.echo import _now_format
from stubforge.compile.exchange import Exchange

_UUID = re.compile(
    r"^(.{0,12}?)[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_HTTP_DATE = "%a, %d %b %Y %H:%M:%S GMT"
_WINDOW = 120.0


def server_owned(name: str) -> bool:
    """Headers the server or a behaviour computes: never replayed."""
    return name in ("date", "retry-after") or name.startswith(
        ("x-ratelimit", "ratelimit", "x-rate-limit")
    )


@dataclass(frozen=True)
class Varying:
    """How one (status, header) is answered: a template, or each response's own value."""

    template: str | None
    note: str


def _uuid_template(values: list[str]) -> str | None:
    prefixes = set()
    for value in values:
        m = _UUID.match(value)
        if m is None:
            return None
        prefixes.add(m.group(1))
    if len(prefixes) != 1 or "{" in next(iter(prefixes)):
        return None
    return prefixes.pop() + "{{ uuid }}"


def _time_format(value: str, started: float) -> str | None:
    if started <= 0:
        return None
    iso = _now_format(value, started) if value[:4].isdigit() else None
    if iso is not None:
        return iso or "%Y-%m-%dT%H:%M:%S.%fZ"
    try:
        stamp = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    recent = abs(stamp.timestamp() - started) <= _WINDOW
    return _HTTP_DATE if recent and stamp.strftime(_HTTP_DATE) == value else None


def _now_template(name: str, pairs: list[tuple[Exchange, str]]) -> str | None:
    if "modified" in name:
        return None
    formats = {_time_format(value, ex.started) for ex, value in pairs}
    if len(formats) != 1 or None in formats:
        return None
    fmt = formats.pop()
    if fmt == "%Y-%m-%dT%H:%M:%S.%fZ":
        return "{{ now }}"
    return f"{{{{ now('{fmt}') }}}}"


def varying_headers(
    exchanges: list[Exchange], handled: set[str], echoed: set[tuple[int, str]]
) -> dict[tuple[int, str], Varying]:
    """(status, header) → how it is answered, for headers ``handled`` and ``echoed`` leave."""
    seen: dict[tuple[int, str], list[tuple[Exchange, str]]] = {}
    for ex in exchanges:
        for name, value in ex.resp_headers.items():
            key = (ex.status, name)
            if name in handled or key in echoed or server_owned(name):
                continue
            seen.setdefault(key, []).append((ex, value))
    out: dict[tuple[int, str], Varying] = {}
    for (status, name), pairs in sorted(seen.items(), key=lambda kv: kv[0]):
        values = [v for _, v in pairs]
        distinct = Counter(values)
        if len(distinct) == 1:
            out[(status, name)] = Varying(None, "")
            continue
        template = _uuid_template(values) or _now_template(name, pairs)
        shown = f"{name} ({status}): {len(distinct)} values in {len(pairs)} exchanges"
        if template is not None:
            out[(status, name)] = Varying(template, f"{shown} → {template}")
        else:
            out[(status, name)] = Varying(
                None, f"{shown}; each response keeps the value recorded with it"
            )
    return out
