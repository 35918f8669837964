"""Run a real stubforge server on 127.0.0.1 with an ephemeral port, in a thread.

Tests use :func:`running_server` (or the ``serve_stubs`` fixture in ``conftest.py``) to get
a base URL; the server is the same ASGI app ``stubforge serve`` runs, on uvicorn with
httptools, so every test talks to it over a real socket.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import uvicorn

from stubforge.assemble import build_app
from stubforge.serve.config import ServeConfig
from stubforge.serve.dispatcher import Dispatcher
from stubforge.serve.server import uvicorn_config
from stubforge.serve.state import ServerState


@dataclass
class RunningServer:
    url: str
    port: int
    state: ServerState
    app: Dispatcher
    server: uvicorn.Server


@contextlib.contextmanager
def running_server(
    stubs: Path, config: ServeConfig | None = None, start_timeout: float = 10.0
) -> Iterator[RunningServer]:
    """Start the server on ``stubs``; raise if the stubs do not load or it does not start."""
    config = replace(config or ServeConfig(), stubs=stubs, host="127.0.0.1", port=0)
    state, errors = ServerState.initial(config)
    if state is None:
        raise AssertionError("stubs failed to load:\n" + "\n".join(map(str, errors)))
    app = build_app(state)
    server = uvicorn.Server(
        uvicorn_config(app, "127.0.0.1", 0, log_level="warning", limits=config.http_limits)
    )
    thread = threading.Thread(target=server.run, name="stubforge-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningServer(f"http://127.0.0.1:{port}", port, state, app, server)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
