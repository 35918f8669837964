"""The wire extension also works under uvicorn's h11 protocol."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from stubforge.assemble import build_app
from stubforge.serve.config import ServeConfig
from stubforge.serve.state import ServerState
from stubforge.serve.wire import WireH11Protocol


@pytest.mark.timeout(30)
def test_faults_under_h11(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "version: 1\nroutes:\n"
        "  - {request: {path: /reset}, errors: [{fault: connection_reset}]}\n"
        "  - {request: {path: /empty}, errors: [{fault: empty_response}]}\n"
        "  - {request: {path: /ok}, response: {status: 204}}\n"
    )
    state, errors = ServerState.initial(ServeConfig(stubs=tmp_path, watch=False))
    assert state is not None, errors
    config = uvicorn.Config(
        build_app(state),
        host="127.0.0.1",
        port=0,
        http=WireH11Protocol,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        with pytest.raises(httpx.ReadError):
            httpx.get(url + "/reset", timeout=5)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(url + "/empty", timeout=5)
        assert httpx.get(url + "/ok", timeout=5).status_code == 204
    finally:
        server.should_exit = True
        thread.join(timeout=10)
