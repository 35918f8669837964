"""Bearer-token protection of the admin API (``STUBFORGE_ADMIN_TOKEN``).

With a token configured, every ``/__admin`` request needs ``Authorization: Bearer
<token>`` (compared in constant time) except:

* ``/__admin/health``, which then answers only ``{"status": ...}`` — enough for a
  container health check, nothing about the stubs;
* the API description (``/__admin/docs``, ``/__admin/openapi.json``) and the web UI's
  page and assets (``/__admin/ui/...``), which hold no data: the page asks for the token
  and sends it with every API call it makes.

Anything else without the right token gets a 401 problem with ``WWW-Authenticate: Bearer``.

Without a token (loopback only, or ``--insecure-admin``) a web page the user visits must
not drive the admin API through the browser. So, when no token is set:

* a state-changing request (any method but GET, HEAD, OPTIONS) sent by a browser from
  another origin -- ``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an
  ``Origin`` whose host is not the server's -- gets a 403 problem (a ``text/plain`` form
  POST needs no CORS preflight, but browsers always send ``Origin`` with it);
* on loopback, a request whose ``Host`` is not a loopback name or address gets a 403
  problem: a DNS-rebinding page reaches 127.0.0.1 under its own host name.

Clients that are not browsers (curl, the SDKs, the pytest plugin) send neither header
and a loopback ``Host``: they are unaffected.
"""

from __future__ import annotations

import hmac
import json
from urllib.parse import urlsplit

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


UI_PREFIX = "/__admin/ui/"


def token_matches(header: bytes | None, token: bytes) -> bool:
    if header is None:
        return False
    scheme, _, given = header.partition(b" ")
    if scheme.lower() != b"bearer":
        return False
    return hmac.compare_digest(given.strip(), token)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SAME_SITE = frozenset({b"same-origin", b"none"})


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((v for n, v in scope["headers"] if n == name), None)


def _host_name(authority: str) -> str:
    """``host`` of ``host:port`` / ``[v6]:port``, lower-case."""
    return (urlsplit("//" + authority).hostname or "").lower()


def browser_refusal(scope: Scope, loopback: bool) -> str | None:
    """Why a request to a token-less admin API looks driven by another site, or ``None``."""
    host = _header(scope, b"host")
    host_name = _host_name(host.decode("latin-1")) if host is not None else ""
    if loopback and host is not None and not is_loopback(host_name):
        return f"Host {host.decode('latin-1')!r} is not this server (DNS rebinding?)"
    if scope["method"] in SAFE_METHODS:
        return None
    site = _header(scope, b"sec-fetch-site")
    if site is not None and site.lower() not in _SAME_SITE:
        return f"cross-site request (Sec-Fetch-Site: {site.decode('latin-1')})"
    origin = _header(scope, b"origin")
    if origin is not None:
        origin_host = _host_name(origin.decode("latin-1").partition("://")[2])
        if origin_host != host_name or not origin_host:
            return f"cross-origin request (Origin: {origin.decode('latin-1')})"
    return None


class BearerAuth:
    """ASGI middleware in front of the admin app."""

    def __init__(self, app: ASGIApp, token: str | None, loopback: bool = True) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.loopback = loopback
        """Whether the server listens on loopback only (then ``Host`` must be loopback)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.token is None:
            refusal = browser_refusal(scope, self.loopback)
            if refusal is not None:
                await _problem(
                    send,
                    403,
                    "Forbidden",
                    refusal + "; set STUBFORGE_ADMIN_TOKEN to use the admin API from a browser",
                    "forbidden",
                )
                return
            scope[AUTHORIZED] = True
            await self.app(scope, receive, send)
            return
        header = next((v for n, v in scope["headers"] if n == b"authorization"), None)
        ok = token_matches(header, self.token)
        scope[AUTHORIZED] = ok
        path = scope["path"]
        if ok or path in OPEN_PATHS or path.startswith(UI_PREFIX) or path == UI_PREFIX[:-1]:
            await self.app(scope, receive, send)
            return
        detail = "missing bearer token" if header is None else "wrong bearer token"
        await _problem(
            send,
            401,
            "Unauthorized",
            f"{detail}: send 'Authorization: Bearer <STUBFORGE_ADMIN_TOKEN>'",
            "unauthorized",
            [(b"www-authenticate", b'Bearer realm="stubforge admin"')],
        )


async def _problem(
    send: Send,
    status: int,
    title: str,
    detail: str,
    kind: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps(
        {
            "type": f"urn:stubforge:problem:{kind}",
            "title": title,
            "status": status,
            "detail": detail,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
