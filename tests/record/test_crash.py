"""``kill -9`` under sustained traffic loses nothing the client saw complete."""

from __future__ import annotations

import signal
import threading
import time

import httpx

from stubforge.model.recording import read_recordings

from .conftest import RecorderFactory
from .upstream import Upstream

CLIENTS = 8


def test_kill_9_keeps_every_completed_exchange(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url])
    completed: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        paths = ["/json", "/echo", "/slow?ms=20", "/binary?n=20000", "/gzip"]
        with httpx.Client(base_url=rec.url, timeout=5) as c:
            i = 0
            while not stop.is_set():
                rid = f"rid-{n}-{i:05d}"
                path = paths[i % len(paths)]
                sep = "&" if "?" in path else "?"
                try:
                    r = c.post(f"{path}{sep}rid={rid}", content=b"x" * (i % 7 * 100))
                    r.read()
                except httpx.HTTPError:
                    return  # the recorder is gone
                if r.status_code == 200:
                    with lock:
                        completed.append(rid)
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    # enough completed exchanges to be meaningful, however busy the machine is
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(0.2)
        with lock:
            if len(completed) >= 80:
                break
    with lock:
        before_kill = len(completed)
    rec.proc.send_signal(signal.SIGKILL)
    rec.proc.wait(10)
    stop.set()
    for t in threads:
        t.join(10)

    assert before_kill > 50, "not enough traffic to be a meaningful test"
    recorded = {httpx.URL(e.request.url).params.get("rid") for e in read_recordings(rec.out)}
    missing = [rid for rid in completed if rid not in recorded]
    assert not missing, f"{len(missing)} of {len(completed)} completed exchanges not recorded"
