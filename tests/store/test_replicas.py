"""Two stubforge servers sharing one Redis behave as one mock: rate limits, scenarios,
sessions, reset and the global profile are shared; a Redis outage answers 503."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from stubforge.cli import main
from tests.conftest import WriteStubs
from tests.server import RunningServer
from tests.store.conftest import RedisServer, free_port, start_redis

Serve = Callable[..., RunningServer]
pytestmark = pytest.mark.timeout(90)

SHOP = """
version: 1
service: shop
profiles:
  outage: {errors: [{rate: 1.0, response: {status: 503, json: {error: outage}}}]}
routes:
  - id: limited
    request: {method: GET, path: /limited}
    response: {json: {ok: true}}
    rate_limit: {algorithm: sliding_window, limit: 100, per: 1h}
  - id: pay
    request: {method: POST, path: /checkout/pay}
    response: {json: {state: paid}}
    state: {scenario: checkout, requires: started, next: paid}
  - id: receipt
    request: {method: GET, path: /checkout}
    response: {json: {state: paid}}
    state: {scenario: checkout, requires: paid}
  - id: open
    request: {method: GET, path: /checkout}
    response: {json: {state: open}}
  - id: plain
    request: {method: GET, path: "/catalog/{item}"}
    response: {json: {item: "{{ path.item }}"}}
