"""What the wrk-based benchmark scripts share: a free port, waiting for a server, one wrk
run parsed into req/s and latency percentiles. Loopback only."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from dataclasses import dataclass

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_up(port: int, probe: bytes | None = None, timeout: float = 15.0) -> None:
    """Wait until 127.0.0.1:``port`` accepts (and, with ``probe``, answers it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if probe is None:
                    return
                s.sendall(probe)
                if s.recv(16):
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answered on port {port}")


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if m is None:
        raise SystemExit(f"cannot read wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, threads: int, connections: int, duration: int) -> WrkResult:
    """One ``wrk --latency`` run; exits when wrk fails or saw errors or non-2xx answers."""
    out = subprocess.run(
        ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", url],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if rps is None or p50 is None or p99 is None or "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit("wrk run failed or saw errors:\n" + out)
    return WrkResult(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)))
