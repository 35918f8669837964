"""Which headers a proxy passes on (RFC 9110 section 7.6.1): pure functions over ASGI
header lists (lower-case byte names)."""

from __future__ import annotations

Headers = list[tuple[bytes, bytes]]

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
"""Headers that describe one connection, never forwarded."""

CONTROL_PREFIX = b"x-stubforge-"
"""The mock's own request headers (session, profile): the upstream never sees them."""


def _connection_tokens(headers: Headers) -> frozenset[bytes]:
    """Extra hop-by-hop names a ``Connection`` header lists (``Connection: x-trace``)."""
    names: set[bytes] = set()
    for name, value in headers:
        if name == b"connection":
            names.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return frozenset(names)


def upstream_request_headers(
    headers: Headers,
    *,
    upstream_host: bytes,
    client: str | None,
    scheme: str,
    keep_host: bool = False,
) -> Headers:
    """The request headers sent upstream: hop-by-hop and ``X-Stubforge-*`` removed,
    ``Host`` set to the upstream's (unless ``keep_host``), ``X-Forwarded-*`` added."""
    drop = HOP_BY_HOP | _connection_tokens(headers)
    out: Headers = []
    host = b""
    forwarded_for = b""
    for name, value in headers:
        if name in drop or name.startswith(CONTROL_PREFIX):
            continue
        if name == b"host":
            host = value
            if not keep_host:
                continue
        elif name == b"x-forwarded-for":
            forwarded_for = value
            continue
        out.append((name, value))
    if not keep_host:
        out.insert(0, (b"host", upstream_host))
    if client:
        chain = forwarded_for + b", " + client.encode() if forwarded_for else client.encode()
        out.append((b"x-forwarded-for", chain))
    if host:
        out.append((b"x-forwarded-host", host))
    out.append((b"x-forwarded-proto", scheme.encode()))
    return out


def client_response_headers(headers: Headers) -> Headers:
    """The upstream's response headers passed to the client, names in lower case:
    hop-by-hop removed (the server frames the body itself), and ``Date`` (the server
    sends its own)."""
    lowered = [(name.lower(), value) for name, value in headers]
    drop = HOP_BY_HOP | _connection_tokens(lowered) | {b"date"}
    return [(name, value) for name, value in lowered if name not in drop]
