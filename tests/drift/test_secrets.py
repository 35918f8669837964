"""The secrets file: placeholders, kinds and header names re-hydrated; values never shown."""

from __future__ import annotations

import pytest

from stubforge.drift.secrets import SecretsError, parse_secrets, unresolved_kinds

TEXT = """
# comment
authorization=Bearer $TOKEN
api-key=${KEY}
redacted~jwt~0123456789ab='exact-value'
header:x-tenant=acme-corp
"""
ENV = {"TOKEN": "tok_live_abcdefgh", "KEY": "key-12345678"}


def test_names_kinds_and_placeholders() -> None:
    s = parse_secrets(TEXT, "secrets.env", ENV)
    assert s.resolve("Bearer redacted~auth-header~aaaaaaaaaaaa", "Authorization") == (
        "Bearer tok_live_abcdefgh"
    )
    assert s.resolve("k=redacted~api-key~bbbbbbbbbbbb&j=redacted~jwt~0123456789ab") == (
        "k=key-12345678&j=exact-value"
    )
    assert unresolved_kinds(s.resolve("redacted~cookie~cccccccccccc")) == {"cookie"}
    assert s.added_headers() == ["authorization", "x-tenant"]


def test_scrub_hides_values_and_bare_tokens() -> None:
    s = parse_secrets(TEXT, "secrets.env", ENV)
    text = "sent Bearer tok_live_abcdefgh, echoed tok_live_abcdefgh, key key-12345678"
    assert s.scrub(text) == "sent [secret], echoed [secret], key [secret]"


def test_errors_name_the_line_never_the_value() -> None:
    with pytest.raises(SecretsError, match=r"secrets.env:1: \$MISSING is not set"):
        parse_secrets("authorization=Bearer $MISSING", "secrets.env", {})
    with pytest.raises(SecretsError, match=r"secrets\.env:2: expected NAME=VALUE"):
        parse_secrets("a=b\nhunter2\n", "secrets.env", {})


def test_credentials_in_the_upstream_url_are_not_shown() -> None:
    from stubforge.drift.live import shown_url

    assert shown_url("https://user:hunter22@api.example/v1") == "https://***@api.example/v1"
    assert shown_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
