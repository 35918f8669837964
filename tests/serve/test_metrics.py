"""The metrics observer: rows per (route, method, status), and the memo static routes carry."""

from __future__ import annotations

from stubforge.match.request import Request
from stubforge.serve.metrics import LATENCY_BUCKETS, Metrics
from stubforge.serve.outcome import Outcome, RouteMemo


def _outcome(
    route: str | None, status: int = 200, duration: float = 0.002, memo: RouteMemo | None = None
) -> Outcome:
    o = Outcome(Request("GET", "/x"), 0.0, status, route, memo=memo)
    o.duration = duration
    return o


def test_counts_sums_and_buckets_per_route_method_and_status() -> None:
    m = Metrics()
    m.observe(_outcome("a", duration=0.002))
    m.observe(_outcome("a", duration=0.2))
    m.observe(_outcome("a", status=500, duration=0.002))
    m.observe(_outcome(None, status=404))
    assert m.requests == {("a", "GET", 200): 2, ("a", "GET", 500): 1, ("", "GET", 404): 1}
    hist = m.latency["a"]
    assert (hist.count, round(hist.sum, 3)) == (3, 0.204)
    assert hist.buckets[LATENCY_BUCKETS.index(0.0025)] == 2
    assert hist.buckets[LATENCY_BUCKETS.index(0.25)] == 1
    assert m.unmatched == 1


def test_a_memo_keeps_the_row_until_a_reset_and_is_not_shared_between_metrics() -> None:
    memo = RouteMemo()
    m, other = Metrics(), Metrics()
    m.observe(_outcome("a", memo=memo))
    assert memo.owner is m.rows
    m.observe(_outcome("a", memo=memo))
    other.observe(_outcome("a", memo=memo))  # a foreign memo is recomputed, not trusted
    m.observe(_outcome("a", memo=memo))
    assert m.requests == {("a", "GET", 200): 3}
    assert other.requests == {("a", "GET", 200): 1}
    m.reset()
    assert m.requests == {}
    m.observe(_outcome("b"))  # takes row 0 of the new array
    m.observe(_outcome("a", memo=memo))  # the old offset must not be reused
    assert m.requests == {("b", "GET", 200): 1, ("a", "GET", 200): 1}
