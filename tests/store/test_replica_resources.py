"""Resources over two replicas sharing one Redis: an item created through one replica is
read, updated, listed and deleted through the other; sessions stay apart; reset
restores the seed for everyone."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.serve.test_resources import USERS
from tests.server import RunningServer
from tests.store.conftest import RedisServer

Serve = Callable[..., RunningServer]
pytestmark = pytest.mark.timeout(60)


def test_two_replicas_share_the_items_of_a_session(
    write_stub: WriteStubs,
    serve: Serve,
    redis_server: RedisServer,
    namespace: str,
    client: httpx.Client,
) -> None:
    write_stub("people.yaml", USERS)
    one = serve(store=redis_server.url, store_namespace=namespace).url + "/users"
    two = serve(store=redis_server.url, store_namespace=namespace).url + "/users"
    made = client.post(one, json={"name": "Cy"}).json()
    assert client.get(f"{two}/{made['id']}").json()["name"] == "Cy"
    client.patch(f"{two}/{made['id']}", json={"name": "Cyd"})
    assert client.get(f"{one}/{made['id']}").json()["name"] == "Cyd"
    assert client.get(two, params={"per_page": 10}).json()["total"] == 3
    other = {"x-stubforge-session": "other"}
    assert client.get(f"{two}/{made['id']}", headers=other).status_code == 404
    assert client.delete(f"{two}/{made['id']}").status_code == 204
    assert client.get(f"{one}/{made['id']}").status_code == 404
    client.delete(f"{one}/1")
    base = one.rsplit("/users", 1)[0]
    assert client.post(base + "/__admin/reset").status_code == 200
    assert client.get(f"{two}/1").json()["name"] == "Ada"
