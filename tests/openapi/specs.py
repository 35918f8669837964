"""The public specs under tests/data/openapi (none written by us) and how to reach them."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "openapi"


@dataclass(frozen=True)
class PublicSpec:
    file: str
    base: str
    """Where the imported stubs serve the operations (the spec's server path)."""
    auth: str | None = None
    """The header schemathesis sends (the provider's credentials, shape only)."""
    exclude_path_regex: str | None = None

    def path(self, tmp: Path) -> Path:
        source = DATA / self.file
        if source.suffix != ".gz":
            return source
        target = tmp / source.stem
        if not target.exists():
            target.write_bytes(gzip.decompress(source.read_bytes()))
        return target


OAI = [
    PublicSpec("v3.0-petstore.yaml", "/v1"),
    PublicSpec("v3.0-petstore-expanded.yaml", "/v2"),
    PublicSpec("v3.0-uspto.yaml", "/ds-api"),
    PublicSpec("v3.0-callback-example.yaml", ""),
    PublicSpec("v3.0-link-example.yaml", ""),
    PublicSpec("v3.1-webhook-example.yaml", ""),
    PublicSpec("v2.0-petstore.yaml", "/v1"),
    PublicSpec("v2.0-uber.yaml", "/v1"),
]
LARGE = [
    # Box Platform API (Apache-2.0): 296 operations, OAuth 2.0. Operations that differ only
    # by a '#fragment' in their path are one operation on the wire (the import serves the
    # first and reports the others), so schemathesis skips them.
    PublicSpec("box-openapi.json.gz", "/2.0", "Authorization: Bearer token", "#"),
    # Twilio REST API v2010 (MIT): 197 operations, HTTP basic authentication.
    PublicSpec("twilio-api-v2010.json.gz", "", "Authorization: Basic eDp5"),
]
