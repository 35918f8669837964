"""The recording format: one HAR 1.2 ``entry`` per line of a ``*.jsonl`` file.

``stubforge record`` (and ``stubforge import har``) write recordings; the stub
compiler reads them with :func:`read_recordings`. The full description, with an
example, is in ``docs/recording-format.md``; the short version:

* A recordings directory holds ``NNNN-YYYYMMDDTHHMMSSZ.jsonl`` files, one per
  recorder session (plus size rotation), whose names sort in recording order.
* Each line is a HAR 1.2 ``entry`` object (``startedDateTime``, ``time``,
  ``request``, ``response``, ``cache``, ``timings``) plus ``_``-prefixed
  extensions, which HAR allows:

  ``_schema``
      format version (``CURRENT_SCHEMA``); older versions are upgraded on read.
  ``_id``
      a unique id of the exchange.
  ``_error`` / ``_fault``
      set when the exchange ended without a (complete) response: ``_error`` is
      the proxy's message, ``_fault`` one of :data:`FaultKind`. Such entries
      carry ``response.status == 0`` unless a partial response was seen.
  ``_chunks``
      for a response the upstream streamed (chunked / no ``Content-Length``):
      ``[[offset_ms, size_bytes], ...]``, each chunk's arrival time relative to
      the response headers and its size on the wire (before content decoding).
  ``_redactions``
      the names of the redaction rules that fired on this entry (sorted, unique).

* ``timings`` are the upstream's: ``wait`` is the upstream's time to first byte
  (request sent → response headers), ``receive`` the body transfer; ``connect``
  and ``ssl`` are set only when the exchange opened the upstream connection
  (``-1`` otherwise). ``time`` is their sum, in milliseconds.
* Bodies: ``response.content.text`` / ``request.postData.text`` hold the body
  *after* content decoding (gzip, br, deflate, zstd are undone). Text bodies are
  stored as text; anything that is not valid UTF-8 is base64 with
  ``"encoding": "base64"`` -- request bodies too. The wire encoding is kept in
  ``content._contentEncoding`` (the ``Content-Encoding`` header is removed and
  ``Content-Length``, when present, is the length of the stored body), so the
  headers describe the stored body and a replay can re-encode it.
* Redacted values are replaced by placeholders ``redacted~<kind>~<12 hex>``
  (see :data:`PLACEHOLDER_RE`); equal secrets give equal placeholders.

Readers must tolerate a torn final line (the recorder may have been killed
mid-write): :func:`read_recordings` skips it with a warning.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CURRENT_SCHEMA",
    "PLACEHOLDER_RE",
    "Content",
    "Cookie",
    "FaultKind",
    "NameValue",
    "PostData",
    "RecordingEntry",
    "RecordingFormatError",
    "RecordingRequest",
    "RecordingResponse",
    "Timings",
    "iter_raw_entries",
    "read_recordings",
    "recording_files",
    "upgrade_entry",
]

log = logging.getLogger(__name__)

CURRENT_SCHEMA = 1
"""The version written into ``_schema`` by this code."""

PLACEHOLDER_RE = re.compile(r"redacted~[a-z0-9-]+~[0-9a-f]{12}")
"""Matches a redaction placeholder anywhere in a string."""

FaultKind = Literal[
    "connection_refused",
    "connection_reset",
    "empty_reply",
    "truncated_body",
    "tls_error",
    "timeout",
    "other",
]
"""How an exchange without a complete response ended, as seen by the recorder."""

JsonDict = dict[str, Any]


class RecordingFormatError(ValueError):
    """A recording file that cannot be read: names the file and line."""


class _HarModel(BaseModel):
    """HAR objects: extra keys are kept (browsers add their own ``_`` fields)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class NameValue(_HarModel):
    """A header, query parameter or form parameter."""

    name: str
    value: str = ""


class Cookie(_HarModel):
    """A cookie as HAR lists it (values are redacted by default)."""

    name: str
    value: str = ""


def _decode_body(text: str | None, encoding: str | None) -> bytes:
    if text is None:
        return b""
    if encoding == "base64":
        return base64.b64decode(text)
    return text.encode("utf-8")


class PostData(_HarModel):
    """A request body. ``encoding: base64`` (a stubforge extension) marks binary bodies."""

    mimeType: str = ""
    text: str | None = None
    params: list[NameValue] | None = None
    encoding: str | None = None

    def body_bytes(self) -> bytes:
        """The body as bytes (base64 decoded when needed)."""
        return _decode_body(self.text, self.encoding)


class Content(_HarModel):
    """A response body, content-decoded; ``content_encoding`` is the wire encoding."""

    size: int = 0
    mimeType: str = ""
    text: str | None = None
    encoding: str | None = None
    compression: int | None = None
    content_encoding: str | None = Field(default=None, alias="_contentEncoding")

    def body_bytes(self) -> bytes:
        """The body as bytes (base64 decoded when needed)."""
        return _decode_body(self.text, self.encoding)


class RecordingRequest(_HarModel):
    """HAR ``request``."""

    method: str
    url: str
    httpVersion: str = "HTTP/1.1"
    cookies: list[Cookie] = Field(default_factory=list)
    headers: list[NameValue] = Field(default_factory=list)
    queryString: list[NameValue] = Field(default_factory=list)
    postData: PostData | None = None
    headersSize: int = -1
    bodySize: int = -1

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)


