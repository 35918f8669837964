"""Cross-origin access for browser clients (``defaults.cors`` of a stub file)::

defaults:
  cors:
    origins: [https://app.example.com]
    credentials: true
"""

from __future__ import annotations

from pydantic import Field, field_validator

from stubforge.model.base import Model


class Cors(Model):
    """Which web origins may call the service from a browser, and how."""

    origins: list[str] = Field(min_length=1)
    """Allowed origins (``https://app.example.com``), or ``["*"]`` for any origin."""
    credentials: bool = False
    """Allow cookies and ``Authorization`` (``Access-Control-Allow-Credentials: true``);
    the request's origin is then echoed, never ``*``."""
    headers: list[str] | None = None
    """Request headers a preflight may allow (default: those the browser asks for)."""
    expose_headers: list[str] = Field(default_factory=list)
    """Response headers scripts may read besides the safelisted ones."""
    max_age: int = Field(default=600, ge=0)
    """Seconds a browser may cache a preflight answer."""

    @field_validator("origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and (
                "://" not in origin or origin.endswith("/") or origin.count("/") > 2
            ):
                raise ValueError(
                    f"origin {origin!r} must be scheme://host[:port] without a path, or '*'"
                )
        return [o.lower() for o in value]
