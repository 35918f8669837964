"""API Gateway (REST, JSON) from moto's server with boto3: a collection of REST APIs.

Training creates, reads, lists and deletes some APIs through the recorder; the probe
creates *other* APIs, reads them back, lists, deletes one, reads it again (gone),
and reads ids nobody ever issued, against a fresh moto and against the mock. (Deleting an
id moto no longer holds answers a 500 from moto itself, so the probe does not.)
What boto3 gives the caller is compared: the result (ids the server issued are numbered
by first appearance, dates dropped) or the error code, message and status.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory, compile_exchange_list, exchanges_from
from stubforge.evaluate.fidelity import project
from stubforge.serve.config import ServeConfig
from tests.record.conftest import wait_for_lines
from tests.server import running_server

from .aws import moto_server, recorder

IDS = ("id", "rootResourceId")


def client(endpoint: str) -> Any:
    boto3 = pytest.importorskip("boto3")
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=10)
    return session.client("apigateway", endpoint_url=endpoint, config=config)


class Seen:
    """What the caller saw, with server-issued ids numbered in order of appearance."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.calls: list[Any] = []

    def _clean(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k in ("ResponseMetadata", "createdDate"):
                    continue
                if k in IDS and isinstance(v, str):
                    v = self.ids.setdefault(v, f"<id{len(self.ids) + 1}>")
                out[k] = self._clean(v)
            return out
        if isinstance(value, list):
            return [self._clean(v) for v in value]
        return value

    def call(self, fn: Callable[..., Any], **kw: Any) -> Any:
        from botocore.exceptions import ClientError

        try:
            result = fn(**kw)
        except ClientError as exc:
            err = exc.response["Error"]
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            self.calls.append(("error", err.get("Code"), err.get("Message"), status))
            return None
        self.calls.append(self._clean(result))
        return result


def training(endpoint: str) -> list[Any]:
    c, s = client(endpoint), Seen()
    made = [s.call(c.create_rest_api, name=f"train-{n}", description="t") for n in range(3)]
    s.call(c.get_rest_apis)
    for api in made:
        s.call(c.get_rest_api, restApiId=api["id"])
    s.call(c.delete_rest_api, restApiId=made[1]["id"])
    s.call(c.get_rest_api, restApiId=made[1]["id"])
    s.call(c.get_rest_apis)
    return s.calls


def probe(endpoint: str) -> list[Any]:
    c, s = client(endpoint), Seen()
    one = s.call(c.create_rest_api, name="probe-one", description="first")
    two = s.call(c.create_rest_api, name="probe-two", description="second")
    s.call(c.get_rest_api, restApiId=two["id"])
    s.call(c.get_rest_api, restApiId=one["id"])
    s.call(c.get_rest_apis)
    s.call(c.delete_rest_api, restApiId=one["id"])
    s.call(c.get_rest_api, restApiId=one["id"])
    s.call(c.get_rest_apis)
    s.call(c.get_rest_api, restApiId="zzzzzzzzzz")
    three = s.call(c.create_rest_api, name="probe-three", description="third")
    s.call(c.get_rest_api, restApiId=three["id"])
    s.call(c.get_rest_apis)
    return s.calls


@pytest.mark.timeout(120)
def test_boto3_probe_of_rest_apis_through_the_mock_matches_moto(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    with moto_server() as real, recorder(real, recordings, tmp_path, ("HEADER",)) as via:
        trained = training(via)
        wait_for_lines(recordings, len(trained))
    output = compile_directory(recordings, Hints())
    write_output(tmp_path / "stubs", output)
    fid = project(
        list(exchanges_from(recordings, [])),
        output,
        lambda kept: compile_exchange_list(kept, Hints(), {}),
    )
    with moto_server() as real:
        httpx.post(real + "/moto-api/reset", timeout=10)  # moto keeps state per process
        expected = probe(real)
    config = ServeConfig(watch=False, seed=1)
    with running_server(tmp_path / "stubs", config) as mock:
        got = probe(mock.url)
    with running_server(tmp_path / "stubs", config) as mock:
        replayed = training(mock.url)
    same = sum(1 for a, b in zip(expected, got, strict=True) if a == b)
    diffs = [(n, a, b) for n, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]
    print(
        f"apigateway: {same}/{len(expected)} probe calls the same ({same / len(expected):.1%}); "
        f"compile projected {fid.overall.text()}; held out {fid.held_out.text()}"
    )
    assert replayed == trained
    assert not any(c[0] == "error" and c[3] >= 500 for c in got if isinstance(c, tuple))
    assert same / len(expected) >= 0.95, diffs
