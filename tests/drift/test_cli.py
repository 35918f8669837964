"""``stubforge drift`` from the command line: exit codes, JSON, JUnit XML valid against the
schema CI systems read, offline mode, written recordings, and secrets that reach the
provider but nothing else."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
import xmlschema  # type: ignore[import-untyped]

from stubforge.cli import main

from .conftest import TOKEN, Recorded
from .provider import Running

JUNIT_XSD = Path(__file__).with_name("junit.xsd")


def _args(recorded: Recorded, url: str, secrets: Path, *more: str) -> list[str]:
    return [
        "drift",
        "--stubs",
        str(recorded.stubs),
        "--upstream",
        url,
        "--recordings",
        str(recorded.recordings),
        "--secrets",
        str(secrets),
        "--rps",
        "500",
        "--samples",
        "5",
        "--allow",
        "POST /v1/charges",
        "--allow",
        "POST /v1/refunds",
        *more,
    ]


@pytest.mark.timeout(120)
def test_exit_0_without_breaking_drift_and_1_with(
    v1_recorded: Recorded,
    v1: Running,
    v2: Running,
    secrets_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(_args(v1_recorded, v1.url, secrets_file)) == 0
    out = capsys.readouterr().out
    assert "0 breaking, 0 additive, 0 behavioural, 1 unreachable" in out
    assert main(_args(v1_recorded, v2.url, secrets_file)) == 1
    out = capsys.readouterr().out
    assert "BREAKING    field-removed" in out and "$.phone" in out
    assert "3 breaking, 1 additive, 2 behavioural, 1 unreachable, 0 unknown -> exit 1" in out


def test_exit_2_when_it_cannot_run(
    v1_recorded: Recorded, tmp_path: Path, secrets_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["drift", "--stubs", str(v1_recorded.stubs)]) == 2
    assert "--upstream" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.yaml").write_text("version: 1\nroutes:\n  - request: {path: /a}\n    respons: 1\n")
    assert main(["drift", "--stubs", str(broken), "--recordings", str(v1_recorded.recordings)]) == 2
    assert "x.yaml:4:5" in capsys.readouterr().err
    missing = tmp_path / "nowhere"
    assert main(["drift", "--stubs", str(v1_recorded.stubs), "--recordings", str(missing)]) == 2
    assert "nowhere" in capsys.readouterr().err
    # Nobody listens there: every probe fails, nothing could be compared.
    assert main(_args(v1_recorded, "http://127.0.0.1:9", secrets_file, "--samples", "1")) == 2
    assert "could not run" in capsys.readouterr().out
    # Without the secrets the recorded requests cannot be re-hydrated: not probed.
    args = _args(v1_recorded, "http://127.0.0.1:9", secrets_file)
    args[args.index("--secrets") : args.index("--secrets") + 2] = []
    assert main(args) == 2
    assert "give them with --secrets" in capsys.readouterr().out


def test_json_and_junit_reports(
    v1_recorded: Recorded,
    v2: Running,
    secrets_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    junit = tmp_path / "reports" / "drift.xml"
    assert main(_args(v1_recorded, v2.url, secrets_file, "--json", "--junit", str(junit))) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 1 and data["mode"] == "live"
    assert data["summary"] == {
        "breaking": 3,
        "additive": 1,
        "behavioural": 2,
        "unreachable": 1,
        "unknown": 0,
    }
    assert "get-v1-orders" in data["would_change"]
    schema = xmlschema.XMLSchema(JUNIT_XSD)
    schema.validate(junit)
    doc = schema.to_dict(junit)
    suite = doc["testsuite"][0]
    assert (suite["@tests"], suite["@failures"], suite["@skipped"]) == (7, 3, 1)
    failed = {c["@name"].split()[0] for c in suite["testcase"] if "failure" in c}
    assert failed == {"get-v1-customers-customer_id", "post-v1-charges", "post-v1-refunds"}


def test_the_schema_refuses_what_ci_would_not_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<testsuites><testsuite name="x" tests="one" failures="0" errors="0"/></testsuites>'
    )
    assert not xmlschema.XMLSchema(JUNIT_XSD).is_valid(bad)


@pytest.mark.timeout(120)
def test_secrets_reach_the_provider_and_nothing_else(
    v1_recorded: Recorded,
    v2: Running,
    secrets_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    written = tmp_path / "fresh"
    junit = tmp_path / "drift.xml"
    args = ["--write-recordings", str(written), "--junit", str(junit)]
    assert main(_args(v1_recorded, v2.url, secrets_file, *args)) == 1
    assert main(_args(v1_recorded, v2.url, secrets_file, "--json")) == 1
    assert f"Bearer {TOKEN}" in v2.provider.seen_auth
    out = capsys.readouterr()
    files = sorted(written.glob("*.jsonl"))
    assert files
    for text in (out.out, out.err, caplog.text, junit.read_text(), *(f.read_text() for f in files)):
        assert TOKEN not in text
    entries = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    auth = {
        h["value"] for e in entries for h in e["request"]["headers"] if h["name"] == "authorization"
    }
    assert len(auth) == 1 and auth.pop().startswith("Bearer redacted~")


@pytest.mark.timeout(120)
def test_written_recordings_compare_offline_and_compile(
    v1_recorded: Recorded,
    v2: Running,
    secrets_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    written = tmp_path / "fresh"
    assert main(_args(v1_recorded, v2.url, secrets_file, "--write-recordings", str(written))) == 1
    capsys.readouterr()
    offline = ["drift", "--stubs", str(v1_recorded.stubs), "--recordings", str(written), "--json"]
    assert main(offline) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["mode"] == "offline" and data["requests_sent"] == 0
    found = {(r["route"], f["kind"]) for r in data["routes"] for f in r["findings"]}
    assert {
        ("get-v1-customers-customer_id", "field-removed"),
        ("post-v1-charges", "error-code-renamed"),
        ("post-v1-refunds", "required-field-added"),
        ("get-v1-orders", "field-added"),
        ("get-v1-search", "rate-limit-changed"),
    } <= found
    fresh = tmp_path / "new-stubs"
    assert main(["compile", str(written), "-o", str(fresh), "-q"]) == 0
    assert main(["drift", "--stubs", str(fresh), "--recordings", str(written)]) == 0
    # compile --update refreshes the v1 stubs in place: then v2 is no longer drift.
    refreshed = tmp_path / "refreshed"
    shutil.copytree(v1_recorded.stubs, refreshed)
    assert main(["compile", str(written), "-o", str(refreshed), "--update", "-q"]) == 0
    capsys.readouterr()
    assert main(["drift", "--stubs", str(refreshed), "--recordings", str(written), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["breaking"] == 0


def test_without_recordings_literal_read_routes_are_probed(
    v1_recorded: Recorded, v1: Running, secrets_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["drift", "--stubs", str(v1_recorded.stubs), "--upstream", v1.url, "--json"]
    args += ["--secrets", str(secrets_file), "--rps", "500", "--samples", "5"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    routes = {r["route"]: r for r in data["routes"]}
    probed = {name for name, r in routes.items() if r["answers"]}
    assert probed == {"get-v1-balance", "get-v1-orders", "get-v1-search"}
    assert [f["kind"] for f in routes["get-v1-customers-customer_id"]["findings"]] == ["no-request"]
    assert data["summary"]["breaking"] == 0
