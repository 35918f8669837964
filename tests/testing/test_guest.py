"""A library is a guest in the user's process: importing the plugin and starting and
stopping its in-process server leave the garbage collector as they found it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
import stubforge.testing.plugin
after_import = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
from stubforge.testing.server import StubforgeServer
import httpx
with StubforgeServer(sys.argv[1]) as mock:
    status = httpx.get(mock.url + "/v1/customers/cus_42").status_code
    running = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
after_stop = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
print(json.dumps([before, after_import, running, after_stop, status]))
"""


def test_plugin_and_its_server_leave_the_gc_alone() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "stubs")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    before, after_import, running, after_stop, status = json.loads(out.stdout)
    assert status == 200  # the server really served
    assert after_import == before
    assert running == before
    assert after_stop == before
