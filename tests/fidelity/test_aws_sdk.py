"""boto3 against moto's server, recorded through the real recorder, compiled, replayed:
every call's result is the same, S3 uploads (ETag), downloads with checksum validation,
HEAD, and three RPC-style services on one endpoint (SQS JSON, STS and SNS Query), where
an operation never recorded gets the provider's error shape with an unknown-operation code,
never another operation's answer."""

from __future__ import annotations

import base64
import hashlib
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.serve.config import ServeConfig
from tests.server import running_server

from .aws import clients, moto_server, recorder

botocore_exceptions = pytest.importorskip("botocore.exceptions")

DOC = b'{"greeting": "hello",\n "list": [1, 2, 3]}\n'
BLOB = bytes(range(256)) * 40  # binary, larger than the inline body limit


def script(c: dict[str, Any]) -> list[tuple[str, Any]]:
    """The client session: what each call returned, as the SDK gives it."""
    s3, sqs, sts, sns = c["s3"], c["sqs"], c["sts"], c["sns"]
    out: list[tuple[str, Any]] = []

    def call(name: str, result: Any) -> None:
        if isinstance(result, dict):
            result = {k: v for k, v in result.items() if k != "ResponseMetadata"}
            body = result.get("Body")
            if body is not None:
                result["Body"] = body.read()  # checksums are validated while reading
        out.append((name, result))

    call("create_bucket", s3.create_bucket(Bucket="fidelity"))
    call("put_doc", s3.put_object(Bucket="fidelity", Key="doc.json", Body=DOC))
    call("put_blob", s3.put_object(Bucket="fidelity", Key="blob.bin", Body=BLOB))
    call("get_doc", s3.get_object(Bucket="fidelity", Key="doc.json", ChecksumMode="ENABLED"))
    call("get_blob", s3.get_object(Bucket="fidelity", Key="blob.bin", ChecksumMode="ENABLED"))
    call("head_doc", s3.head_object(Bucket="fidelity", Key="doc.json"))
    call("head_blob", s3.head_object(Bucket="fidelity", Key="blob.bin"))
    call("list", s3.list_objects_v2(Bucket="fidelity"))
    call("create_queue", sqs.create_queue(QueueName="jobs"))
    call("queue_url", sqs.get_queue_url(QueueName="jobs"))
    call("list_queues", sqs.list_queues())
    call("caller", sts.get_caller_identity())
    call("create_topic", sns.create_topic(Name="events"))
    call("list_topics", sns.list_topics())
    # the provider's errors, as the SDK reports them
    missing_topic = "arn:aws:sns:us-east-1:123456789012:missing"
    out.append(("missing_topic", _error(lambda: sns.get_topic_attributes(TopicArn=missing_topic))))
    out.append(("missing_queue", _error(lambda: sqs.get_queue_url(QueueName="missing"))))
    return out


def _error(action: Any) -> tuple[str, int]:
    """The error code and HTTP status of a call that must fail."""
    with pytest.raises(botocore_exceptions.ClientError) as failed:
        action()
    response = failed.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, Any]], str]:
    """The script recorded through the real recorder in front of moto, then compiled."""
    tmp = tmp_path_factory.mktemp("aws")
    with moto_server() as moto, recorder(moto, tmp / "recordings", tmp) as url:
        recorded = script(clients(url))
    output = compile_directory(tmp / "recordings", Hints())
    write_output(tmp / "stubs", output)
    return tmp / "stubs", recorded, output.report.text()


def test_boto3_gets_the_same_results_from_the_compiled_stubs(
    session: tuple[Path, list[tuple[str, Any]], str],
) -> None:
    stubs, recorded, report = session
    with running_server(stubs, ServeConfig(watch=False, seed=1)) as mock:
        c = clients(mock.url)
        replayed = script(c)
        # operations never recorded: the provider's error shape with an unknown-operation
        # code (each protocol family its own), never another operation's answer
        queue = recorded[9][1]["QueueUrl"]
        unseen = {
            "sqs": _error(lambda: c["sqs"].delete_queue(QueueUrl=queue)),
            "sns": _error(lambda: c["sns"].list_subscriptions()),
            "sts": _error(lambda: c["sts"].get_session_token()),
        }
    for (name, want), (_, got) in zip(recorded, replayed, strict=True):
        assert got == want, (name, report)
    assert unseen == {
        "sqs": ("UnknownOperationException", 400),
        "sns": ("InvalidAction", 400),
        "sts": ("InvalidAction", 400),
    }


def test_an_edited_object_still_passes_the_sdk_checksum_validation(
    session: tuple[Path, list[tuple[str, Any]], str], tmp_path: Path
) -> None:
    stubs, _, _ = session
    edited = tmp_path / "stubs"
    shutil.copytree(stubs, edited)
    compiled = yaml.safe_load((edited / "local.compiled.yaml").read_text())
    (route,) = [r for r in compiled["routes"] if r["id"] == "get-fidelity-doc.json"]
    assert "crc32(response.body, 'base64')" in route["response"]["headers"]["x-amz-checksum-crc32"]
    route["response"]["body"] = "an edited object\n"
    overrides = {"version": 1, "service": "local", "routes": [route]}
    (edited / "local.overrides.yaml").write_text(yaml.safe_dump(overrides))
    with running_server(edited, ServeConfig(watch=False)) as mock:
        s3 = clients(mock.url)["s3"]
        got = s3.get_object(Bucket="fidelity", Key="doc.json", ChecksumMode="ENABLED")
        assert got["Body"].read() == b"an edited object\n"  # the SDK checked its CRC32
    assert got["ETag"] == '"' + hashlib.md5(b"an edited object\n").hexdigest() + '"'
    assert (
        got["ChecksumCRC32"]
        == base64.b64encode(zlib.crc32(b"an edited object\n").to_bytes(4, "big")).decode()
    )
