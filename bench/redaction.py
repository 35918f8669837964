"""Redaction cost per MiB on ordinary and adversarial text (run by hand, seconds).

Ordinary inputs are what the recorder and the journal meet every day (a JSON API
response, English prose, a form, base64 of binary data); adversarial inputs are each
built to make a backtracking pattern rescan the same characters again and again
(the e-mail rule on ``a.a.a...@``, repeated PEM headers, ``eyJ-eyJ-...``). A linear
redactor costs about the same per MiB on both. Also measured: scanning after the
redactor has remembered many secrets (a long recording session).

    PYTHONPATH=app .venv/bin/python bench/redaction.py --mib 1 --repeat 3
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import time
from collections.abc import Callable

from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import build_ruleset


def ordinary(size: int) -> dict[str, tuple[str, str]]:
    customer = {
        "id": "cus_NffrFeUfNV2Hib",
        "object": "customer",
        "created": 1680893993,
        "currency": "usd",
        "email": "jenny.rosen@example.com",
        "livemode": False,
        "metadata": {"order_id": "6735"},
        "address": {"city": "South San Francisco", "country": "US", "postal_code": "94080"},
        "invoice_settings": {"default_payment_method": None, "footer": None},
        "preferred_locales": ["en-US"],
        "tax_exempt": "none",
        "url": "https://api.partner.io/v1/customers/cus_NffrFeUfNV2Hib?expand=sources",
    }
    items, total = [], 0
    while total < size:
        items.append(customer)
        total += 420
    prose = (
        "The quick brown fox jumps over the lazy dog. Basic usage of the API is described "
        "in the guide; tokens expire after one hour and keys can be rotated at any time. "
    )
    form = "&".join(f"field{i}=value{i}&page={i}" for i in range(size // 24))
    return {
        "json-api-response": (json.dumps({"data": items}), "application/json"),
        "english-text": ((prose * (size // len(prose) + 1))[:size], "text/plain"),
        "form": (form[:size], "application/x-www-form-urlencoded"),
        "base64-binary": (
            base64.b64encode(bytes(i * 7 % 256 for i in range(size * 3 // 4))).decode(),
            "text/plain",
        ),
    }


def adversarial(size: int) -> dict[str, tuple[str, str]]:
    def rep(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "email-local-part": (rep("a.") + "@", "text/plain"),
        "email-domain": ("x@" + rep("a."), "text/plain"),
        "private-key-headers": (rep("-----BEGIN PRIVATE KEY-----\n"), "text/plain"),
        "jwt-no-dots": (rep("eyJ-"), "text/plain"),
        "url-scheme": (rep("a.") + "://", "text/plain"),
        "assignment-spaces": ("password" + " " * size + "=", "text/plain"),
        "aws-context": (rep("aws secret key "), "text/plain"),
        "card-digits": (rep("4 "), "text/plain"),
        "xml-unclosed": (rep("<Password>aaaa"), "text/xml"),
        "json-deep-strings": (json.dumps([rep('{\\"a\\":')[: size // 2]]), "application/json"),
    }


def measure(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mib", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--remember", type=int, default=20_000, help="secrets remembered first")
    args = ap.parse_args()
    size = int(args.mib * 1024 * 1024)
    rules = build_ruleset(pii=True)
    print(f"{'input':<22} {'kind':<12} {'ms/MiB':>8}")
    for kind, cases in (("ordinary", ordinary(size)), ("adversarial", adversarial(size))):
        for name, (text, mime) in cases.items():
            data = text.encode()

            def run(data: bytes = data, mime: str = mime) -> object:
                return Redactor(rules, b"bench").body(data, mime, set())

            secs = measure(run, args.repeat)
            print(f"{name:<22} {kind:<12} {secs * 1000 / (len(data) / 2**20):>8.1f}")
    red = Redactor(rules, b"bench")
    for i in range(args.remember):
        red.field("api_key", f"opaque-api-key-{i:08d}", set())
    text, mime = ordinary(size)["json-api-response"]
    data = text.encode()
    secs = measure(lambda: red.body(data, mime, set()), args.repeat)
    label = f"json, {args.remember} known"
    print(f"{label:<22} {'ordinary':<12} {secs * 1000 / (len(data) / 2**20):>8.1f}")


if __name__ == "__main__":
    main()
