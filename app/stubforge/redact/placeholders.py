"""Placeholders that keep the shape of what they replace.

A client that validates what it receives keeps working on replay: an e-mail address
stays an address, a card number stays Luhn-valid digits of the same length and brand, a
JWT stays three base64url parts whose header decodes, a UUID stays a UUID of the same
version, an IBAN keeps its country and a valid checksum, a phone number keeps its
punctuation, digits stay digits. Anything else becomes ``redacted~<rule>~<12 hex>``.

Every placeholder is derived from an HMAC of the value (``digest``), so equal values give
equal placeholders and nobody without the key can test a guess against a recording.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

from stubforge.redact.patterns import CARD_MARK, luhn_ok

JWT_KID = "stubforge-redacted"
EMAIL_DOMAIN = "example.invalid"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,24}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_CARD = re.compile(r"\d(?:[ -]?\d){12,18}")
_IBAN = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}")
_PHONE = re.compile(r"\+?\(?\d[\d ().-]{5,22}\d")
_DIGITS = re.compile(r"\d{1,64}")


def _stream(digest: bytes) -> Iterator[int]:
    """Deterministic bytes from ``digest`` (repeated if a shape needs more)."""
    while True:
        yield from digest


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_json(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None


def _digits_like(value: str, digest: bytes, keep: int = 0) -> str:
    """``value`` with each digit after the first ``keep`` replaced by a keyed digit."""
    stream = _stream(digest)
    out = []
    seen = 0
    for c in value:
        if c.isdigit():
            if seen >= keep:
                d = next(stream) % 10
                if seen == 0 and c != "0" and d == 0:
                    d = 1 + next(stream) % 9
                c = str(d)
            seen += 1
        out.append(c)
    return "".join(out)


def _card(value: str, digest: bytes) -> str:
    """Same length, separators and brand prefix (first two digits), then ``0000`` (so a
    placeholder is recognised and never masked again), keyed digits; Luhn-valid."""
    draft = _digits_like(value, digest, keep=2)
    digits = [c for c in draft if c.isdigit()]
    digits[2:6] = CARD_MARK
    for check in "0123456789":
        digits[-1] = check
        if luhn_ok("".join(digits)):
            break
    it = iter(digits)
    return "".join(next(it) if c.isdigit() else c for c in draft)


def _iban(value: str, digest: bytes) -> str:
    """Same country and layout, keyed account part, valid ISO 13616 check digits."""
    compact = value.replace(" ", "")
    stream = _stream(digest)
    bban = "".join(
        str(next(stream) % 10) if c.isdigit() else chr(65 + next(stream) % 26) for c in compact[4:]
    )
    country = compact[:2]
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    new = f"{country}{check:02d}{bban}"
    if " " not in value:
        return new
    return " ".join(new[i : i + 4] for i in range(0, len(new), 4))


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "")
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    except ValueError:
        return False


def _uuid(value: str, digest: bytes) -> str:
    """A UUID with the same version and variant (and case)."""
    hexd = list(digest.hex()[:32])
    plain = value.replace("-", "")
    hexd[12] = plain[12]
    hexd[16] = format((int(plain[16], 16) & 0xC) | (int(hexd[16], 16) & 0x3), "x")
    h = "".join(hexd)
    out = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return out.upper() if value.isupper() else out


def _jwt(value: str, digest: bytes) -> str:
    """Three base64url parts: a decodable header (same ``alg``/``typ``), a payload
    keeping only the time claims, a keyed signature."""
    head, payload, _sig = value.split(".", 2)
    old = _b64url_json(head)
    header: dict[str, object] = {"alg": "HS256", "typ": "JWT"}
    if isinstance(old, dict):
        header.update({k: old[k] for k in ("alg", "typ") if isinstance(old.get(k), str)})
    header["kid"] = JWT_KID
    claims: dict[str, object] = {"sub": f"redacted-{digest.hex()[:12]}"}
    body = _b64url_json(payload)
    if isinstance(body, dict):
        claims.update({k: body[k] for k in ("iat", "nbf", "exp") if isinstance(body.get(k), int)})
    compact = (",", ":")
    return ".".join(
        (
            _b64url(json.dumps(header, separators=compact).encode()),
            _b64url(json.dumps(claims, separators=compact).encode()),
            _b64url(digest),
        )
    )


def is_redacted_jwt(value: str) -> bool:
    """A JWT placeholder of ours (its header names our ``kid``)."""
    head = _b64url_json(value.split(".", 1)[0])
    return isinstance(head, dict) and head.get("kid") == JWT_KID


def shaped(kind: str, value: str, digest: bytes) -> str:
    """The placeholder of ``value`` found by rule ``kind``: same shape when known."""
    hex12 = digest.hex()[:12]
    if _EMAIL.fullmatch(value):
        return f"u-{hex12}@{EMAIL_DOMAIN}"
    if _JWT.fullmatch(value) and isinstance(_b64url_json(value.split(".", 1)[0]), dict):
        return _jwt(value, digest)
    if _UUID.fullmatch(value):
        return _uuid(value, digest)
    if _CARD.fullmatch(value) and luhn_ok(value):
        return _card(value, digest)
    if _IBAN.fullmatch(value) and iban_ok(value):
        return _iban(value, digest)
    if _DIGITS.fullmatch(value):
        return _digits_like(value, digest)
    if kind == "pii-phone" and _PHONE.fullmatch(value):
        return _digits_like(value, digest, keep=1 if value.startswith("+") else 0)
    return f"redacted~{kind}~{hex12}"
