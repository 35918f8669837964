"""Fixtures: the test upstream on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.proxy.upstream import ProxyUpstream


@pytest.fixture
def upstream() -> Iterator[ProxyUpstream]:
    with ProxyUpstream() as up:
        yield up