class RecordingResponse(_HarModel):
    """HAR ``response``; ``status`` is 0 for exchanges that got no response."""

    status: int
    statusText: str = ""
    httpVersion: str = "HTTP/1.1"
    cookies: list[Cookie] = Field(default_factory=list)
    headers: list[NameValue] = Field(default_factory=list)
    content: Content = Field(default_factory=Content)
    redirectURL: str = ""
    headersSize: int = -1
    bodySize: int = -1

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or None."""
        return _header(self.headers, name)


def _header(headers: list[NameValue], name: str) -> str | None:
    lname = name.lower()
    for h in headers:
        if h.name.lower() == lname:
            return h.value
    return None


class Timings(_HarModel):
    """HAR ``timings`` in milliseconds; ``-1`` means "does not apply"."""

    blocked: float = -1
    dns: float = -1
    connect: float = -1
    ssl: float = -1
    send: float = 0
    wait: float = 0
    receive: float = 0


class RecordingEntry(_HarModel):
    """One exchange: a HAR 1.2 ``entry`` with stubforge's ``_`` extensions."""

    startedDateTime: str
    time: float = 0
    request: RecordingRequest
    response: RecordingResponse
    cache: JsonDict = Field(default_factory=dict)
    timings: Timings = Field(default_factory=Timings)
    serverIPAddress: str | None = None
    schema_version: int = Field(default=CURRENT_SCHEMA, alias="_schema")
    id: str | None = Field(default=None, alias="_id")
    error: str | None = Field(default=None, alias="_error")
    fault: FaultKind | None = Field(default=None, alias="_fault")
    chunks: list[tuple[float, int]] | None = Field(default=None, alias="_chunks")
    redactions: list[str] = Field(default_factory=list, alias="_redactions")

    @property
    def failed(self) -> bool:
        """True when the exchange ended without a complete response."""
        return self.fault is not None or self.error is not None

    def to_json(self) -> JsonDict:
        """The entry as a JSON object, with the ``_`` names and without unset extensions."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


# --- versions ----------------------------------------------------------------

Upgrade = Callable[[JsonDict], JsonDict]

UPGRADES: dict[int, Upgrade] = {}
"""``UPGRADES[n]`` turns a version-``n`` entry into a version ``n + 1`` entry.

Add a function here when ``CURRENT_SCHEMA`` is bumped; readers apply them in order.
"""


def upgrade_entry(raw: JsonDict, where: str = "") -> JsonDict:
    """Bring a raw entry to ``CURRENT_SCHEMA``.

    An entry without ``_schema`` is a plain HAR entry (an import) and is taken
    as version 1. A version newer than this code understands is an error.
    """
    version = raw.get("_schema", 1)
    if not isinstance(version, int) or version < 1:
        raise RecordingFormatError(
            f"{where}: _schema: expected a positive integer, got {version!r}"
        )
    if version > CURRENT_SCHEMA:
        raise RecordingFormatError(
            f"{where}: _schema {version} is newer than this stubforge understands "
            f"({CURRENT_SCHEMA}); upgrade stubforge"
        )
    while version < CURRENT_SCHEMA:
        raw = UPGRADES[version](raw)
        version += 1
        raw["_schema"] = version
    raw.setdefault("_schema", CURRENT_SCHEMA)
    return raw


# --- reading -----------------------------------------------------------------


def recording_files(path: str | Path) -> list[Path]:
    """The ``*.jsonl`` files of ``path`` in recording order (a file is returned as is)."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.glob("*.jsonl") if f.is_file())
    if p.is_file():
        return [p]
    raise FileNotFoundError(f"{p}: no such file or directory")


def _torn(data: bytes) -> bool:
    """True if ``data`` is the beginning of a JSON object cut short (not other garbage)."""
    text = data.rstrip()
    if not text.startswith(b"{"):
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(text.decode("utf-8", "replace")) - 1 or exc.msg.startswith(
            "Unterminated string"
        )
    except UnicodeDecodeError:
        return True
    return False


def _iter_file(path: Path) -> Iterator[JsonDict]:
    with path.open("rb") as fh:
        lines = fh.read().split(b"\n")
    # A file written completely ends with "\n", so the last element is empty.
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    for n, line in enumerate(lines[: last + 1], start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            if n - 1 == last:
                log.warning("%s:%d: skipping a torn last line (%s)", path, n, why)
                return
            # A torn entry inside the file (a write cut short, then maybe the next one
            # appended to it): skip the torn part, keep an entry that follows it.
            cut = line.rfind(b'{"_schema":')
            if not _torn(line[:cut] if cut > 0 else line):
                raise RecordingFormatError(f"{path}:{n}: not a JSON object: {exc}") from exc
            log.warning("%s:%d: skipping a torn entry (%s)", path, n, why)
            if cut <= 0:
                continue
            try:
                raw = json.loads(line[cut:])
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
        if not isinstance(raw, dict):
            raise RecordingFormatError(
                f"{path}:{n}: expected a JSON object, got {type(raw).__name__}"
            )
        yield upgrade_entry(raw, f"{path}:{n}")


def iter_raw_entries(path: str | Path) -> Iterator[JsonDict]:
    """Every entry under ``path`` as a plain dict, upgraded to ``CURRENT_SCHEMA``, in order."""
    for f in recording_files(path):
        yield from _iter_file(f)


def read_recordings(path: str | Path) -> Iterator[RecordingEntry]:
    """Every entry under ``path`` (a directory of ``*.jsonl`` or one file), in order.

    A torn final line of a file is skipped with a warning on the
    ``stubforge.model.recording`` logger; any other malformed line raises
    :class:`RecordingFormatError` naming ``file:line``.
    """
    for f in recording_files(path):
        for n, raw in enumerate(_iter_file(f), start=1):
            try:
                yield RecordingEntry.model_validate(raw)
            except ValueError as exc:
                raise RecordingFormatError(f"{f}: entry {n}: {exc}") from exc
