"""The upstream a missed request goes to, and the URL it is sent to (pure).

Where the upstream comes from, first that applies:

1. the ``upstream:`` of the service that owns the closest route (the first near miss),
   so one server can stand in front of several providers;
2. ``--upstream URL`` (the server-wide upstream);
3. the ``upstream:`` of the only service that declares one.

No upstream: the request is answered with a 502 problem saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


class UpstreamError(ValueError):
    """An upstream URL that cannot be used; the message names the value."""


@dataclass(frozen=True, slots=True)
class Upstream:
    """A validated upstream base URL: ``http(s)://host[:port][/prefix]``."""

    url: str
    scheme: str
    netloc: str
    prefix: str

    @classmethod
    def parse(cls, value: str) -> Upstream:
        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise UpstreamError(f"invalid upstream URL {value!r}: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UpstreamError(f"upstream must be http(s)://host[:port][/path], got {value!r}")
        if parts.query or parts.fragment:
            raise UpstreamError(f"upstream {value!r} must not carry a query or fragment")
        prefix = parts.path.rstrip("/")
        return cls(f"{parts.scheme}://{parts.netloc}{prefix}", parts.scheme, parts.netloc, prefix)

    @property
    def host_header(self) -> bytes:
        return self.netloc.rpartition("@")[2].encode("idna")

    def target(self, raw_path: str, query_string: bytes) -> str:
        """The upstream URL of a request for ``raw_path`` (still percent-encoded)."""
        url = f"{self.scheme}://{self.netloc}{self.prefix}{raw_path}"
        return url + "?" + query_string.decode("latin-1") if query_string else url


def choose(
    closest_service: str | None,
    services: Mapping[str, Upstream],
    default: Upstream | None,
) -> Upstream | None:
    """The upstream of one missed request (see the module docstring for the order)."""
    if closest_service is not None:
        found = services.get(closest_service)
        if found is not None:
            return found
    if default is not None:
        return default
    if len(services) == 1:
        return next(iter(services.values()))
    return None
