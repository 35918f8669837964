"""A real client -> the real recorder -> a real upstream; then the recordings, re-read."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from stubforge.model.recording import RecordingEntry, read_recordings

from .conftest import RecorderFactory, wait_for_lines
from .upstream import Upstream, binary_payload, self_signed_cert

TIMEOUT = httpx.Timeout(15.0)


def entries(out: Path, n: int) -> list[RecordingEntry]:
    wait_for_lines(out, n)
    got = list(read_recordings(out))
    assert len(got) == n, [e.request.url for e in got]
    return got


def by_path(got: list[RecordingEntry]) -> dict[str, RecordingEntry]:
    return {httpx.URL(e.request.url).path: e for e in got}


def test_reverse_mode_records_every_kind_of_body(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url])
    with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
        assert client.get("/json").json() == {"id": "cus_1", "object": "customer"}
        posted = client.post(
            "/echo",
            content=b"\x00\xffbinary-request",
            headers={"Content-Type": "application/octet-stream"},
        )
        assert posted.status_code == 200
        assert client.get("/binary").content == binary_payload(4096)
        gz = client.get("/gzip")
        assert gz.json()["compressed"] is True  # httpx decoded what the proxy passed through
        with client.stream("GET", "/stream", params={"n": 5}) as streamed:
            body = b"".join(streamed.iter_raw())
        assert body == b"".join(f"chunk {i}\n".encode() for i in range(5))
        large = client.get("/large", params={"mb": 3})
        assert len(large.content) == 3 * 1024 * 1024

    got = by_path(entries(rec.out, 6))
    j = got["/json"]
    assert j.schema_version == 1 and j.id
    assert j.response.status == 200
    assert json.loads(j.response.content.text or "") == {"id": "cus_1", "object": "customer"}
    assert j.timings.wait >= 0 and j.time >= j.timings.wait
    assert j.startedDateTime.endswith("+00:00")

    echo = got["/echo"]
    assert echo.request.postData is not None
    assert echo.request.postData.encoding == "base64"
    assert echo.request.postData.body_bytes() == b"\x00\xffbinary-request"

    b = got["/binary"].response.content
    assert b.encoding == "base64" and b.body_bytes() == binary_payload(4096)

    g = got["/gzip"].response
    assert g.content.content_encoding == "gzip"
    assert g.header("content-encoding") is None
    assert json.loads(g.content.body_bytes())["items"] == list(range(50))
    assert g.header("content-length") == str(len(g.content.body_bytes()))

    s = got["/stream"]
    assert s.chunks is not None and len(s.chunks) >= 5
    offsets = [o for o, _ in s.chunks]
    assert offsets == sorted(offsets) and offsets[-1] - offsets[0] >= 150  # 4 x 50 ms apart
    assert sum(n for _, n in s.chunks) >= 40
    assert s.response.content.text == "".join(f"chunk {i}\n" for i in range(5))
    assert s.timings.receive >= 150

    big = got["/large"].response.content
    assert big.size == 3 * 1024 * 1024 and len(big.body_bytes()) == big.size


def test_upstream_faults_are_recorded(upstream: Upstream, start_recorder: RecorderFactory) -> None:
    rec = start_recorder(["--upstream", upstream.url])
    with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
        assert client.get("/reset").status_code == 502
        assert client.get("/empty").status_code == 502
    got = by_path(entries(rec.out, 2))
    for path in ("/reset", "/empty"):
        e = got[path]
        assert e.response.status == 0
        assert e.fault == "empty_reply" and e.error
        assert e.failed


def test_upstream_down_is_recorded_as_refused(start_recorder: RecorderFactory) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # bound but not listening: connections are refused
        rec = start_recorder(["--upstream", f"http://127.0.0.1:{dead}"])
        with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
            assert client.get("/anything").status_code == 502
        (e,) = entries(rec.out, 1)
    assert e.fault == "connection_refused"
    assert e.response.status == 0
    assert e.request.url.endswith("/anything")


@pytest.fixture
def tls_upstream(tmp_path: Path) -> tuple[Upstream, Path]:
    cert, key = self_signed_cert(tmp_path)
    return Upstream(tls_cert=(cert, key)), cert


def test_https_upstream_with_ca_bundle(
    tls_upstream: tuple[Upstream, Path], start_recorder: RecorderFactory
) -> None:
    up, cert = tls_upstream
    with up:
        rec = start_recorder(["--upstream", up.url, "--upstream-ca", str(cert)])
        with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
            assert client.get("/json").status_code == 200
        (e,) = entries(rec.out, 1)
    assert e.request.url.startswith("https://localhost:")
    assert e.timings.ssl >= 0


def test_https_upstream_insecure_and_untrusted(
    tls_upstream: tuple[Upstream, Path], start_recorder: RecorderFactory, tmp_path: Path
) -> None:
    up, _ = tls_upstream
    with up:
        rec = start_recorder(["--upstream", up.url, "--insecure-upstream"], tmp_path / "insecure")
        with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
            assert client.get("/json").status_code == 200
        assert entries(rec.out, 1)[0].response.status == 200

        strict = start_recorder(["--upstream", up.url], tmp_path / "strict")
        with httpx.Client(base_url=strict.url, timeout=TIMEOUT) as client:
            assert client.get("/json").status_code == 502
        (e,) = entries(strict.out, 1)
    assert e.fault == "tls_error"
    assert e.error and "certificate" in e.error.lower()


def test_forward_mode_with_ca_records_only_chosen_hosts(
    tls_upstream: tuple[Upstream, Path],
    upstream: Upstream,
    start_recorder: RecorderFactory,
    tmp_path: Path,
) -> None:
    up, _ = tls_upstream
    confdir = tmp_path / "mitmproxy"
    with up:
        rec = start_recorder(
            [
                "--mode",
                "forward",
                "--only",
                "localhost",
                "--confdir",
                str(confdir),
                "--insecure-upstream",
            ]
        )
        ca = confdir / "mitmproxy-ca-cert.pem"
        assert ca.is_file()
        proxy = ["curl", "-sS", "--max-time", "15", "--noproxy", "", "--proxy", rec.url]
        recorded = subprocess.run(
            [*proxy, "--cacert", str(ca), f"https://localhost:{up.port}/json?via=forward"],
            capture_output=True,
            check=True,
            timeout=30,
        )
        assert json.loads(recorded.stdout)["id"] == "cus_1"
        # Another host passes through untouched (plain HTTP: no CA needed) and is not recorded.
        passed = subprocess.run(
            [*proxy, f"http://127.0.0.1:{upstream.port}/json?via=passthrough"],
            capture_output=True,
            check=True,
            timeout=30,
        )
        assert json.loads(passed.stdout)["id"] == "cus_1"
        rec.stop()
    got = list(read_recordings(rec.out))
    assert [httpx.URL(e.request.url).params["via"] for e in got] == ["forward"]


def test_gzip_request_body_is_stored_decoded(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url])
    payload = json.dumps({"hello": "world"}).encode()
    with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
        r = client.post(
            "/echo",
            content=gzip.compress(payload),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert r.status_code == 200
    (e,) = entries(rec.out, 1)
    assert e.request.postData is not None
    assert e.request.postData.body_bytes() == payload
    assert e.request.header("content-encoding") is None


def test_one_line_per_exchange_with_redaction_counts(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    rec = start_recorder(["--upstream", upstream.url])
    secret = "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"
    with httpx.Client(base_url=rec.url, timeout=TIMEOUT) as client:
        client.get("/json", headers={"authorization": f"Bearer {secret}"})
    entries(rec.out, 1)
    rec.stop()
    lines = [line for line in rec.lines if " /json " in line]
    assert len(lines) == 1, rec.lines
    line = lines[0]
    assert line.startswith("stubforge record: GET /json 200 "), line
    assert "ms redacted: " in line and "=1" in line, line
    assert secret not in "".join(rec.lines)
