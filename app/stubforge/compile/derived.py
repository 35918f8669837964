"""Response headers computed from a body, not replayed: checksums, digests, ETags.

A hypothesis is a digest of the response body (or of the request body: an upload's ETag)
in one encoding: CRC32 in decimal (AWS ``x-amz-crc32``) or base64 (``x-amz-checksum-crc32``),
CRC32C in base64, MD5 in hex (``ETag``) or base64 (``Content-MD5``), SHA-1 and SHA-256 in
hex or base64 (``x-amz-checksum-sha256``, ``Digest: sha-256=...``). A header is derived
when, in *every* exchange of the route that carries it and whose body is known, its value
is the digest with the same text around it (``"..."``, ``W/"..."``, ``sha-256=:...:``).
Bodies holding a redaction placeholder are not evidence either way (the digest was of
the original). The header then becomes a template (``"{{ md5(response.body) }}"``), so an
edited or templated body still carries a correct checksum; the server renders it once at
load time when the body is fixed.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass

from stubforge.compile.exchange import Exchange
from stubforge.compile.literal import escape
from stubforge.model.digests import crc32, crc32c, md5, sha1, sha256
from stubforge.model.recording import PLACEHOLDER_RE

_MAX_VALUE = 256
_DIGESTISH = re.compile(r"\d{5,}|[0-9a-fA-F]{32,}|[A-Za-z0-9+/]{6,}={1,2}")
"""What a header value holds when a digest can be in it: a run of digits (CRC32 in
decimal; a short one only as the whole value), of hex (32+), or base64 ending in padding
(every digest here pads)."""
_SKIP = frozenset(["content-type", "date", "server", "location", "link", "set-cookie", "vary"])


@dataclass(frozen=True)
class Hypothesis:
    """One digest of one body in one encoding, and its template expression."""

    label: str
    source: str
    """``response`` or ``request``."""
    helper: str
    encoding: str

    @property
    def expr(self) -> str:
        arg = f"{self.source}.body"
        default = "int" if self.helper.startswith("crc") else "hex"
        if self.encoding == default:
            return f"{self.helper}({arg})"
        return f"{self.helper}({arg}, '{self.encoding}')"


_HELPERS: dict[str, Callable[[bytes, str], str | int]] = {
    "crc32": crc32,
    "crc32c": crc32c,
    "md5": md5,
    "sha1": sha1,
    "sha256": sha256,
}
_FORMS = (
    ("crc32", "int"),
    ("crc32", "base64"),
    ("crc32c", "base64"),
    ("md5", "hex"),
    ("md5", "base64"),
    ("sha1", "hex"),
    ("sha1", "base64"),
    ("sha256", "hex"),
    ("sha256", "base64"),
)
HYPOTHESES = tuple(
    Hypothesis(f"{helper} ({encoding}) of the {source} body", source, helper, encoding)
    for source in ("response", "request")
    for helper, encoding in _FORMS
)


@dataclass(frozen=True)
class Derived:
    """A derived header: its template and the evidence."""

    template: str
    evidence: str


def response_bytes(ex: Exchange) -> bytes | None:
    """The recorded response body, or None when redaction changed it."""
    if ex.resp_base64 is not None:
        return base64.b64decode(ex.resp_base64)
    text = ex.resp_text or ""
    if PLACEHOLDER_RE.search(text):
        return None
    return text.encode("utf-8", "surrogatepass")


def _request_bytes(ex: Exchange) -> bytes | None:
    if PLACEHOLDER_RE.search(ex.request_bytes.decode("latin-1")):
        return None
    return ex.request_bytes


class _Digests:
    """The digests of one exchange, computed when first asked for."""

    def __init__(self, ex: Exchange) -> None:
        self.bodies = {"response": response_bytes(ex), "request": _request_bytes(ex)}
        self.cache: dict[Hypothesis, str | None] = {}

    def value(self, hyp: Hypothesis) -> str | None:
        if hyp not in self.cache:
            body = self.bodies[hyp.source]
            self.cache[hyp] = (
                None if body is None else str(_HELPERS[hyp.helper](body, hyp.encoding))
            )
        return self.cache[hyp]


Affixes = tuple[str, str]
"""The text before and after the digest in a header value."""


def _affixes(value: str, digest: str) -> Affixes | None:
    at = value.find(digest)
    if at < 0:
        return None
    before, after = value[:at], value[at + len(digest) :]
    if before[-1:].isalnum() or after[:1].isalnum():
        return None  # part of a longer token: a coincidence
    return before, after


def _explain(name: str, exchanges: list[Exchange], digests: dict[int, _Digests]) -> Derived | None:
    """The first hypothesis every exchange that can check it agrees with, with one affix."""
    agreed: dict[Hypothesis, set[Affixes]] = {}
    checked: dict[Hypothesis, int] = {}
    for ex in exchanges:
        value = ex.resp_headers.get(name)
        if value is None or len(value) > _MAX_VALUE:
            continue
        if not (_DIGESTISH.search(value) or value.strip('" ').isdigit()):
            return None  # this exchange's value cannot hold a digest: not derived
        for hyp in HYPOTHESES:
            if hyp.helper == "crc32c" and "crc32c" not in name:
                continue  # computed in Python: only where the header says so
            if agreed.get(hyp) == set():
                continue  # already refuted
            digest = digests[id(ex)].value(hyp)
            if digest is None:
                continue  # this exchange cannot tell (a redacted body)
            found = _affixes(value, digest)
            here = set() if found is None else {found}
            agreed[hyp] = here if hyp not in agreed else agreed[hyp] & here
            checked[hyp] = checked.get(hyp, 0) + 1
    for hyp in HYPOTHESES:
        if agreed.get(hyp):
            before, after = next(iter(agreed[hyp]))
            template = f"{escape(before)}{{{{ {hyp.expr} }}}}{escape(after)}"
            return Derived(template, f"{name}: {hyp.label}, checked on {checked[hyp]} exchange(s)")
    return None


def derive_headers(exchanges: list[Exchange]) -> dict[str, Derived]:
    """Header name → template, for the headers every checkable exchange explains alike."""
    digests = {id(ex): _Digests(ex) for ex in exchanges}
    names = sorted({n for ex in exchanges for n in ex.resp_headers if n not in _SKIP})
    out: dict[str, Derived] = {}
    for name in names:
        derived = _explain(name, exchanges, digests)
        if derived is not None:
            out[name] = derived
    return out
