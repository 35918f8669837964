"""No secret reaches disk: 30+ kinds, in headers, query, bodies, echoes and redirects."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import httpx

from stubforge.model.recording import PLACEHOLDER_RE, read_recordings

from .conftest import RecorderFactory, wait_for_lines
from .upstream import Upstream

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)

# kind -> a fake value shaped like the real thing
SECRETS: dict[str, str] = {
    "bearer-opaque": "opaqueTok3nValue98765",
    "basic-password": base64.b64encode(b"alice:s3cretPassw0rd!").decode(),
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "aws-access-key": "AKIAIOSFODNN7EXAMPLE",
    "aws-secret-key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "gcp-oauth": "ya29.a0AfH6SMBx3kZ1pQ9rT7vW2yU4iO6pA8sD0fG",
    "google-api-key": "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "azure-storage": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG9mcmVkcGx1Z2g0NTY3"
    "ODkwYWJjZGVmZ2hpams=",
    "azure-client-secret": "Abc8Q~zYxWvUtSrQpOnMlKjIhGfEdCbA1234567",
    "stripe-secret": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "stripe-publishable": "pk_live_TYooMQauvdEDq54NiTphI7jx",
    "stripe-restricted": "rk_live_51H8kLmNoPqRsTuVwXyZ0123",
    "stripe-webhook": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "github-classic": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "github-oauth": "gho_16C7e42F292c6912E7710c838347Ae178B4b",
    "github-fine": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789"
    "ABCDEFGHIJKL",
    "gitlab": "glpat-xXyYzZ0123456789abcd",
    "slack-bot": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack-user": "xoxp-123456789012-1234567890123-1234567890123-0123456789abcdef",
    "slack-webhook": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "twilio": "SK0123456789abcdef0123456789abcdef",
    "sendgrid": "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",
    "mailgun": "key-0123456789abcdef0123456789abcdef",
    "npm": "npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "openai": "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "shopify": "shpat_0123456789abcdef0123456789abcdef",
    "square": "sq0atp-AbCdEfGhIjKlMnOpQrStUv",
    "digitalocean": "dop_v1_" + "a1" * 32,
    "vault": "hvs.CAESIJlWh0Wl2bGVzdA12345678abcdef",
    "telegram": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
    "url-password": "Tr0ub4dor&3horse",
    "email": "jane.doe+test@acme-mail.io",
    "visa": "4111 1111 1111 1111",
    "amex": "378282246310005",
    "json-password": "correct-horse-battery-staple",
    "cookie-session": "sess_9f8e7d6c5b4a3f2e1d0c",
    "api-key-header": "partnerkey-0a1b2c3d4e5f6a7b",
    "client-secret-form": "cs_form_value_99887766",
    "private-key-body": "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
}
assert len(SECRETS) >= 30

# Opaque values have no shape: they are found by the name of the field that carries
# them (here, the query parameter), everything else under a neutral name ``q``.
CONTEXT = {
    "bearer-opaque": "access_token",
    "basic-password": "authorization",
    "aws-secret-key": "aws_secret_access_key",
    "azure-storage": "AccountKey",
    "url-password": "password",
    "json-password": "password",
    "cookie-session": "session_id",
    "api-key-header": "api_key",
    "client-secret-form": "client_secret",
}


def variants(secret: str) -> set[bytes]:
    """Every spelling of ``secret`` that could appear in a file."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    return {f.encode("utf-8") for f in forms}


def test_no_secret_reaches_disk(upstream: Upstream, start_recorder: RecorderFactory) -> None:
    rec = start_recorder(["--upstream", upstream.url])
    with httpx.Client(base_url=rec.url, timeout=15) as client:
        n_requests = send_corpus(client)
    wait_for_lines(rec.out, n_requests)
    rec.stop()
    assert_nothing_leaked(rec.out, n_requests)


