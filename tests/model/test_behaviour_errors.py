"""Behaviour settings are validated at load time with file:line errors."""

from __future__ import annotations

from pathlib import Path

from stubforge.load.loader import load_directory


def _errors(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "api.yaml").write_text(text)
    return [str(e).replace(str(tmp_path) + "/", "") for e in load_directory(tmp_path).errors]


def test_behaviour_errors_name_file_line_and_field(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        """\
version: 1
routes:
  - request: {path: /a}
    errors:
      - {rate: 0.5, fault: bogus}
      - {rate: 0.5, every: 2, response: {status: 500}}
    rate_limit: {limit: 0, per: 1s, key: "cookie:x"}
    dribble: {chunks: 3}
profiles:
  slow: {latency_multiplier: 0}
""",
    )
    text = "\n".join(errors)
    assert ":5:" in text and "errors[0].fault: Input should be 'connection_reset'" in text
    assert "'timeout'" in text
    assert "routes[0].errors[1]: give rate or every, not both" in text
    assert "routes[0].rate_limit.limit: Input should be greater than 0" in text
    assert "routes[0].rate_limit.key: invalid key 'cookie:x'" in text
    assert "routes[0].dribble: chunks and duration go together" in text
    assert "profiles.slow.latency_multiplier" in text


def test_profile_routes_must_exist(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        """\
version: 1
routes:
  - {id: a, request: {path: /a}}
profiles:
  p: {routes: [b]}
""",
    )
    assert any("no route with id 'b'" in e for e in errors)
