"""HAR import (browser devtools, Charles, mitmproxy exports) and export.

Import normalises each entry to the recording format -- ``_schema``, ``_id``,
content-decoded bodies with the ``Content-Encoding`` header moved to
``content._contentEncoding`` -- drops other tools' ``_`` extensions (they can
carry unredacted copies of the exchange, e.g. ``_initiator`` stack traces), and
redacts it like the recorder does. Export wraps the lines of a recordings
directory in one HAR 1.2 document, extensions included.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stubforge.model.recording import CURRENT_SCHEMA, iter_raw_entries
from stubforge.record.writer import RecordingWriter
from stubforge.redact.redactor import Redactor, body_bytes

JsonDict = dict[str, Any]

_OUR_EXTENSIONS = frozenset(
    {"_schema", "_id", "_error", "_fault", "_chunks", "_redactions", "_contentEncoding"}
)
_ENTRY_KEYS = frozenset(
    {"startedDateTime", "time", "request", "response", "cache", "timings", "serverIPAddress"}
)


class HarError(ValueError):
    """A HAR file that cannot be imported; the message names the file and entry."""


def _strip_extensions(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip_extensions(v)
            for k, v in node.items()
            if not k.startswith("_") or k in _OUR_EXTENSIONS
        }
    if isinstance(node, list):
        return [_strip_extensions(v) for v in node]
    return node


def _move_content_encoding(message: JsonDict, body: JsonDict | None) -> None:
    headers = message.get("headers") or []
    ce = (
        next(
            (
                str(h.get("value", ""))
                for h in headers
                if str(h.get("name", "")).lower() == "content-encoding"
            ),
            "",
        )
        .strip()
        .lower()
    )
    if not ce or ce == "identity" or body is None:
        return
    message["headers"] = [
        h for h in headers if str(h.get("name", "")).lower() != "content-encoding"
    ]
    body["_contentEncoding"] = ce
    size = len(body_bytes(body))
    for h in message["headers"]:
        if str(h.get("name", "")).lower() == "content-length":
            h["value"] = str(size)


def normalise_entry(raw: JsonDict, where: str) -> JsonDict:
    """One HAR entry as a recording entry (not yet redacted)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict):
        raise HarError(f"{where}: not a HAR entry (no request object)")
    req = raw["request"]
    if not isinstance(req.get("method"), str) or not isinstance(req.get("url"), str):
        raise HarError(f"{where}: request.method and request.url are required")
    entry: JsonDict = {k: v for k, v in raw.items() if k in _ENTRY_KEYS or k in _OUR_EXTENSIONS}
    entry = _strip_extensions(entry)
    resp = entry.get("response")
    if not isinstance(resp, dict) or not isinstance(resp.get("status"), int):
        resp = {"status": 0, "statusText": "", "headers": [], "content": {"size": 0}}
        entry["response"] = resp
        entry.setdefault("_fault", "other")
    entry.setdefault("startedDateTime", "1970-01-01T00:00:00.000Z")
    entry.setdefault("time", 0)
    entry.setdefault("cache", {})
    entry.setdefault("timings", {"send": 0, "wait": 0, "receive": 0})
    entry["_schema"] = CURRENT_SCHEMA
    if not entry.get("_id"):
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode("utf-8")).hexdigest()
        entry["_id"] = f"har-{digest[:24]}"
    post = entry["request"].get("postData")
    _move_content_encoding(entry["request"], post if isinstance(post, dict) else None)
    content = resp.get("content")
    _move_content_encoding(resp, content if isinstance(content, dict) else None)
    return entry


def _without_lone_surrogates(node: Any) -> Any:
    """Browsers write ``\\ud800`` escapes JSON allows but UTF-8 cannot hold: U+FFFD."""
    if isinstance(node, str):
        return node.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(node, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_without_lone_surrogates(v) for v in node]
    return node


def read_har(path: Path) -> list[JsonDict]:
    """The ``log.entries`` of a HAR file, with a clear error when it is not one."""
    try:
        with path.open("rb") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise HarError(f"{path}: cannot read: {exc.strerror}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise HarError(f"{path}: not JSON: {exc}") from exc
    except RecursionError:
        raise HarError(f"{path}: JSON nested too deeply") from None
    doc = _without_lone_surrogates(doc)
    entries = doc.get("log", {}).get("entries") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file (no log.entries list)")
    return entries


def import_har(path: Path, writer: RecordingWriter, redactor: Redactor) -> int:
    """Append the redacted entries of the HAR file ``path`` to ``writer``; returns the count."""
    entries = read_har(path)
    normalised = [normalise_entry(e, f"{path}: log.entries[{i}]") for i, e in enumerate(entries)]
    normalised.sort(key=lambda e: str(e.get("startedDateTime", "")))
    for e in normalised:
        writer.write(redactor.entry(e))
    return len(normalised)


def har_document(entries: Iterator[JsonDict], version: str) -> JsonDict:
    """A HAR 1.2 document around ``entries``."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "stubforge", "version": version},
            "pages": [],
            "entries": list(entries),
        }
    }


def export_har(recordings: Path, out: Path, version: str) -> int:
    """Write every entry under ``recordings`` as one HAR file ``out`` (atomically)."""
    doc = har_document(iter_raw_entries(recordings), version)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    os.replace(tmp, out)
    return len(doc["log"]["entries"])
