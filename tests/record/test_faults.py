"""The recorder when things go wrong: a full disk is loud and loses nothing a client saw
succeed; an endless stream costs bounded memory; logs never carry a secret."""

from __future__ import annotations

import resource

import httpx

from stubforge.model.recording import read_recordings

from .conftest import RecorderFactory, wait_for_lines
from .upstream import Upstream

KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
FILE_LIMIT = 24 * 1024


def _small_files() -> None:
    # A file size limit behaves like a full disk for the recorder's writes (EFBIG).
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def test_full_disk_answers_502_and_keeps_every_exchange_a_client_saw(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url], preexec_fn=_small_files)
    statuses: dict[str, int] = {}
    with httpx.Client(base_url=rec.url, timeout=15) as client:
        for i in range(60):
            rid = f"rid-{i:03d}"
            r = client.get("/json", params={"rid": rid, "api_key": KEY, "pad": "p" * 200})
            statuses[rid] = r.status_code
            if r.status_code == 502:
                assert r.headers["content-type"] == "application/problem+json"
    ok = {rid for rid, s in statuses.items() if s == 200}
    failed = {rid for rid, s in statuses.items() if s == 502}
    assert ok and failed and ok | failed == set(statuses)
    wait_for_lines(rec.out, len(ok))
    assert rec.stop() == 1  # the exit status says something was not recorded
    recorded = {httpx.URL(e.request.url).params.get("rid") for e in read_recordings(rec.out)}
    assert recorded == ok
    log = "".join(rec.lines)
    assert "could not record GET" in log
    assert KEY not in log


def test_an_endless_stream_is_kept_up_to_the_limit(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url, "--max-body-mb", "1"])
    received = 0
    with (
        httpx.Client(base_url=rec.url, timeout=15) as client,
        client.stream("GET", "/endless", params={"kb": "64"}) as r,
    ):
        for chunk in r.iter_raw():
            received += len(chunk)
            if received > 3 * 1024 * 1024:
                break
    # The client went away mid-stream: nothing is written for it, and the recorder
    # still records what comes next.
    with httpx.Client(base_url=rec.url, timeout=15) as client:
        assert client.get("/stream", params={"n": "3"}).status_code == 200
    wait_for_lines(rec.out, 1)
    rec.stop()
    entries = list(read_recordings(rec.out))
    assert [e.request.url.rsplit("/", 1)[-1].split("?")[0] for e in entries] == ["stream"]


def test_a_long_stream_is_cut_in_the_recording_not_for_the_client(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url, "--max-body-mb", "1"])
    with httpx.Client(base_url=rec.url, timeout=30) as client:
        r = client.get("/stream", params={"n": "40", "kb": "80"})
        assert r.status_code == 200
        full = len(r.content)
    wait_for_lines(rec.out, 1)
    rec.stop()
    (entry,) = read_recordings(rec.out)
    extra = entry.model_extra or {}
    assert full > 1024 * 1024
    assert extra["_bodyTruncated"] == {"size": full, "kept": 1024 * 1024}
    assert len(entry.response.content.body_bytes()) == 1024 * 1024
