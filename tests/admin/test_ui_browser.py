"""The web UI in a real browser (Debian's chromium driven by Playwright): the live
journal, the near-miss explorer, the profile switch, and the token login. With
``STUBFORGE_UI_SCREENSHOTS=DIR`` the views are saved there (docs/ui/ holds them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "the UI tests need Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

STUBS = """
version: 1
service: payments
profiles:
  slow: {latency_multiplier: 10}
scenarios: {}
routes:
  - id: get-customer
    request: {method: GET, path: "/v1/customers/{id}"}
    response: {status: 200, json: {object: customer}}
    latency: 20ms
  - id: create-charge
    request:
      method: POST
      path: /v1/charges
      body: {json_partial: {currency: usd}}
    response: {status: 201, json: {object: charge}}
"""

SHOTS = os.environ.get("STUBFORGE_UI_SCREENSHOTS")


@pytest.fixture
def page() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser.new_page(viewport={"width": 1366, "height": 820})
        finally:
            browser.close()


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


@pytest.mark.timeout(120)
def test_journal_misses_and_profile(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], page: Any
) -> None:
    write_stub("payments.yaml", STUBS.replace("scenarios: {}\n", ""))
    server = serve()
    page.goto(server.url + "/__admin/ui/")
    page.wait_for_selector("#status:has-text('live')", timeout=10_000)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.get("/v1/customers/cus_1", headers={"x-stubforge-session": "ci-1"})
        # live: the row appears within a second of the request
        page.wait_for_selector("#journal tbody tr:has-text('/v1/customers/cus_1')", timeout=1000)
        client.post("/v1/charges", json={"currency": "eur", "amount": 5})
        page.wait_for_selector("#journal tbody tr:has-text('MISS')", timeout=1000)
    page.click("#journal tbody tr:has-text('/v1/customers/cus_1')")
    page.wait_for_selector("#entry:has-text('payments.yaml')")
    assert "ci-1" in page.inner_text("#entry")
    shot(page, "journal")

    # the filter keeps only unmatched requests
    page.select_option("#journal-filters select[name=kind]", "unmatched")
    assert page.locator("#journal tbody tr").count() == 1

    page.click("nav button[data-view=misses]")
    page.click("#misses li:has-text('/v1/charges')")
    diff = page.wait_for_selector("#miss .diff")
    assert diff is not None
    assert "body" in (diff.get_attribute("data-field") or "")
    assert "eur" in diff.inner_text()
    assert "create-charge" in page.inner_text("#miss")
    assert 'path: "/v1/charges"' in page.input_value("#miss textarea")
    shot(page, "near-misses")

    page.click("nav button[data-view=stubs]")
    page.wait_for_selector("#stubs:has-text('get-customer')")
    shot(page, "stubs")

    page.click("nav button[data-view=behaviour]")
    page.wait_for_selector("#profile option[value=slow]", state="attached")
    page.select_option("#profile", "slow")
    page.click("#profile-form button[type=submit]")
    page.wait_for_selector("#status:has-text('profile slow on')")
    assert httpx.get(server.url + "/__admin/profile").json()["profile"] == "slow"
    httpx.get(server.url + "/v1/customers/cus_2", timeout=10)
    page.click("nav button[data-view=journal]")
    page.select_option("#journal-filters select[name=kind]", "")
    row = page.wait_for_selector("#journal tbody tr:has-text('/v1/customers/cus_2')")
    assert row is not None and "200 ms" in row.inner_text()  # 20 ms x 10
    page.click("nav button[data-view=behaviour]")
    shot(page, "behaviour")
    page.click("nav button[data-view=plots]")
    page.wait_for_selector("#latency h4:has-text('get-customer')")
    shot(page, "plots")


@pytest.mark.timeout(120)
def test_the_token_is_asked_for_and_checked(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], page: Any
) -> None:
    write_stub("payments.yaml", STUBS.replace("scenarios: {}\n", ""))
    server = serve(admin_token="s3cret-token")
    assert httpx.get(server.url + "/__admin/events").status_code == 401
    page.goto(server.url + "/__admin/ui/")
    page.wait_for_selector("#login:not([hidden])")
    assert page.locator("main").is_hidden()
    page.fill("#token", "wrong")
    page.click("#login-form button")
    page.wait_for_selector("#login-error:has-text('refused')")
    shot(page, "login")
    page.fill("#token", "s3cret-token")
    page.click("#login-form button")
    page.wait_for_selector("#login", state="hidden")
    page.wait_for_selector("#status:has-text('live')", timeout=10_000)
    httpx.get(server.url + "/v1/customers/cus_9", timeout=10)
    page.wait_for_selector("#journal tbody tr:has-text('/v1/customers/cus_9')", timeout=2000)
