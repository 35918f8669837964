"""The access log: one line per request, after its response (a replay observer).

Each line says when, what was asked (method, path and query, redacted like the
journal), which route answered or ``MISS``
with the closest route, where a miss went (``passthrough``), the status, the injected
delay and fault, the session and how long the answer took. Misses are logged at warning
level, so ``--log-level warning`` shows exactly the requests no stub matched.

``stubforge serve`` logs to stderr as text, or as one JSON object per line with
``--log-format json`` (the access fields then become JSON fields).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from stubforge.match.nearmiss import shown_target
from stubforge.serve.outcome import Outcome

log = logging.getLogger("stubforge.access")


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, tz=dt.UTC).isoformat(timespec="milliseconds")


def access_fields(o: Outcome) -> dict[str, Any]:
    """The fields of one access-log line."""
    r = o.request
    closest = None
    if o.route_id is None and o.near_misses:
        closest = o.near_misses[0].get("route")
    path, qs = shown_target(r)  # redacted: logs end up in CI output
    return {
        "time": _iso(o.started),
        "method": r.method,
        "path": path + ("?" + qs if qs else ""),
        "route": o.route_id if o.route_id is not None else "MISS",
        "closest": closest,
        "passthrough": o.passthrough,
        "status": o.status,
        "delay_ms": round(o.delay * 1000, 1),
        "fault": o.fault,
        "rule": o.rule,
        "session": o.session,
        "duration_ms": round(o.duration * 1000, 1),
    }


def access_text(f: dict[str, Any]) -> str:
    """``GET /v1/x -> 200 route=get-x delay=0.0ms fault=- session=- 1.2ms``."""
    route = f["route"]
    if route == "MISS":
        route = f"MISS closest={f['closest'] or '-'}"
        if f["passthrough"]:
            route += f" passthrough={f['passthrough']}"
    return (
        f"{f['method']} {f['path']} -> {f['status']} route={route} "
        f"delay={f['delay_ms']}ms fault={f['fault'] or '-'} session={f['session'] or '-'} "
        f"{f['duration_ms']}ms"
    )


class AccessLog:
    """The observer: logs at info, or warning for requests no stub matched."""

    def observe(self, o: Outcome) -> None:
        level = logging.WARNING if o.route_id is None else logging.INFO
        if not log.isEnabledFor(level):
            return
        fields = access_fields(o)
        log.log(level, "%s", access_text(fields), extra={"access": fields})


class JsonFormatter(logging.Formatter):
    """One JSON object per log record (``--log-format json``); access lines carry their
    fields."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            doc.update(access)
            doc["time"] = access["time"]
        else:
            doc["message"] = record.getMessage()
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)
