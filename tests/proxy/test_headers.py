"""Which headers cross the proxy (pure)."""

from __future__ import annotations

from stubforge.proxy.headers import client_response_headers, upstream_request_headers


def test_request_headers_drop_hop_by_hop_and_the_mocks_own() -> None:
    out = upstream_request_headers(
        [
            (b"host", b"mock:8080"),
            (b"connection", b"keep-alive, x-private"),
            (b"x-private", b"1"),
            (b"transfer-encoding", b"chunked"),
            (b"x-stubforge-session", b"s"),
            (b"x-forwarded-for", b"10.0.0.1"),
            (b"authorization", b"Bearer t"),
        ],
        upstream_host=b"api.example:443",
        client="127.0.0.1",
        scheme="https",
    )
    assert out == [
        (b"host", b"api.example:443"),
        (b"authorization", b"Bearer t"),
        (b"x-forwarded-for", b"10.0.0.1, 127.0.0.1"),
        (b"x-forwarded-host", b"mock:8080"),
        (b"x-forwarded-proto", b"https"),
    ]


def test_keep_host_forwards_the_clients_host() -> None:
    out = upstream_request_headers(
        [(b"host", b"mock:8080")], upstream_host=b"api", client=None, scheme="http", keep_host=True
    )
    assert out[0] == (b"host", b"mock:8080")
    assert (b"host", b"api") not in out


def test_response_headers_lower_case_without_hop_by_hop_or_date() -> None:
    out = client_response_headers(
        [
            (b"Content-Type", b"application/json"),
            (b"Connection", b"close, X-Hop"),
            (b"X-Hop", b"1"),
            (b"Keep-Alive", b"timeout=5"),
            (b"Transfer-Encoding", b"chunked"),
            (b"Date", b"Mon"),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
        ]
    )
    assert out == [
        (b"content-type", b"application/json"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
    ]
