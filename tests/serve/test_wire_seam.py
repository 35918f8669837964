"""The uvicorn seam of the wire extension: a cycle without the expected internals
disables wire faults (one warning) instead of breaking requests."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from stubforge.serve import wire


class Cycle:
    """Stands in for uvicorn's request cycle: attributes given, weak-referenceable."""

    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)


@pytest.fixture(autouse=True)
def fresh_seam() -> Iterator[None]:
    wire._Seam.checked, wire._Seam.supported = False, True
    yield
    wire._Seam.checked, wire._Seam.supported = False, True


def test_a_cycle_with_the_internals_gets_the_wire() -> None:
    scope: dict[str, object] = {"type": "http"}
    cycle = Cycle(scope=scope, transport=None, disconnected=False, keep_alive=True)
    wire._attach(scope, cycle)
    assert isinstance(wire.wire_of(scope), wire.Wire)


def test_a_cycle_without_them_disables_wire_faults_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scope: dict[str, object] = {"type": "http"}
    odd = Cycle(scope=scope, transport=None)  # no disconnected / keep_alive
    with caplog.at_level(logging.WARNING, logger="stubforge.wire"):
        wire._attach(scope, odd)
        wire._attach(scope, odd)
    assert wire.wire_of(scope) is None
    warnings = [r for r in caplog.records if "wire faults disabled" in r.getMessage()]
    assert len(warnings) == 1
    assert "disconnected, keep_alive" in warnings[0].getMessage()
