"""The redaction engine on its own: rules, placeholders, rules files, bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stubforge.model.recording import PLACEHOLDER_RE
from stubforge.redact.redactor import Redactor, load_key
from stubforge.redact.rules import RulesError, build_ruleset, load_ruleset, luhn_ok


def redactor(pii: bool = False, rules: Path | None = None) -> Redactor:
    return Redactor(load_ruleset(rules, pii=pii), b"unit-test-key")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Bearer abc.def-ghi_jkl", "bearer"),
        ("Basic YWxpY2U6c2VjcmV0", "basic-auth"),
        ("AKIAIOSFODNN7EXAMPLE", "aws-access-key"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
        ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "github-token"),
        ("xoxb-123456789012-abcdefghij", "slack-token"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google-api-key"),
        ("SG.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8", "sendgrid-key"),
        ("https://bob:pa55@host/x", "url-credentials"),
        ("mail jane@acme-corp.io now", "email"),
        ("card 4111-1111-1111-1111.", "card-number"),
    ],
)
def test_secret_shapes_are_found(text: str, rule: str) -> None:
    fired: set[str] = set()
    out = redactor().scan(text, fired)
    assert rule in fired
    assert out != text
    if rule not in ("email", "card-number", "jwt"):
        assert PLACEHOLDER_RE.search(out)


@pytest.mark.parametrize(
    "text",
    [
        "timestamp 1732286400000 and id 4111111111111112",  # epoch millis; Luhn fails
        "version 1.2.3, count 42, uuid 123e4567-e89b-12d3-a456-426614174000",
        "plain words without secrets",
    ],
)
def test_ordinary_values_are_left_alone(text: str) -> None:
    fired: set[str] = set()
    assert redactor().scan(text, fired) == text
    assert not fired


def test_luhn() -> None:
    assert luhn_ok("4242 4242 4242 4242")
    assert not luhn_ok("4242 4242 4242 4241")


def test_placeholders_are_stable_ascii_and_keyed() -> None:
    a, b = redactor(), redactor()
    p1 = a.placeholder("bearer", "token-value-1")
    assert p1 == b.placeholder("bearer", "token-value-1")
    assert p1.isascii() and PLACEHOLDER_RE.fullmatch(p1)
    other = Redactor(build_ruleset(), b"another-key").placeholder("bearer", "token-value-1")
    assert other != p1


def test_entry_headers_bodies_and_content_length() -> None:
    body = json.dumps({"user": {"password": "hunter2hunter2", "email": "a@bank-mail.co"}, "n": 1})
    entry = {
        "request": {
            "method": "POST",
            "url": "https://api.example/login?api_key=k-123456789&page=2",
            "headers": [
                {"name": "Authorization", "value": "Token zzzzzzzzzzzz"},
                {"name": "Content-Length", "value": str(len(body))},
                {"name": "X-Request-Id", "value": "req-1"},
            ],
            "postData": {"mimeType": "application/json", "text": body},
        },
        "response": {
            "status": 302,
            "headers": [
                {"name": "Set-Cookie", "value": "sid=cookie-value-123; Path=/; HttpOnly"},
                {"name": "Location", "value": "https://app.example/cb?token=t-987654321"},
            ],
            "content": {"size": 0, "mimeType": "text/plain", "text": "hunter2hunter2 echoed"},
            "redirectURL": "https://app.example/cb?token=t-987654321",
        },
    }
    r = redactor()
    r.entry(entry)
    req, resp = entry["request"], entry["response"]
    headers = {h["name"]: h["value"] for h in req["headers"]}
    assert headers["Authorization"].startswith("Token redacted~auth-header~")
    assert headers["X-Request-Id"] == "req-1"
    assert "k-123456789" not in req["url"] and "page=2" in req["url"]
    new_body = req["postData"]["text"]
    assert "hunter2" not in new_body and "a@bank-mail.co" not in new_body
    assert headers["Content-Length"] == str(len(new_body.encode()))
    rh = {h["name"]: h["value"] for h in resp["headers"]}
    assert rh["Set-Cookie"].startswith("sid=redacted~cookie~") and rh["Set-Cookie"].endswith(
        "; Path=/; HttpOnly"
    )
    assert "t-987654321" not in rh["Location"] and "t-987654321" not in resp["redirectURL"]
    # Seen as a password, then echoed without context: the same placeholder.
    ph = json.loads(new_body)["user"]["password"]
    assert resp["content"]["text"] == f"{ph} echoed"
    assert resp["content"]["size"] == len(resp["content"]["text"])
    assert entry["_redactions"] == sorted(entry["_redactions"])
    assert {"auth-header", "cookie", "email", "secret-key"} <= set(entry["_redactions"])


def test_binary_bodies_are_scanned_byte_for_byte() -> None:
    data = b"\x00\xff\xfe" + b"sk_live_4eC39HqLyjWDarjtT1zdp7dc" + b"\x80\x81"
    out = redactor().body(data, "application/octet-stream", set())
    assert b"sk_live_" not in out
    assert out.startswith(b"\x00\xff\xfe") and out.endswith(b"\x80\x81")


def test_form_bodies_by_key() -> None:
    out = redactor().body(
        b"grant_type=password&password=p%40ss12345&user=bob",
        "application/x-www-form-urlencoded",
        set(),
    )
    assert b"p%40ss12345" not in out and b"grant_type=password" in out and b"user=bob" in out


def test_pii_profile_is_opt_in() -> None:
    doc = json.dumps(
        {
            "name": "Jane Roe",
            "phone": "555-0100",
            "address": {"line1": "1 Main St"},
            "note": "call +44 20 7946 0958",
        }
    ).encode()
    assert redactor(pii=False).body(doc, "application/json", set()) == doc
    fired: set[str] = set()
    out = redactor(pii=True).body(doc, "application/json", fired).decode()
    for value in ("Jane Roe", "555-0100", "1 Main St", "7946"):
        assert value not in out
    assert {"pii-name", "pii-phone", "pii-address"} <= fired


def test_rules_file_adds_allows_and_disables(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\n"
        "rules:\n"
        "  - {name: acme-token, pattern: 'acme_[a-z0-9]{8}'}\n"
        "  - {name: acme-session, keys: [x-acme-session]}\n"
        "allow:\n"
        "  values: [support@provider.io]\n"
        "  keys: [x-api-key]\n"
        "disable: [card-number]\n"
    )
    r = redactor(rules=rules)
    fired: set[str] = set()
    text = "acme_abcd1234 support@provider.io other@provider.io 4111111111111111"
    out = r.scan(text, fired)
    assert "acme_abcd1234" not in out and "other@provider.io" not in out
    assert "support@provider.io" in out and "4111111111111111" in out
    assert r.field("X-Acme-Session", "opaque-session", fired).startswith("redacted~acme-session~")
    assert r.field("X-Api-Key", "not-a-secret-here", fired) == "not-a-secret-here"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("disable: [no-such-rule]\n", "disable[0]: unknown rule 'no-such-rule'"),
        ("rules:\n  - {name: bad, pattern: '('}\n", "rules[0].pattern (bad)"),
        ("rulez: []\n", "rulez"),
        ("rules:\n  - {name: empty}\n", "needs pattern, keys or contains"),
    ],
)
def test_bad_rules_files_fail_with_location(tmp_path: Path, content: str, message: str) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(content)
    with pytest.raises(RulesError) as exc:
        redactor(rules=rules)
    assert message in str(exc.value) and str(rules) in str(exc.value)


def test_key_file_is_created_once_and_kept_out_of_recordings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STUBFORGE_REDACT_KEY", raising=False)
    key_file = tmp_path / "cfg" / "redact.key"
    k1 = load_key(key_file, tmp_path / "recordings")
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_key(key_file) == k1
    with pytest.raises(ValueError, match="must not be inside"):
        load_key(tmp_path / "recordings" / "redact.key", tmp_path / "recordings")
    monkeypatch.setenv("STUBFORGE_REDACT_KEY", "from-env")
    assert load_key(key_file) == b"from-env"
