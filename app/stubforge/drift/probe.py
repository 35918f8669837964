"""Live drift: send the plan to the provider, ``samples`` times each, within ``rps`` and
``max_requests``; every answer becomes a redacted recording entry and an exchange.

The only module of :mod:`stubforge.drift` that does I/O on the network. Requests go in
rounds (every planned request once, then again), so samples spread over time and a
budget cut leaves every route some answers.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from stubforge.compile.exchange import Exchange, from_entry
from stubforge.drift.entries import ProbeAnswer, entry_of
from stubforge.drift.plan import Planned
from stubforge.drift.secrets import Secrets
from stubforge.model.recording import RecordingEntry
from stubforge.redact.redactor import Redactor

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Budget:
    samples: int = 5
    rps: float = 2.0
    max_requests: int = 200
    timeout: float = 10.0


class _Scrub(logging.Filter):
    """Hides secret values in records of the HTTP client's loggers while probes run."""

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.secrets.scrub(record.getMessage())
        record.args = None
        return True


def _fault(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connection_refused"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "empty_reply"
    return "connection_reset"


def send(client: httpx.Client, upstream: str, planned: Planned, secrets: Secrets) -> ProbeAnswer:
    """One probe; a transport failure is an answer with a fault."""
    out = planned.outgoing
    answer = ProbeAnswer(started=time.time())
    t0 = time.perf_counter()
    try:
        request = client.build_request(
            out.method,
            upstream.rstrip("/") + out.target,
            headers=out.headers,
            content=out.body or None,
        )
        response = client.send(request, stream=True)
        t1 = time.perf_counter()
        try:
            body = response.read()
        finally:
            response.close()
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        answer.fault = _fault(exc) if isinstance(exc, httpx.HTTPError) else "other"
        answer.error = secrets.scrub(f"{type(exc).__name__}: {exc}")
        answer.wait_ms = (time.perf_counter() - t0) * 1000
        return answer
    answer.status = response.status_code
    answer.reason = response.reason_phrase
    answer.http_version = response.http_version
    answer.headers = [(k.lower(), v) for k, v in response.headers.multi_items()]
    answer.content_encoding = response.headers.get("content-encoding")
    answer.body = body
    answer.wait_ms = (t1 - t0) * 1000
    answer.receive_ms = (time.perf_counter() - t1) * 1000
    return answer


def _rounds(plan: list[Planned], budget: Budget) -> Iterator[Planned]:
    sent = 0
    for _ in range(budget.samples):
        for planned in plan:
            if sent >= budget.max_requests:
                return
            sent += 1
            yield planned


def probe(
    plan: list[Planned],
    upstream: str,
    secrets: Secrets,
    redactor: Redactor,
    budget: Budget,
    keep: Callable[[JsonDict], None] | None = None,
    client: httpx.Client | None = None,
) -> list[Exchange]:
    """Send the plan; every answer, redacted, as an exchange (and to ``keep``)."""
    for value in secrets.secret_values():
        redactor.placeholder("secret", value)
    scrub = _Scrub(secrets)
    loggers = [logging.getLogger(n) for n in ("httpx", "httpcore")]
    for lg in loggers:
        lg.addFilter(scrub)
    own = client is None
    client = client or httpx.Client(timeout=budget.timeout, follow_redirects=False)
    out: list[Exchange] = []
    interval = 1.0 / budget.rps if budget.rps > 0 else 0.0
    start = time.monotonic()
    try:
        for n, planned in enumerate(_rounds(plan, budget)):
            wait = start + n * interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            answer = send(client, upstream, planned, secrets)
            entry = redactor.entry(entry_of(planned.recorded, answer))
            # Last line of defence: a secret too short for the redactor to remember.
            entry = json.loads(secrets.scrub(json.dumps(entry, ensure_ascii=False)))
            if keep is not None:
                keep(entry)
            out.append(from_entry(RecordingEntry.model_validate(entry), len(out)))
    finally:
        if own:
            client.close()
        for lg in loggers:
            lg.removeFilter(scrub)
    return out
