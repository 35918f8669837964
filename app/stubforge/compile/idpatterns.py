"""How a provider assigns ids, read from the ids it returned.

Checked in order; the first kind every id fits wins, so the answer is never a guess:

* integers (JSON numbers or digit strings) → ``sequence``, continuing after the first id
  the provider created in the recording (or after the largest seen when it created none);
* UUIDs → ``uuid7`` when every one is version 7, ``uuid4`` when every one is version 4;
* 26 Crockford base-32 characters → ``ulid``;
* a common prefix ending in ``_`` or ``-`` and random tails of one length over one
  alphabet → ``prefixed`` (``cus_`` + 14 alphanumerics);
* anything else → ``opaque`` (random hex of the median length), said in the evidence.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

_UUID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
_ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9]*[_-])(.+)$")
_ALPHABETS = (
    ("digits", re.compile(r"^[0-9]+$")),
    ("hex", re.compile(r"^[0-9a-f]+$")),
    ("lower", re.compile(r"^[a-z]+$")),
    ("upper", re.compile(r"^[A-Z]+$")),
    ("lower-alnum", re.compile(r"^[0-9a-z]+$")),
    ("upper-alnum", re.compile(r"^[0-9A-Z]+$")),
    ("alnum", re.compile(r"^[0-9A-Za-z]+$")),
)


def _alphabet(tails: list[str]) -> str | None:
    for name, pattern in _ALPHABETS:
        if all(pattern.match(t) for t in tails):
            return name
    return None


def classify_ids(created: list[Any], seen: list[Any]) -> tuple[dict[str, Any], str]:
    """The ``ids`` spec and a sentence of evidence; ``created`` are ids returned by creates
    (in recording order), ``seen`` every id observed."""
    sample = list({str(v): v for v in (created or seen) if v is not None}.values())
    everything = [v for v in [*seen, *created] if v is not None]
    if not sample:
        return {"kind": "opaque"}, "ids: none observed; new ids are random hex"
    texts = [str(v) for v in sample]
    source = f"{len(created)} created" if created else f"{len(sample)} seen"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in sample) or all(
        isinstance(v, str) and v.isdigit() for v in sample
    ):
        numbers = [int(v) for v in sample]
        start = (
            min(numbers)
            if created
            else max(int(str(v)) for v in everything if str(v).isdigit()) + 1
        )
        spec: dict[str, Any] = {"kind": "sequence", "start": start}
        if isinstance(sample[0], str):
            spec["number"] = False
        return spec, f"ids: integers ({source}), a sequence from {start}"
    uuids = [_UUID.match(t.lower()) for t in texts]
    if all(uuids):
        versions = {m.group(1) for m in uuids if m}
        if versions in ({"4"}, {"7"}):
            v = versions.pop()
            return {"kind": f"uuid{v}"}, f"ids: UUID version {v} ({source})"
    if all(_ULID.match(t) for t in texts):
        return {"kind": "ulid"}, f"ids: ULIDs ({source})"
    prefixed = [_PREFIX.match(t) for t in texts]
    if all(prefixed):
        prefixes = {m.group(1) for m in prefixed if m}
        tails = [m.group(2) for m in prefixed if m]
        lengths = {len(t) for t in tails}
        alphabet = _alphabet(tails)
        if len(prefixes) == 1 and len(lengths) == 1 and alphabet is not None:
            prefix, length = prefixes.pop(), lengths.pop()
            spec = {"kind": "prefixed", "prefix": prefix, "length": length, "alphabet": alphabet}
            return spec, f"ids: {prefix!r} + {length} {alphabet} characters ({source})"
    length = int(statistics.median(len(t) for t in texts))
    alphabet = _alphabet(texts) or "hex"
    spec = {"kind": "opaque", "length": max(length, 1), "alphabet": alphabet}
    return spec, f"ids: no common pattern in {source}; new ids are random {alphabet} of {length}"
