"""Fault plans: the bytes (if any) each wire fault writes before the connection ends.

The closed set of faults is :class:`stubforge.model.faults.Fault`; this module turns one into a
:class:`FaultPlan` the responder executes on the socket.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from stubforge.model.faults import Fault

RANDOM_BYTES = 512


@dataclass(frozen=True, slots=True)
class FaultPlan:
    fault: Fault
    data: bytes = b""
    """Bytes to write before closing (or resetting)."""
    hold: float = 0.0
    """For ``timeout``: how long to keep the connection open before closing."""
    reset: bool = False
    """End with a TCP RST instead of a FIN."""


def plan_fault(
    fault: Fault, rng: random.Random, hold: float, status: int = 200, body: bytes = b""
) -> FaultPlan:
    """What to do for ``fault``; ``status``/``body`` shape the partial responses."""
    if fault is Fault.CONNECTION_RESET:
        return FaultPlan(fault, reset=True)
    if fault is Fault.EMPTY_RESPONSE:
        return FaultPlan(fault)
    if fault is Fault.TIMEOUT:
        return FaultPlan(fault, hold=hold)
    if fault is Fault.RANDOM_DATA:
        return FaultPlan(fault, rng.randbytes(RANDOM_BYTES))
    payload = body or b'{"partial":"response body that never finishes arriving"}'
    if fault is Fault.TRUNCATED_BODY:
        sent = payload[: max(1, len(payload) // 2)]
        head = (
            f"HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload) + 1024}\r\nconnection: close\r\n\r\n"
        ).encode()
        return FaultPlan(fault, head + sent)
    # MALFORMED_CHUNK: a valid first chunk, then a chunk-size line that is not hex
    head = (
        f"HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\n"
        "transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    ).encode()
    first = payload[: max(1, len(payload) // 2)]
    chunk = f"{len(first):x}\r\n".encode() + first + b"\r\n"
    return FaultPlan(fault, head + chunk + b"zz-not-hex\r\ngarbage\r\n")