"""


@pytest.fixture
def replicas(
    write_stub: WriteStubs, serve: Serve, redis_server: RedisServer, namespace: str
) -> tuple[RunningServer, RunningServer]:
    write_stub("shop.yaml", SHOP)
    return (
        serve(store=redis_server.url, store_namespace=namespace),
        serve(store=redis_server.url, store_namespace=namespace),
    )


async def _burst(urls: list[str], n: int) -> Counter[int]:
    """``n`` concurrent GETs, spread evenly over ``urls`` (one client per replica)."""
    per = n // len(urls)
    limits = httpx.Limits(max_connections=per, max_keepalive_connections=per)
    clients = [httpx.AsyncClient(timeout=30, limits=limits) for _ in urls]
    try:
        replies = await asyncio.gather(
            *(c.get(url) for c, url in zip(clients, urls, strict=True) for _ in range(per))
        )
    finally:
        for c in clients:
            await c.aclose()
    return Counter(r.status_code for r in replies)


def test_a_rate_limit_of_100_holds_across_replicas(
    replicas: tuple[RunningServer, RunningServer], client: httpx.Client
) -> None:
    a, b = replicas
    counts = asyncio.run(_burst([a.url + "/limited", b.url + "/limited"], 1000))
    assert counts == {200: 100, 429: 900}
    for server in replicas:
        r = client.get(server.url + "/limited")
        assert r.status_code == 429
        assert r.headers["x-ratelimit-remaining"] == "0"


def test_a_scenario_moved_on_one_replica_is_seen_on_the_other(
    replicas: tuple[RunningServer, RunningServer], client: httpx.Client
) -> None:
    a, b = replicas
    assert client.get(b.url + "/checkout").json() == {"state": "open"}
    assert client.post(a.url + "/checkout/pay").json() == {"state": "paid"}
    assert client.get(b.url + "/checkout").json() == {"state": "paid"}
    scenarios = client.get(b.url + "/__admin/scenarios").json()["scenarios"]
    assert scenarios == {"checkout": "paid"}
    client.put(b.url + "/__admin/scenarios", json={"states": {"checkout": "started"}})
    assert client.get(a.url + "/checkout").json() == {"state": "open"}


def test_sessions_stay_isolated_across_replicas(
    replicas: tuple[RunningServer, RunningServer], client: httpx.Client
) -> None:
    a, b = replicas
    ci1, ci2 = {"x-stubforge-session": "ci-1"}, {"x-stubforge-session": "ci-2"}
    assert client.post(a.url + "/checkout/pay", headers=ci1).status_code == 200
    assert client.get(b.url + "/checkout", headers=ci1).json() == {"state": "paid"}
    assert client.get(b.url + "/checkout", headers=ci2).json() == {"state": "open"}
    assert client.get(b.url + "/checkout").json() == {"state": "open"}


def test_reset_on_one_replica_clears_the_shared_state(
    replicas: tuple[RunningServer, RunningServer], client: httpx.Client
) -> None:
    a, b = replicas
    client.post(a.url + "/checkout/pay", headers={"x-stubforge-session": "ci-1"})
    client.post(a.url + "/checkout/pay")
    for _ in range(3):
        client.get(a.url + "/limited")
    assert client.get(b.url + "/limited").headers["x-ratelimit-remaining"] == "96"

    r = client.post(b.url + "/__admin/reset", params={"session": "ci-1"})
    assert r.json()["state_keys"] == 1
    assert client.get(a.url + "/checkout", headers={"x-stubforge-session": "ci-1"}).json() == {
        "state": "open"
    }
    assert client.get(a.url + "/checkout").json() == {"state": "paid"}

    client.post(b.url + "/__admin/reset")
    assert client.get(a.url + "/checkout").json() == {"state": "open"}
    assert client.get(a.url + "/limited").headers["x-ratelimit-remaining"] == "99"


def _eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_the_global_profile_is_shared(
    replicas: tuple[RunningServer, RunningServer], client: httpx.Client
) -> None:
    a, b = replicas
    r = client.put(a.url + "/__admin/profile", json={"profile": "outage"})
    assert r.status_code == 200
    since = r.json()["since"]
    assert _eventually(lambda: client.get(b.url + "/checkout").status_code == 503)
    assert client.get(b.url + "/__admin/profile").json()["since"] == since
    client.put(b.url + "/__admin/profile", json={"profile": None})
    assert _eventually(lambda: client.get(a.url + "/checkout").status_code == 200)


def test_a_redis_outage_answers_503_and_recovers(
    write_stub: WriteStubs,
    serve: Serve,
    own_redis: RedisServer,
    namespace: str,
    client: httpx.Client,
) -> None:
    write_stub("shop.yaml", SHOP)
    server = serve(store=own_redis.url, store_namespace=namespace)
    assert client.post(server.url + "/checkout/pay").status_code == 200
    own_redis.stop()

    r = client.get(server.url + "/checkout")
    assert r.status_code == 503
    assert r.headers["retry-after"] == "1"
    assert r.json()["error"] == "state store unavailable"
    # a route that needs no state answers while Redis is down
    assert client.get(server.url + "/catalog/42").json() == {"item": "42"}
    admin = client.get(server.url + "/__admin/scenarios")
    assert admin.status_code == 503
    assert admin.headers["content-type"] == "application/problem+json"
    assert admin.json()["type"] == "urn:stubforge:problem:store-unavailable"
    assert client.get(server.url + "/__admin/health").json()["status"] == "ok"
    journal = client.get(server.url + "/__admin/requests").json()
    assert 503 in [e["response"]["status"] for e in journal["requests"]]

    restarted = start_redis(own_redis.workdir, port=own_redis.port)
    try:  # a fresh Redis: the scenario starts over
        assert _eventually(lambda: client.get(server.url + "/checkout").status_code == 200)
        assert client.get(server.url + "/checkout").json() == {"state": "open"}
    finally:
        restarted.stop()


def test_a_replica_in_its_own_process_configured_from_the_environment(
    write_stub: WriteStubs,
    serve: Serve,
    stub_dir: Path,
    redis_server: RedisServer,
    namespace: str,
    client: httpx.Client,
) -> None:
    write_stub("shop.yaml", SHOP)
    here = serve(store=redis_server.url, store_namespace=namespace)
    port = free_port()
    env = {
        **os.environ,
        "STUBFORGE_STORE": redis_server.url,
        "STUBFORGE_STORE_NAMESPACE": namespace,
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stubforge.cli",
            "serve",
            "--stubs",
            str(stub_dir),
            "--port",
            str(port),
            "--no-watch",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    other = f"http://127.0.0.1:{port}"
    try:
        assert _eventually(lambda: _answers(client, other + "/__admin/health"), timeout=20)
        assert client.post(other + "/checkout/pay").json() == {"state": "paid"}
        assert client.get(here.url + "/checkout").json() == {"state": "paid"}
        counts = asyncio.run(_burst([here.url + "/limited", other + "/limited"], 400))
        assert counts == {200: 100, 429: 300}
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.TransportError:
        return False


def test_serve_fails_fast_when_redis_is_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(SHOP)
    url = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    assert main(["serve", "--stubs", str(tmp_path), "--port", "0", "--store", url]) == 2
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert err.startswith(f"stubforge serve: redis at {url}: ")
    assert err.rstrip().endswith("not starting")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "postgres://db"], "--store 'postgres://db' is neither 'memory' nor"),
        (["--store-namespace", "a:b"], "--store-namespace 'a:b' must be 1-64 characters"),
    ],
)
def test_serve_refuses_bad_store_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "a.yaml").write_text(SHOP)
    assert main(["serve", "--stubs", str(tmp_path), "--port", "0", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "garbage", [b"not json", b"[1, 2, 3]", b'{"a": 1}', b"\xff\xfe", b"[" * 5000, b'["profile"]']
)
def test_a_malformed_settings_message_does_not_stop_profile_sync(
    replicas: tuple[RunningServer, RunningServer],
    client: httpx.Client,
    redis_server: RedisServer,
    namespace: str,
    garbage: bytes,
) -> None:
    import redis as redis_sync

    a, b = replicas
    time.sleep(0.2)  # both replicas subscribed
    redis_sync.Redis.from_url(redis_server.url).publish(f"stubforge:{namespace}:#settings", garbage)
    client.put(a.url + "/__admin/profile", json={"profile": "outage"})
    assert _eventually(lambda: client.get(b.url + "/checkout").status_code == 503)
    health = client.get(b.url + "/__admin/health").json()
    assert health["status"] == "ok"
    assert health["tasks"]["profile sync"]["state"] == "running"
