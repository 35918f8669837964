"""The stubforge pytest plugin (entry point ``pytest11: stubforge``).

Fixtures:

* ``stubforge`` — a factory: ``mock = stubforge("tests/stubs", token=None, **options)``
  starts a real server on 127.0.0.1 with an ephemeral port; every server it started is
  stopped after the test;
* ``stubforge_server`` — one server on the directory of the ``stubforge_stubs`` ini
  option (default ``stubs`` next to the pytest rootdir), for the test.

A server has ``.url`` and ``.admin`` (``requests()``, ``count()``, ``verify()``,
``assert_received()``, ``assert_no_unmatched()``, ``add_stub()``, ``reset()``).

This module imports only pytest: the server starts (and imports uvicorn) only when a test
asks for a fixture, so projects that never use it pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from stubforge.testing.server import StubforgeServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "stubforge_stubs",
        "stubs directory of the stubforge_server fixture (relative to the rootdir; default: stubs)",
        default="stubs",
    )


@pytest.fixture
def stubforge() -> Iterator[Callable[..., StubforgeServer]]:
    """Factory: ``stubforge(stubs_dir, token=None, **options)`` → a running server."""
    from stubforge.testing.server import StubforgeServer

    started: list[StubforgeServer] = []

    def start(stubs: str | Path, **options: Any) -> StubforgeServer:
        server = StubforgeServer(stubs, **options).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def stubforge_server(
    request: pytest.FixtureRequest, stubforge: Callable[..., StubforgeServer]
) -> StubforgeServer:
    """A server on the ``stubforge_stubs`` directory, stopped after the test."""
    stubs = Path(str(request.config.getini("stubforge_stubs")))
    if not stubs.is_absolute():
        stubs = request.config.rootpath / stubs
    return stubforge(stubs)
