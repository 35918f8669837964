"""The journal ring buffer: bounded, oldest dropped, memory flat under sustained load."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from stubforge.match.request import Request
from stubforge.serve.journal import Journal
from stubforge.serve.outcome import Outcome


def _outcome(i: int, body: bytes = b'{"amount": 100}') -> Outcome:
    req = Request(
        "POST",
        f"/v1/charges/{i}",
        b"expand=x",
        [(b"content-type", b"application/json"), (b"x-stubforge-session", b"s1")],
        body,
        "127.0.0.1",
    )
    return Outcome(req, time.time(), 201, "create-charge", {"id": str(i)})


def test_keeps_the_newest_entries_and_reads_the_session_header() -> None:
    journal = Journal(size=3)
    for i in range(5):
        journal.observe(_outcome(i))
    entries = list(journal)
    assert [e.path for e in entries] == ["/v1/charges/2", "/v1/charges/3", "/v1/charges/4"]
    assert [e.id for e in entries] == [3, 4, 5]
    assert journal.recorded == 5
    assert entries[0].session_id == "s1"


def test_long_bodies_are_truncated_but_their_size_kept() -> None:
    journal = Journal(size=2, body_limit=10)
    journal.observe(_outcome(0, b"x" * 1000))
    entry = next(iter(journal))
    assert (len(entry.body), entry.body_size) == (10, 1000)


@pytest.mark.timeout(60)
def test_memory_stays_flat_after_200k_requests() -> None:
    journal = Journal(size=1_000)
    tracemalloc.start()
    try:
        for i in range(20_000):
            journal.observe(_outcome(i))
        warm, _ = tracemalloc.get_traced_memory()
        for i in range(20_000, 200_000):
            journal.observe(_outcome(i))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(journal) == 1_000
    assert journal.recorded == 200_000
    assert after - warm < 256 * 1024, f"grew by {after - warm} bytes"


def test_clear_all_or_by_predicate() -> None:
    journal = Journal(size=10)
    for i in range(4):
        journal.observe(_outcome(i))
    assert journal.clear(lambda e: e.path.endswith(("1", "3"))) == 2
    assert [e.path for e in journal] == ["/v1/charges/1", "/v1/charges/3"]
    assert journal.clear() == 2
    assert len(journal) == 0


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="journal size must be >= 0"):
        Journal(size=-1)
