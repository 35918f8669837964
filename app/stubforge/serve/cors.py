"""CORS for browser clients: which origins a service allows (its ``defaults.cors``, else
``--cors``), the preflight answer and the ``Access-Control-*`` headers of a response.

Pure: the replay path asks for headers and answers; nothing here sends. A stubbed
``OPTIONS`` route always wins over the preflight answer (preflights are answered only for
requests no route matched).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stubforge.model.cors import Cors
from stubforge.serve.prepared import Headers, Prepared
from stubforge.serve.stubset import StubSet

ORIGIN = b"origin"
REQUEST_METHOD = b"access-control-request-method"
REQUEST_HEADERS = b"access-control-request-headers"


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """One service's (or the server's) CORS settings, ready to answer with."""

    origins: frozenset[bytes]
    any_origin: bool
    credentials: bool
    headers: bytes | None
    """Allowed request headers (``None``: those the preflight asks for)."""
    expose: bytes
    max_age: bytes

    @classmethod
    def of(cls, spec: Cors) -> CorsPolicy:
        return cls(
            frozenset(o.encode() for o in spec.origins if o != "*"),
            "*" in spec.origins,
            spec.credentials,
            ", ".join(spec.headers).encode() if spec.headers is not None else None,
            ", ".join(spec.expose_headers).encode(),
            str(spec.max_age).encode(),
        )

    def allows(self, origin: bytes) -> bool:
        return self.any_origin or origin.lower() in self.origins

    def _origin_headers(self, origin: bytes) -> Headers:
        if self.any_origin and not self.credentials:
            out: Headers = [(b"access-control-allow-origin", b"*")]
        else:
            out = [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
        if self.credentials:
            out.append((b"access-control-allow-credentials", b"true"))
        return out

    def response_headers(self, origin: bytes) -> Headers:
        """Headers added to an actual (non-preflight) response for ``origin``."""
        out = self._origin_headers(origin)
        if self.expose:
            out.append((b"access-control-expose-headers", self.expose))
        return out

    def preflight(self, origin: bytes, methods: Iterable[str], asked_headers: bytes) -> Prepared:
        """The 204 answer to a preflight whose path offers ``methods``."""
        out = self._origin_headers(origin)
        allowed = ", ".join(methods).encode()
        if allowed:
            out.append((b"access-control-allow-methods", allowed))
        headers = self.headers if self.headers is not None else asked_headers
        if headers:
            out.append((b"access-control-allow-headers", headers))
        out.append((b"access-control-max-age", self.max_age))
        return Prepared(204, out, b"")


@dataclass(frozen=True, slots=True)
class CorsTable:
    """Per-service policies of one stub set, plus the server-wide one (``--cors``)."""

    services: dict[str, CorsPolicy]
    default: CorsPolicy | None

    @property
    def enabled(self) -> bool:
        return bool(self.services) or self.default is not None

    def policy(self, service: str | None) -> CorsPolicy | None:
        if service is not None:
            found = self.services.get(service)
            if found is not None:
                return found
        return self.default


def server_policy(origins: tuple[str, ...], credentials: bool) -> CorsPolicy | None:
    """The ``--cors ORIGINS`` policy (``None`` without the option)."""
    if not origins:
        return None
    return CorsPolicy.of(Cors(origins=list(origins), credentials=credentials))


def cors_table(stubs: StubSet, default: CorsPolicy | None) -> CorsTable:
    services: dict[str, CorsPolicy] = {}
    for loaded in stubs.files:
        spec = loaded.model.defaults.cors
        if spec is not None:
            services.setdefault(loaded.service, CorsPolicy.of(spec))
    return CorsTable(services, default)


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def preflight_methods(allowed: tuple[str, ...], asked: str, proxying: bool) -> list[str]:
    """The methods a preflight allows: the stubbed routes' methods for the path (any method
    when a route takes ``ANY``, the asked one when misses go to an upstream)."""
    methods = [m for m in allowed if m != "ANY"]
    if "ANY" in allowed or (proxying and asked not in methods):
        methods.append(asked)
    return methods
