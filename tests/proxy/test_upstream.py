"""Upstream URLs and which upstream a miss goes to (pure)."""

from __future__ import annotations

import pytest

from stubforge.proxy.upstream import Upstream, UpstreamError, choose


def test_parse_and_target() -> None:
    up = Upstream.parse("https://user@api.example:8443/base/")
    assert up.url == "https://user@api.example:8443/base"
    assert up.host_header == b"api.example:8443"
    assert up.target("/v1/a%20b", b"x=1") == "https://user@api.example:8443/base/v1/a%20b?x=1"
    assert up.target("/", b"") == "https://user@api.example:8443/base/"


@pytest.mark.parametrize(
    "bad", ["ftp://x", "api.example", "http://", "http://h:99999", "http://h/?q"]
)
def test_bad_upstreams_are_refused(bad: str) -> None:
    with pytest.raises(UpstreamError):
        Upstream.parse(bad)


def test_choose_prefers_the_closest_routes_service() -> None:
    a, b, d = (Upstream.parse(f"http://{n}") for n in ("a", "b", "default"))
    services = {"a": a, "b": b}
    assert choose("b", services, d) is b
    assert choose("c", services, d) is d  # a service without upstream: the default
    assert choose(None, services, None) is None  # two candidates, no way to tell
    assert choose(None, {"a": a}, None) is a  # the only one
