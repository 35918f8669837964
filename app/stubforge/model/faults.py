"""Wire faults: a closed set of ways a response can break on the socket."""

from __future__ import annotations

from enum import StrEnum


class Fault(StrEnum):
    """What the server does to the connection instead of answering normally."""

    CONNECTION_RESET = "connection_reset"
    """Abort the connection with a TCP RST before any byte of the response."""
    EMPTY_RESPONSE = "empty_response"
    """Close the connection (FIN) without sending a byte."""
    TRUNCATED_BODY = "truncated_body"
    """Send the status line and headers promising a longer body than is sent, then close."""
    MALFORMED_CHUNK = "malformed_chunk"
    """Send a chunked response whose chunk-size line is not hexadecimal, then close."""
    RANDOM_DATA = "random_data"
    """Send random bytes that are not HTTP, then close."""
    TIMEOUT = "timeout"
    """Hold the connection open without answering (up to ``hold``), then close it."""
