"""Bearer-token protection of the admin API (``STUBFORGE_ADMIN_TOKEN``).

With a token configured, every ``/__admin`` request needs ``Authorization: Bearer
<token>`` (compared in constant time) except:

* ``/__admin/health``, which then answers only ``{"status": ...}`` — enough for a
  container health check, nothing about the stubs;
* the API description (``/__admin/docs``, ``/__admin/openapi.json``), which holds no data.

Anything else without the right token gets a 401 problem with ``WWW-Authenticate: Bearer``.
"""

from __future__ import annotations

import hmac
import json

from stubforge.serve.asgi import ASGIApp, Receive, Scope, Send
from stubforge.serve.listen import is_loopback as is_loopback

AUTHORIZED = "stubforge.admin_authorized"
"""Scope key: whether the request carried the right token (or none is configured)."""
OPEN_PATHS = frozenset(
    {
        "/__admin/health",
        "/__admin/docs",
        "/__admin/docs/oauth2-redirect",
        "/__admin/openapi.json",
    }
)


def token_matches(header: bytes | None, token: bytes) -> bool:
    if header is None:
        return False
    scheme, _, given = header.partition(b" ")
    if scheme.lower() != b"bearer":
        return False
    return hmac.compare_digest(given.strip(), token)


class BearerAuth:
    """ASGI middleware in front of the admin app."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None:
            scope[AUTHORIZED] = True
            await self.app(scope, receive, send)
            return
        header = next((v for n, v in scope["headers"] if n == b"authorization"), None)
        ok = token_matches(header, self.token)
        scope[AUTHORIZED] = ok
        if ok or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        detail = "missing bearer token" if header is None else "wrong bearer token"
        body = json.dumps(
            {
                "type": "urn:stubforge:problem:unauthorized",
                "title": "Unauthorized",
                "status": 401,
                "detail": f"{detail}: send 'Authorization: Bearer <STUBFORGE_ADMIN_TOKEN>'",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Bearer realm="stubforge admin"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
