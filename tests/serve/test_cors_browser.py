"""A real browser (Debian's chromium driven by Playwright) on another origin calls the
mock with ``fetch`` and credentials: the preflight and the call succeed with ``cors``
configured and are blocked without."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "the browser CORS test needs Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

CALL = """async (url) => {
  try {
    const r = await fetch(url + "/me", {
      method: "PUT",
      credentials: "include",
      headers: {"content-type": "application/json", "authorization": "Bearer t"},
      body: JSON.stringify({name: "ada"}),
    });
    return {status: r.status, body: await r.json()};
  } catch (e) {
    return {blocked: String(e)};
  }
}"""


class Page(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = b"<!doctype html><title>app</title><p>the app</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def page_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _stubs(cors: str) -> str:
    return f"""
    version: 1
    service: api
    defaults:
      headers: {{x-service: api}}
      {cors}
    routes:
      - id: put-me
        request: {{method: PUT, path: /me}}
        response: {{status: 200, json: {{saved: true}}}}
    """


def _call_from_browser(page_url: str, mock_url: str) -> dict[str, object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.goto(page_url)
            result: dict[str, object] = page.evaluate(CALL, mock_url)
            return result
        finally:
            browser.close()


@pytest.mark.timeout(90)
def test_browser_fetch_with_credentials(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], page_origin: str
) -> None:
    write_stub("api.yaml", _stubs(f'cors: {{origins: ["{page_origin}"], credentials: true}}'))
    server = serve()
    assert _call_from_browser(page_origin, server.url) == {"status": 200, "body": {"saved": True}}
    preflights = [e for e in server.state.journal if e.method == "OPTIONS"]
    assert [e.status for e in preflights] == [204]


@pytest.mark.timeout(90)
def test_browser_fetch_is_blocked_without_cors(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], page_origin: str
) -> None:
    write_stub("api.yaml", _stubs("latency: 0ms"))
    server = serve()
    result = _call_from_browser(page_origin, server.url)
    assert "blocked" in result, result
    assert not any(e.method == "PUT" for e in server.state.journal)  # preflight failed
