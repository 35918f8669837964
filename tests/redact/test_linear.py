"""Redaction cost grows linearly with the input: no rule backtracks over what it already
scanned, and remembering many secrets does not slow the next scan down.

Each case would take seconds to minutes with a quadratic pattern; the timeout is the
test (timing figures belong to ``bench/redaction.py``)."""

from __future__ import annotations

import pytest

from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import build_ruleset

N = 64 * 1024

ADVERSARIAL = {
    "email-local-part": "a." * (N // 2) + "@",
    "email-domain": "x@" + "a." * (N // 2),
    "email-many-at": "a@" * (N // 2),
    "private-key-begins": "-----BEGIN PRIVATE KEY-----\n" * (N // 28),
    "private-key-unclosed": "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * N,
    "jwt-no-dots": "eyJ-" * (N // 4),
    "jwt-two-parts": ("eyJ" + "a" * 10 + ".") * (N // 14),
    "url-scheme": "a." * (N // 2) + "://",
    "url-credentials": "https://" + "u" * N + ":" + "p" * 10,
    "bearer-spaces": "bearer" + " " * N,
    "assignment-spaces": "password" + " " * N + "=",
    "aws-context": "aws secret key " * (N // 15),
    "card-digits": "4 " * (N // 2),
    "digits": "4" * N,
    "sendgrid": "SG." + "a" * N,
    "azure-sig": "&sig=" * (N // 5),
    "basic": "basic " * (N // 6),
    "mixed-punctuation": "=:-_./+~@%&?" * (N // 12),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_adversarial_input_scans_in_linear_time(case: str) -> None:
    r = Redactor(build_ruleset(pii=True), b"k")
    text = ADVERSARIAL[case]
    for _ in range(3):
        r.scan(text, set())


@pytest.mark.timeout(20)
def test_remembered_secrets_do_not_slow_scanning_down() -> None:
    r = Redactor(build_ruleset(), b"k")
    page = ("customer cus_%06d has balance 1200; " * 40).strip()
    for i in range(3000):
        fired: set[str] = set()
        r.field("api_key", f"opaque-api-key-{i:08d}", fired)
        assert r.scan(f"echo opaque-api-key-{i:08d} {page}", fired).startswith("echo redacted~")