def send_corpus(client: httpx.Client) -> int:
    """Send every secret in its usual places through ``client`` (a recording proxy in
    front of the test upstream); return how many requests were sent."""
    s = SECRETS
    everything = {k: v for k, v in s.items() if k != "private-key-body"}
    # 1. Headers, each secret in its usual place.
    for auth in (
        f"Bearer {s['bearer-opaque']}",
        f"Basic {s['basic-password']}",
        f"Bearer {s['jwt']}",
    ):
        assert client.get("/echo", headers={"Authorization": auth}).status_code == 200
    headers = {
        "X-Api-Key": s["api-key-header"],
        "Cookie": f"session={s['cookie-session']}; theme=dark",
        "X-Set-Cookie": f"sid={s['cookie-session']}; Path=/; HttpOnly",
        "X-Custom-Trace": f"{s['stripe-secret']} {s['github-classic']}",
        "X-Aws": f"{s['aws-access-key']}",
        "Stripe-Signature": "t=1,v1=" + "ab" * 32,
    }
    assert client.get("/echo", headers=headers).status_code == 200
    # 2. Query strings (httpx percent-encodes; the upstream echoes the raw query).
    for kind, value in everything.items():
        r = client.get("/echo", params={CONTEXT.get(kind, "q"): value, "kind": kind})
        assert r.status_code == 200
    query = {
        "api_key": s["api-key-header"],
        "password": s["json-password"],
        "key": s["google-api-key"],
    }
    assert client.get("/echo", params=query).status_code == 200
    # 3. Request bodies: JSON (by key and by shape), form, plain text.
    doc = {
        "password": s["json-password"],
        "card": {"number": s["visa"], "amex": int(s["amex"])},
        "private_key": PEM,
        "credentials": {
            "aws_secret_access_key": s["aws-secret-key"],
            "aws_access_key_id": s["aws-access-key"],
        },
        "notes": [
            f"contact {s['email']}",
            f"storage DefaultEndpointsProtocol=https;AccountKey={s['azure-storage']};",
        ],
        "all": list(everything.values()),
    }
    assert client.post("/echo", json=doc).status_code == 200
    form = {
        "client_secret": s["client-secret-form"],
        "password": s["json-password"],
        "grant_type": "client_credentials",
    }
    assert client.post("/echo", data=form).status_code == 200
    text = (
        "\n".join(f"{k}: {v}" for k, v in everything.items())
        + f"\naws_secret_access_key = {s['aws-secret-key']}\n{PEM}\n"
    )
    assert (
        client.post(
            "/echo", content=text.encode(), headers={"Content-Type": "text/plain"}
        ).status_code
        == 200
    )
    # 4. Redirects carrying secrets in the Location header.
    loc = f"https://user:{s['url-password']}@partner.example/cb?" + urlencode(
        {"access_token": s["jwt"], "email": s["email"], "sig": s["twilio"]}
    )
    r = client.get("/redirect", params={"to": loc})
    assert r.status_code == 302 and r.headers["location"] == loc
    return 3 + 1 + len(everything) + 1 + 3 + 1


def assert_nothing_leaked(out: Path, n_requests: int) -> None:
    """No spelling of any secret in the files under ``out``; ``n_requests`` entries, each
    with its redactions listed; equal secrets share one placeholder."""
    s = SECRETS
    files = [f for f in out.rglob("*") if f.is_file()]
    assert files
    blob = b"".join(f.read_bytes() for f in files)
    leaked = {kind for kind, value in SECRETS.items() for form in variants(value) if form in blob}
    assert not leaked, f"secrets on disk: {sorted(leaked)}"
    assert b"PRIVATE KEY-----" not in blob.replace(b"redacted~private-key~", b"")

    entries = list(read_recordings(out))
    assert len(entries) == n_requests
    assert all(e.redactions for e in entries)
    fired = set().union(*(e.redactions for e in entries))
    assert {"jwt", "stripe-key", "private-key", "card-number", "email", "url-credentials"} <= fired

    # Equal secrets -> one placeholder, wherever they appeared.
    text_all = blob.decode("utf-8")
    for value in (s["stripe-secret"], s["json-password"], s["api-key-header"]):
        phs = _placeholders_of(value, text_all)
        assert len(phs) == 1, (value, phs)
    # A JWT keeps its shape: one placeholder token, three base64url parts.
    jwt_ph = _shaped_placeholder("jwt", s["jwt"])
    assert jwt_ph.count(".") == 2 and text_all.count(jwt_ph) >= 2


def _shaped_placeholder(kind: str, value: str) -> str:
    import hashlib
    import hmac

    from stubforge.redact.placeholders import shaped

    from .conftest import REDACT_KEY

    return shaped(
        kind, value, hmac.new(REDACT_KEY.encode(), value.encode(), hashlib.sha256).digest()
    )


def _placeholders_of(value: str, text: str) -> set[str]:
    import hashlib
    import hmac

    from .conftest import REDACT_KEY

    digest = hmac.new(REDACT_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:12]
    found = {m.group(0) for m in PLACEHOLDER_RE.finditer(text) if m.group(0).endswith(digest)}
    count = len(re.findall(re.escape(digest), text))
    assert count >= 2, (value, count)
    return found
