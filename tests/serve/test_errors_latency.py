"""Error rules, seeded determinism, slow bodies and latency over a real socket."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]

FLAKY = """
version: 1
service: shipping
routes:
  - id: quote
    request: {path: /quote}
    response: {json: {price: 10}}
    errors:
      - {id: every-third, every: 3, response: {status: 500}}
  - id: track
    request: {path: /track}
    response: {json: {ok: true}}
    errors:
      - {id: flaky, rate: 0.3, response: {status: 503}}
  - id: label
    request: {path: /label}
    response: {status: 200}
    errors:
      - {id: early-outage, window: {start: 0s, duration: 400ms}, response: {status: 502}}
"""


def test_every_nth_request_fails(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shipping.yaml", FLAKY)
    url = serve().url
    codes = [client.get(url + "/quote").status_code for _ in range(7)]
    assert codes == [200, 200, 500, 200, 200, 500, 200]


def test_time_window_outage_then_recovery(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shipping.yaml", FLAKY)
    url = serve().url
    assert client.get(url + "/label").status_code == 502
    time.sleep(0.45)
    assert client.get(url + "/label").status_code == 200


def test_profile_window_starts_when_the_profile_is_switched_on(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - {request: {path: /x}, response: {status: 200}}
        profiles:
          brownout:
            errors:
              - window: {start: 300ms, duration: 10s, origin: profile}
                response: {status: 503}
    """,
    )
    url = serve().url
    time.sleep(0.35)  # longer than the window start, but the profile is not on yet
    client.put(url + "/__admin/profile", json={"profile": "brownout"})
    assert client.get(url + "/x").status_code == 200
    time.sleep(0.35)
    assert client.get(url + "/x").status_code == 503


def _outcomes(url: str, session: str, n: int = 40) -> list[int]:
    with httpx.Client(timeout=5) as c:
        return [
            c.get(url + "/track", headers={"x-stubforge-session": session}).status_code
            for _ in range(n)
        ]


def test_same_seed_same_decisions_per_session(write_stub: WriteStubs, serve: Serve) -> None:
    write_stub("shipping.yaml", FLAKY)
    first, second, other = serve(seed=7).url, serve(seed=7).url, serve(seed=8).url
    run_a = _outcomes(first, "s1")
    assert 503 in run_a and 200 in run_a
    # interleaving another session's traffic does not shift this session's draws
    _outcomes(second, "noise", 13)
    assert _outcomes(second, "s1") == run_a
    assert _outcomes(other, "s1") != run_a


def test_debug_headers_are_off_by_default(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shipping.yaml", FLAKY)
    r = client.get(serve().url + "/quote")
    assert not [h for h in r.headers if h.startswith("x-stubforge")]


@pytest.mark.timeout(30)
def test_dribbled_body_arrives_in_pieces_over_the_duration(
    write_stub: WriteStubs, serve: Serve
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {path: /slow}
            response: {body: "0123456789abcdefghij"}
            dribble: {chunks: 5, duration: 400ms}
          - request: {path: /rate}
            response: {body: "0123456789"}
            dribble: {bytes_per_second: 20}
    """,
    )
    url = serve().url
    with httpx.Client(timeout=5) as c, c.stream("GET", url + "/slow") as r:
        started = time.monotonic()
        arrivals = [(time.monotonic() - started, chunk) for chunk in r.iter_raw()]
    assert b"".join(c for _, c in arrivals) == b"0123456789abcdefghij"
    assert len(arrivals) >= 3
    assert 0.35 <= arrivals[-1][0] <= 1.0
    started = time.monotonic()
    assert httpx.get(url + "/rate", timeout=5).text == "0123456789"
    assert 0.4 <= time.monotonic() - started <= 1.5  # 10 bytes at 20 B/s


def test_latency_multiplier_scales_every_delay(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - {request: {path: /d}, response: {status: 204}, latency: 100ms}
    """,
    )
    url = serve(latency_multiplier=0.5, debug_headers=True).url
    r = client.get(url + "/d")
    assert r.headers["x-stubforge-delay"] == "50.0ms"
    assert 0.045 <= r.elapsed.total_seconds() < 0.5
