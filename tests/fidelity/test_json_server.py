"""json-server (npm): a JSON REST server with CRUD, filters and pagination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from .harness import Call, Seen, compare, run
from .providers import JsonServer

DB: dict[str, Any] = {
    "posts": [
        {"id": i, "title": f"post {i}", "userId": 1 + i % 3, "tags": ["t"]} for i in range(1, 13)
    ],
    "users": [{"id": i, "name": f"user {i}", "handle": f"u{i}"} for i in range(1, 6)],
}


def training(client: httpx.Client) -> list[Seen]:
    """Pages, reads, a filter, a create read back, patched, replaced, deleted twice."""
    calls: list[Call] = [
        ("GET", "/posts", {"params": {"_page": "1", "_limit": "4"}}),
        ("GET", "/posts", {"params": {"_page": "2", "_limit": "4"}}),
        ("GET", "/posts", {"params": {"_page": "3", "_limit": "4"}}),
        ("GET", "/posts", {"params": {"_page": "4", "_limit": "4"}}),
        ("GET", "/posts/1", {}),
        ("GET", "/posts/2", {}),
        ("GET", "/posts", {"params": {"userId": "2"}}),
        ("POST", "/posts", {"json": {"title": "hello", "userId": 1, "tags": []}}),
        ("GET", "/posts/13", {}),
        ("PATCH", "/posts/13", {"json": {"title": "hello again"}}),
        ("GET", "/posts/13", {}),
        ("PUT", "/posts/3", {"json": {"title": "replaced", "userId": 3}}),
        ("GET", "/posts/3", {}),
        ("DELETE", "/posts/13", {}),
        ("GET", "/posts/13", {}),
        ("DELETE", "/posts/13", {}),
        ("GET", "/posts/99", {}),
        ("GET", "/users/1", {}),
        ("GET", "/users", {}),
        ("POST", "/users", {"json": {"name": "new", "handle": "n"}}),
        ("GET", "/users/6", {}),
        ("PATCH", "/users/6", {"json": {"handle": "renamed"}}),
        ("DELETE", "/users/2", {}),
        ("GET", "/users/2", {}),
    ]
    return run(client, calls)


PROBE: list[Call] = [
    ("GET", "/posts", {"params": {"_page": "3", "_limit": "4"}}),
    ("GET", "/posts", {"params": {"_page": "2", "_limit": "5"}}),
    ("GET", "/posts/7", {}),  # only ever seen in a list
    ("GET", "/posts/12", {}),
    ("GET", "/posts", {"params": {"userId": "3"}}),
    ("POST", "/posts", {"json": {"title": "probe one", "userId": 2, "tags": ["x"]}}),
    ("POST", "/posts", {"json": {"title": "probe two", "userId": 3}}),
    ("GET", "/posts/13", {}),
    ("GET", "/posts/14", {}),
    ("PATCH", "/posts/14", {"json": {"userId": 1}}),
    ("GET", "/posts/14", {}),
    ("PUT", "/posts/13", {"json": {"title": "whole", "userId": 2}}),
    ("GET", "/posts/13", {}),
    ("GET", "/posts", {"params": {"userId": "1"}}),
    ("DELETE", "/posts/5", {}),
    ("GET", "/posts/5", {}),
    ("DELETE", "/posts/5", {}),
    ("PATCH", "/posts/5", {"json": {"title": "gone"}}),
    ("PUT", "/posts/5", {"json": {"title": "gone"}}),
    ("GET", "/posts", {"params": {"_page": "4", "_limit": "4"}}),
    ("GET", "/posts", {"params": {"userId": "2", "_page": "1", "_limit": "2"}}),
    ("GET", "/posts", {"params": {"_page": "1", "_limit": "4"}}),
    ("GET", "/posts/4242", {}),
    ("DELETE", "/posts/4242", {}),
    ("GET", "/users", {}),
    ("GET", "/users/4", {}),
    ("POST", "/users", {"json": {"name": "probe", "handle": "p"}}),
    ("GET", "/users/6", {}),
    ("PATCH", "/users/6", {"json": {"handle": "q"}}),
    ("GET", "/users/6", {}),
    ("DELETE", "/users/1", {}),
    ("GET", "/users", {}),
    ("GET", "/users/1", {}),
    ("GET", "/users/77", {}),
]


@pytest.mark.timeout(120)
def test_json_server_probe_through_the_mock_matches_the_real_one(tmp_path: Path) -> None:
    result, trained, replayed = compare(
        tmp_path, lambda work: JsonServer(DB, work), training, PROBE
    )
    print(result.summary("json-server"))
    assert trained == replayed  # the training session replays exactly
    assert result.mock_5xx == 0
    assert result.share >= 0.95, result.diffs
