"""Run stubforge in-process on 127.0.0.1 with an ephemeral port, on a background thread.

::

    with StubforgeServer("tests/stubs") as mock:
        httpx.get(mock.url + "/v1/customers/cus_1")
        mock.admin.assert_received("GET", "/v1/customers/{id}", count=1)
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from stubforge.testing.client import AdminClient


class StubsError(Exception):
    """The stubs directory does not load; the message lists every ``file:line:col`` error."""


class StubforgeServer:
    """A real stubforge server (uvicorn, the same app as ``stubforge serve``).

    ``options`` are :class:`stubforge.serve.config.ServeConfig` fields (``journal_size``,
    ``unmatched_status``, ``seed``...). File watching is off unless ``watch=True``.
    """

    def __init__(
        self,
        stubs: str | Path,
        *,
        token: str | None = None,
        start_timeout: float = 10.0,
        **options: Any,
    ) -> None:
        self.stubs = Path(stubs)
        self.token = token
        self.options = options
        self.start_timeout = start_timeout
        self.url = ""
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._admin: AdminClient | None = None
        self.state: Any = None

    def start(self) -> StubforgeServer:
        import uvicorn

        from stubforge.assemble import build_app
        from stubforge.serve.config import ServeConfig
        from stubforge.serve.server import uvicorn_config
        from stubforge.serve.state import ServerState

        base = ServeConfig(watch=False)
        config = replace(
            base,
            **{
                **self.options,
                "stubs": self.stubs,
                "host": "127.0.0.1",
                "port": 0,
                "admin_token": self.token,
            },
        )
        state, errors = ServerState.initial(config)
        if state is None:
            raise StubsError(
                f"{len(errors)} error(s) in {self.stubs}:\n" + "\n".join(str(e) for e in errors)
            )
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        server = uvicorn.Server(
            uvicorn_config(build_app(state), "127.0.0.1", self.port, log_level="warning")
        )
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"stubforge-{self.port}",
            daemon=True,
        )
        thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"stubforge did not start on {self.url}")
            time.sleep(0.005)
        self._server, self._thread, self.state = server, thread, state
        return self

    @property
    def admin(self) -> AdminClient:
        """A client of this server's admin API (with the token, if any)."""
        if self._admin is None:
            self._admin = AdminClient(self.url, self.token)
        return self._admin

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> StubforgeServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
