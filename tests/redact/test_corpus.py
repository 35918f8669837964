"""Recall and precision of the default rules, measured on the corpora of ``corpus.py``
(the figures are quoted in docs/recording.md), and the shapes placeholders keep."""

from __future__ import annotations

import base64
import json
import re

import pytest

from stubforge.redact.placeholders import iban_ok
from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import build_ruleset, luhn_ok

from .corpus import NON_SECRETS, SECRETS


def redact(red: Redactor, name: str, value: str) -> str:
    fired: set[str] = set()
    place, _, field = name.rpartition(":")
    if place == "header":
        return red.header(field, value, fired)
    return red.field(field, value, fired, place or "body")


def test_recall_is_complete_on_the_secret_corpus() -> None:
    assert len(SECRETS) >= 40
    red = Redactor(build_ruleset(), b"corpus-key")
    missed = [(n, v) for n, v in SECRETS if redact(red, n, v) == v]
    assert not missed, f"recall {1 - len(missed) / len(SECRETS):.1%}: missed {missed}"


def test_false_positives_stay_under_one_percent() -> None:
    assert len(NON_SECRETS) >= 200
    red = Redactor(build_ruleset(), b"corpus-key")
    changed = [(n, v, redact(red, n, v)) for n, v in NON_SECRETS if redact(red, n, v) != v]
    assert len(changed) <= len(NON_SECRETS) // 100, changed


def _shape(name: str, value: str) -> str:
    return redact(Redactor(build_ruleset(pii=True), b"corpus-key"), name, value)


def test_an_email_stays_a_valid_address() -> None:
    out = _shape("email", "jane.doe+billing@acme-mail.io")
    assert re.fullmatch(r"u-[0-9a-f]{12}@example\.invalid", out)


@pytest.mark.parametrize("card", ["4111 1111 1111 1111", "5555555555554444", "378282246310005"])
def test_a_card_number_stays_luhn_valid_digits_of_its_brand(card: str) -> None:
    out = _shape("card", card)
    assert out != card and luhn_ok(out) and len(out) == len(card)
    assert out[:2] == card[:2] and [i for i, c in enumerate(out) if c == " "] == [
        i for i, c in enumerate(card) if c == " "
    ]
    assert _shape("card", out) == out  # a placeholder is never masked again


def test_a_jwt_stays_three_base64url_parts_with_a_decodable_header() -> None:
    token = dict(SECRETS)["id_token"]
    out = _shape("id_token", token)
    head, payload, sig = out.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    assert header["alg"] == "RS256" and header["kid"] == "stubforge-redacted"
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    assert sig and out != token and _shape("id_token", out) == out


def test_an_iban_keeps_its_country_and_a_valid_checksum() -> None:
    out = _shape("iban", "GB82WEST12345698765432")
    assert out != "GB82WEST12345698765432" and out.startswith("GB") and iban_ok(out)
    assert len(out) == len("GB82WEST12345698765432")


def test_a_uuid_stays_a_uuid_of_the_same_version() -> None:
    value = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    out = _shape("session_id", value)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", out)
    assert out != value


def test_a_phone_number_stays_a_phone_number() -> None:
    out = _shape("phone", "+44 20 7946 0958")
    assert re.fullmatch(r"\+4\d \d\d \d{4} \d{4}", out) and out != "+44 20 7946 0958"


def test_digits_stay_digits_and_equal_values_equal_placeholders() -> None:
    red = Redactor(build_ruleset(), b"corpus-key")
    a = redact(red, "account_number", "000123456789")
    assert a.isdigit() and len(a) == 12 and a != "000123456789"
    assert (
        Redactor(build_ruleset(), b"corpus-key").field("account_number", "000123456789", set()) == a
    )
    assert (
        Redactor(build_ruleset(), b"other-key").field("account_number", "000123456789", set()) != a
    )


def test_field_name_rules_check_the_value() -> None:
    red = Redactor(build_ruleset(), b"corpus-key")
    assert redact(red, "routing_number", "110000000") == "110000000"  # ABA-valid: public
    assert redact(red, "routing_number", "123456789") != "123456789"
    assert redact(red, "password", "true") == "true"
    assert redact(red, "api_key", "abc") == "abc"  # shorter than a key can be
    assert redact(red, "cvc", "123") != "123"  # but digit codes are short
    assert redact(red, "header:Access-Control-Allow-Credentials", "true") == "true"
