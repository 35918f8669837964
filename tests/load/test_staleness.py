"""``stubforge check --max-age``: routes recorded longer ago than allowed warn, or fail with
``--strict``; hand-written routes (no ``recorded`` window) are never stale."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.load.loader import load_directory
from stubforge.load.staleness import parse_age, stale_routes

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _stamp(days_ago: float, now: dt.datetime) -> str:
    return f"{now - dt.timedelta(days=days_ago):%Y-%m-%dT%H:%M:%SZ}"


def _stubs(tmp_path: Path, now: dt.datetime = NOW) -> Path:
    (tmp_path / "svc.yaml").write_text(
        textwrap.dedent(
            """\
            version: 1
            routes:
              - id: old
                request: {method: GET, path: /old}
                response: {status: 200}
                recorded: {from: "OLD_FROM", to: "OLD_TO", exchanges: 3}
              - id: fresh
                request: {method: GET, path: /fresh}
                response: {status: 200}
                recorded: {from: "NEW_FROM", to: "NEW_TO", exchanges: 9}
              - id: by-hand
                request: {method: GET, path: /hand}
                response: {status: 200}
            """
        )
        .replace("OLD_FROM", _stamp(92, now))
        .replace("OLD_TO", _stamp(61, now))
        .replace("NEW_FROM", _stamp(12, now))
        .replace("NEW_TO", _stamp(2, now))
    )
    return tmp_path


def test_only_routes_older_than_the_maximum_are_stale(tmp_path: Path) -> None:
    result = load_directory(_stubs(tmp_path))
    assert result.ok
    stale = stale_routes(result.files, parse_age("30d"), NOW)
    assert [s.route_id for s in stale] == ["old"]
    assert stale[0].line == 3 and stale[0].age == dt.timedelta(days=61)
    assert stale_routes(result.files, parse_age("9w"), NOW) == []


@pytest.mark.parametrize(("text", "days"), [("30d", 30), ("2w", 14), ("36h", 1.5)])
def test_ages_take_day_and_week_units(text: str, days: float) -> None:
    assert parse_age(text) == dt.timedelta(days=days)


def test_a_bare_number_is_refused() -> None:
    with pytest.raises(ValueError, match="unit"):
        parse_age("30")


def test_check_warns_by_default_and_fails_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _stubs(tmp_path, dt.datetime.now(dt.UTC))
    assert main(["check", str(root), "--max-age", "30d"]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "route 'old' was last recorded" in out
    assert "'fresh'" not in out and "'by-hand'" not in out
    assert main(["check", str(root), "--max-age", "30d", "--strict"]) == 1
    assert "error:" in capsys.readouterr().out
    assert main(["check", str(root), "--max-age", "100000d", "--strict"]) == 0


def test_check_json_lists_stale_routes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _stubs(tmp_path, dt.datetime.now(dt.UTC))
    assert main(["check", str(root), "--json", "--max-age", "30d", "--strict"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [s["route"] for s in data["stale"]] == ["old"] and data["ok"] is False


def test_bad_max_age_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(_stubs(tmp_path)), "--max-age", "soon"]) == 2
    assert "--max-age" in capsys.readouterr().err
