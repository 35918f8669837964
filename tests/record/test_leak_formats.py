"""The end-to-end leak corpus: opaque secrets in every format the recorder meets, through a
real recorder, and none of them on disk in the clear.

The secrets are opaque on purpose (no ``sk_live_`` prefix, no JWT shape): only parsing
the format and naming the field can find them. Each one is used in one placement only, so
one placement cannot help another through the redactor's memory.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import brotli
import httpx

from stubforge.model.recording import read_recordings

from .conftest import RecorderFactory, wait_for_lines
from .upstream import Upstream

_n = 0
SECRETS: dict[str, str] = {}


def secret(where: str) -> str:
    """A fresh opaque secret for one placement."""
    global _n
    _n += 1
    value = f"Zq{_n:03d}xK8pW3vR7mT2yL9"
    SECRETS[where] = value
    return value


def _multipart(fields: dict[str, str], boundary: str = "b0undary42") -> tuple[bytes, str]:
    parts = []
    for name, value in fields.items():
        if name == "upload":
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
                f'filename="creds.txt"\r\nContent-Type: text/plain\r\n\r\n{value}\r\n'
            )
        else:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            )
    body = "".join(parts) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


Send = Callable[[httpx.Client], httpx.Response]


def request_placements() -> list[Send]:
    out: list[Send] = []
    mp, ctype = _multipart(
        {
            "password": secret("multipart password"),
            "api_key": secret("multipart api_key"),
            "client_secret": secret("multipart client_secret"),
            "refresh_token": secret("multipart refresh_token"),
            "upload": "aws_secret_access_key = " + secret("multipart file assignment"),
            "comment": "hello",
        }
    )
    out.append(lambda c: c.post("/echo", content=mp, headers={"Content-Type": ctype}))
    soap = (
        '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:wsse="http://docs.oasis-open.org/wss">'
        "<soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>bob</wsse:Username>"
        f"<wsse:Password>{secret('soap wsse:Password')}</wsse:Password>"
        f"</wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><Login>"
        f"<SessionToken>{secret('xml SessionToken')}</SessionToken>"
        f"<ApiKey>{secret('xml ApiKey')}</ApiKey>"
        f'<Account id="42" Password="{secret("xml attribute Password")}"/>'
        f"<ClientSecret>{secret('xml ClientSecret')}</ClientSecret>"
        f"<AuthToken>{secret('xml AuthToken')}</AuthToken>"
        f"<PrivateKey>{secret('xml PrivateKey')}</PrivateKey>"
        f"<ns2:AccessToken>{secret('xml ns2:AccessToken')}</ns2:AccessToken>"
        "</Login></soap:Body></soap:Envelope>"
    )
    out.append(lambda c: c.post("/echo", content=soap, headers={"Content-Type": "text/xml"}))
    sns = {
        "Type": "Notification",
        "Message": json.dumps(
            {"password": secret("json-in-json password"), "token": secret("json-in-json token")}
        ),
    }
    out.append(lambda c: c.post("/echo", json=sns))
    apigw = {"httpMethod": "POST", "body": json.dumps({"apiKey": secret("api gateway body")})}
    out.append(lambda c: c.post("/echo", json=apigw))
    query = {
        "key": secret("query key="),
        "sid": secret("query sid="),
        "code": secret("query oauth code="),
        "client_secret": secret("query client_secret"),
    }
    out.append(lambda c: c.get("/echo", params=query))
    headers = {
        "X-Auth": secret("header X-Auth"),
        "X-Auth-Key": secret("header X-Auth-Key"),
        "X-Custom-Auth-Token": secret("header X-Custom-Auth-Token"),
        "X-Partner-Secret": secret("header X-Partner-Secret"),
        "X-Session-Token": secret("header X-Session-Token"),
        "Cookie": f"sessionid={secret('cookie sessionid')}; theme=dark",
    }
    out.append(lambda c: c.get("/echo", headers=headers))
    nd = (
        json.dumps({"event": "login", "password": secret("ndjson request password")})
        + "\n"
        + json.dumps({"event": "refresh", "refresh_token": secret("ndjson request refresh")})
        + "\n"
    )
    out.append(
        lambda c: c.post("/echo", content=nd, headers={"Content-Type": "application/x-ndjson"})
    )
    part = json.dumps({"token": secret("multipart JSON part token")})
    mp2 = (
        '--xyz\r\nContent-Disposition: form-data; name="meta"\r\n'
        f"Content-Type: application/json\r\n\r\n{part}\r\n--xyz--\r\n"
    ).encode()
    out.append(
        lambda c: c.post(
            "/echo", content=mp2, headers={"Content-Type": 'multipart/form-data; boundary="xyz"'}
        )
    )
    more = {
        "Referer": f"https://app.partner.io/page?api_key={secret('Referer api_key')}",
        "Proxy-Authorization": f"Basic {secret('Proxy-Authorization')}",
        "Authorization": f"Token {secret('Authorization Token scheme')}",
    }
    out.append(lambda c: c.get("/echo", headers=more))
    form = {"password": secret("form password"), "refresh_token": secret("form refresh_token")}
    out.append(lambda c: c.post("/echo", data=form))
    gz = gzip.compress(json.dumps({"password": secret("gzip request body password")}).encode())
    out.append(
        lambda c: c.post(
            "/echo",
            content=gz,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
    )
    return out


def response_placements(up: Upstream) -> list[str]:
    paths = []
    loc = f"https://app.partner.io/cb?code={secret('Location code=')}&state=af0ifjsldkj"
    paths.append(up.can("location", 302, [("Location", loc)], b""))
    frag = f"https://app.partner.io/cb#access_token={secret('Location fragment token')}&x=1"
    paths.append(up.can("fragment", 302, [("Location", frag)], b""))
    link = (
        f"<https://api.partner.io/v1/items?page=2&access_token={secret('Link access_token')}>;"
        f' rel="next", <https://api.partner.io/v1/items?key={secret("Link key=")}>; rel="last"'
    )
    paths.append(up.can("link", 200, [("Link", link), ("Content-Type", "application/json")], b"[]"))
    sse = (
        f"event: token\ndata: {json.dumps({'token': secret('sse data token')})}\n\n"
        f"data: {json.dumps({'password': secret('sse data password')})}\n\n"
        f"id: 3\ndata: password={secret('sse data assignment')}\n\n"
        f"data: {json.dumps({'refresh_token': secret('sse refresh_token')})}\n\n"
    )
    paths.append(up.can("sse", 200, [("Content-Type", "text/event-stream")], sse.encode()))
    nd = "\n".join(
        json.dumps(x)
        for x in (
            {"id": 1, "api_key": secret("ndjson response api_key")},
            {"id": 2, "secret": secret("ndjson response secret")},
        )
    )
    paths.append(up.can("ndjson", 200, [("Content-Type", "application/x-ndjson")], nd.encode()))
    sts = (
        "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
        f"<AccessKeyId>ASIA{'Q' * 16}</AccessKeyId>"
        f"<SecretAccessKey>{secret('sts SecretAccessKey')}</SecretAccessKey>"
        f"<SessionToken>{secret('sts SessionToken')}</SessionToken>"
        "</Credentials></AssumeRoleResult></AssumeRoleResponse>"
    )
    paths.append(up.can("sts", 200, [("Content-Type", "text/xml")], sts.encode()))
    sns = json.dumps(
        {
            "Records": [
                {
                    "Sns": {
                        "Message": json.dumps({"client_secret": secret("sns client_secret")}),
                    }
                }
            ]
        }
    )
    paths.append(up.can("sns", 200, [("Content-Type", "application/json")], sns.encode()))
    oauth = json.dumps(
        {
            "access_token": secret("oauth access_token"),
            "refresh_token": secret("oauth refresh_token"),
            "id_token": secret("oauth id_token"),
            "token_type": "Bearer",
            "expires_in": 3600,
        }
    ).encode()
    js = [("Content-Type", "application/json")]
    paths.append(up.can("oauth", 200, js, oauth))
    paths.append(up.can("x-auth", 200, [("X-Auth-Token", secret("response X-Auth-Token"))], b""))
    paths.append(
        up.can("amz", 200, [("X-Amz-Security-Token", secret("response X-Amz-Security-Token"))], b"")
    )
    refresh = f"0; url=https://app.partner.io/x?token={secret('Refresh header token')}"
    paths.append(up.can("refresh", 200, [("Refresh", refresh)], b""))
    nxt = json.dumps({"next": f"https://api.partner.io/v1?access_token={secret('JSON URL')}"})
    paths.append(up.can("next-url", 200, js, nxt.encode()))
    paths.append(
        up.can("cookie", 200, [("Set-Cookie", f"sid={secret('Set-Cookie sid')}; Path=/")], b"")
    )

    def doc(where: str) -> bytes:
        return json.dumps({"password": secret(where)}).encode()

    codings: list[tuple[str, str, bytes]] = [
        ("gzip-gzip", "gzip, gzip", gzip.compress(gzip.compress(doc("coding gzip, gzip")))),
        ("x-gzip", "x-gzip", gzip.compress(doc("coding x-gzip"))),
        ("gzip-br", "gzip, br", brotli.compress(gzip.compress(doc("coding gzip, br")))),
        ("deflate", "deflate", zlib.compress(doc("coding deflate"))),
        ("br", "br", brotli.compress(doc("coding br"))),
        ("garbage", "gzip", b"not gzip at all: password=" + secret("undecodable gzip").encode()),
        ("compress", "compress", b"\x1f\x9d" + secret("unknown coding").encode()),
    ]
    for name, ce, data in codings:
        paths.append(up.can(name, 200, [*js, ("Content-Encoding", ce)], data))
    return paths


def variants(value: str) -> set[bytes]:
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    return {f.encode() for f in forms}


def test_no_secret_in_any_format_reaches_disk(
    upstream: Upstream, start_recorder: RecorderFactory
) -> None:
    sends = request_placements()
    paths = response_placements(upstream)
    assert len(SECRETS) >= 60, len(SECRETS)
    rec = start_recorder(["--upstream", upstream.url])
    with httpx.Client(base_url=rec.url, timeout=15, follow_redirects=False) as client:
        for send in sends:
            assert send(client).status_code == 200
        for path in paths:
            with client.stream("GET", path) as r:  # raw: some bodies are not what they say
                assert r.status_code in (200, 302)
                b"".join(r.iter_raw())
    wait_for_lines(rec.out, len(sends) + len(paths))
    rec.stop()
    blob = b"".join(f.read_bytes() for f in rec.out.rglob("*") if f.is_file())
    leaked = sorted(w for w, v in SECRETS.items() if any(f in blob for f in variants(v)))
    assert not leaked, f"{len(leaked)} of {len(SECRETS)} placements in clear: {leaked}"

    entries = list(read_recordings(rec.out))
    assert len(entries) == len(sends) + len(paths)
    by_path = {e.request.url.rsplit("/", 1)[-1]: e for e in entries}
    # Decoded codings are stored decoded; what cannot be decoded is a placeholder.
    assert by_path["gzip-br"].response.content.content_encoding == "gzip, br"
    assert "password" in (by_path["gzip-gzip"].response.content.text or "")
    for name in ("garbage", "compress"):
        content = by_path[name].response.content
        assert (content.text or "").startswith("redacted~undecodable-body~")
        extra = content.model_extra or {}
        assert extra["_undecodable"]["size"] > 0
        assert "digest" not in extra["_undecodable"]
        assert "undecodable-body" in by_path[name].redactions
