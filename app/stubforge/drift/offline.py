"""Offline drift: a fresh recording set (no network) compared with the stubs."""

from __future__ import annotations

from pathlib import Path

from stubforge.compile.pipeline import exchanges_from
from stubforge.drift.behaviour import Thresholds
from stubforge.drift.compare import compare_answers
from stubforge.drift.expected import StubIndex
from stubforge.drift.findings import DriftReport


def offline_drift(
    index: StubIndex, recordings: Path, stubs: str, limits: Thresholds
) -> DriftReport:
    """Compare every exchange of ``recordings`` (a directory or one file) with the stubs."""
    dropped: list[str] = []
    answers = list(exchanges_from(recordings, dropped))
    report = DriftReport("offline", str(recordings), stubs)
    report.notes.extend(f"skipped {d}" for d in dropped)
    return compare_answers(index, answers, limits, report=report)
