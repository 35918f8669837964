"""Resources served statefully per session over a real socket."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]

USERS = """
version: 1
service: people
routes:
  - id: create-user
    request: {method: POST, path: /users}
    responses:
      - when: {body: {jsonpath: {"$.name": {present: false}}}}
        status: 422
        json: {detail: name is required}
      - status: 201
        json: {id: 1, name: recorded}
  - id: get-user
    request: {method: GET, path: "/users/{user_id}"}
    response: {json: {id: 1, name: recorded}}
resources:
  - name: users
    collection: /users
    item: "/users/{user_id}"
    ids: {kind: sequence, start: 3}
    operations: [list, create, read, update, replace, delete]
    create: {fields: {active: true}}
    list:
      items: data
      total: total
      fields: {object: list}
      pagination: {style: page, page: page, size: per_page, default_size: 2}
      filters: [active]
    not_found:
      status: 404
      json: {error: "user {{ path.user_id }} not found"}
    seed:
      - {id: 1, name: Ada, active: true}
      - {id: 2, name: Bob, active: false}
"""


def test_create_read_update_delete_list(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("people.yaml", USERS)
    url = serve().url + "/users"
    made = client.post(url, json={"name": "Cy"})
    assert made.status_code == 201
    assert made.json() == {"id": 3, "name": "Cy", "active": True}
    assert client.get(f"{url}/3").json() == {"id": 3, "name": "Cy", "active": True}
    assert client.patch(f"{url}/3", json={"name": "Cyd"}).json()["name"] == "Cyd"
    assert client.get(f"{url}/3").json() == {"id": 3, "name": "Cyd", "active": True}
    assert client.put(f"{url}/2", json={"name": "Bo"}).json() == {"id": 2, "name": "Bo"}
    listed = client.get(url, params={"page": 2}).json()
    assert listed == {
        "object": "list",
        "data": [{"id": 3, "name": "Cyd", "active": True}],
        "total": 3,
    }
    assert client.get(url, params={"active": "true"}).json()["total"] == 2
    assert client.delete(f"{url}/3").status_code == 204
    gone = client.get(f"{url}/3")
    assert gone.status_code == 404 and gone.json() == {"error": "user 3 not found"}
    assert client.delete(f"{url}/3").status_code == 404
    assert client.patch(f"{url}/77", json={"name": "x"}).json() == {"error": "user 77 not found"}


def test_validation_answer_stays_and_creates_nothing(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("people.yaml", USERS)
    url = serve().url + "/users"
    bad = client.post(url, json={"nick": "x"})
    assert bad.status_code == 422
    assert client.get(url, params={"per_page": 10}).json()["total"] == 2


def test_sessions_are_isolated_and_reset_restores_the_seed(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("people.yaml", USERS)
    base = serve().url
    one, two = {"x-stubforge-session": "one"}, {"x-stubforge-session": "two"}
    assert client.delete(base + "/users/1", headers=one).status_code == 204
    assert client.get(base + "/users/1", headers=one).status_code == 404
    assert client.get(base + "/users/1", headers=two).json()["name"] == "Ada"
    assert client.post(base + "/__admin/reset", params={"session": "one"}).status_code == 200
    assert client.get(base + "/users/1", headers=one).json()["name"] == "Ada"


FORM = """
version: 1
resources:
  - name: customers
    collection: /v1/customers
    item: "/v1/customers/{customer_id}"
    ids: {kind: prefixed, prefix: cus_, length: 14}
    operations: [create, read, update]
    create: {fields: {object: customer}}
"""


def test_form_bodies_and_prefixed_ids_without_compiled_routes(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("pay.yaml", FORM)
    url = serve().url + "/v1/customers"
    made = client.post(url, data={"email": "a@b.c", "metadata[plan]": "gold"})
    assert made.status_code == 201
    body = made.json()
    assert body["id"].startswith("cus_") and len(body["id"]) == 18
    assert body["metadata"] == {"plan": "gold"} and body["object"] == "customer"
    client.patch(f"{url}/{body['id']}", data={"metadata[tier]": "2"})
    got = client.get(f"{url}/{body['id']}").json()
    assert got["metadata"] == {"plan": "gold", "tier": "2"}
    assert client.get(f"{url}/cus_unknown").status_code == 404


def test_a_resource_in_another_file_answers_through_its_routes(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    routes, resources = USERS.split("resources:\n")
    write_stub("people.compiled.yaml", routes)
    write_stub("people.overrides.yaml", "version: 1\nresources:\n" + resources)
    url = serve().url + "/users"
    assert client.post(url, json={"name": "Cy"}).json()["id"] == 3
    assert client.post(url, json={}).status_code == 422  # the compiled route's variant


NESTED = """
version: 1
resources:
  - name: posts
    collection: "/users/{user_id}/posts"
    item: "/users/{user_id}/posts/{post_id:int}"
    ids: {kind: sequence, start: 3}
    operations: [list, create, read]
    seed_in:
      "1": [{id: 1, title: a}, {id: 2, title: b}]
"""


def test_nested_collections_keep_items_per_parent(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("blog.yaml", NESTED)
    base = serve().url
    assert [p["id"] for p in client.get(base + "/users/1/posts").json()] == [1, 2]
    assert client.get(base + "/users/2/posts").json() == []
    made = client.post(base + "/users/2/posts", json={"title": "c"}).json()
    assert made == {"title": "c", "id": 3}
    assert client.get(base + "/users/2/posts/3").json()["title"] == "c"
    assert client.get(base + "/users/1/posts/3").status_code == 404


BROKEN = """
version: 1
resources:
  - name: things
    collection: /things
    item: "/things/{thing_id}"
    operations: [read]
    not_found: {status: 404, json: {error: "{{ path.thing_id | length // 0 }}"}}
"""


def test_a_failing_not_found_template_answers_a_problem_not_a_crash(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("things.yaml", BROKEN)
    answer = client.get(serve().url + "/things/x1")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["resource"] == "things"
