"""A read-only view of an incoming request, parsing each part only when a matcher asks."""

from __future__ import annotations

import json
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from stubforge.model.formdata import form_body

NOT_JSON: Any = object()
"""Sentinel: the body is not valid JSON (a JSON matcher then simply does not match)."""


class Request:
    """Method, path, query, headers, cookies and body of one request.

    ``raw_headers`` is the ASGI header list (lower-case byte names). Query, headers,
    cookies, text and JSON are computed on first use and cached.
    """

    __slots__ = (
        "_cookies",
        "_headers",
        "_json",
        "_query",
        "_text",
        "body",
        "client",
        "method",
        "path",
        "query_string",
        "raw_headers",
    )

    def __init__(
        self,
        method: str,
        path: str,
        query_string: bytes = b"",
        raw_headers: list[tuple[bytes, bytes]] | None = None,
        body: bytes = b"",
        client: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query_string = query_string
        self.raw_headers = raw_headers or []
        self.body = body
        self.client = client
        self._query: dict[str, list[str]] | None = None
        self._headers: dict[str, list[str]] | None = None
        self._cookies: dict[str, str] | None = None
        self._text: str | None = None
        self._json: Any = None

    @property
    def query(self) -> dict[str, list[str]]:
        if self._query is None:
            self._query = (
                parse_qs(self.query_string.decode("latin-1"), keep_blank_values=True)
                if self.query_string
                else {}
            )
        return self._query

    @property
    def headers(self) -> dict[str, list[str]]:
        if self._headers is None:
            headers: dict[str, list[str]] = {}
            for name, value in self.raw_headers:
                headers.setdefault(name.decode("latin-1").lower(), []).append(
                    value.decode("latin-1")
                )
            self._headers = headers
        return self._headers

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0] if values else None

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            cookies: dict[str, str] = {}
            for raw in self.headers.get("cookie", []):
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(raw)
                except CookieError:
                    continue
                cookies.update({k: m.value for k, m in jar.items()})
            self._cookies = cookies
        return self._cookies

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.body.decode("utf-8", errors="replace")
        return self._text

    @property
    def json(self) -> Any:
        """The parsed JSON body (a form-encoded or multipart body: its fields, as an object),
        or :data:`NOT_JSON` when there is none or it does not parse."""
        if self._json is None:
            form = form_body(self.body, self.header("content-type") or "") if self.body else None
            if form is not None:  # form fields are matched like JSON fields
                self._json = form
                return form
            try:
                doc = json.loads(self.body) if self.body else NOT_JSON
            except (ValueError, RecursionError):
                doc = NOT_JSON
            deep = doc is not NOT_JSON and _may_be_deep(self.body) and not _within_depth(doc)
            self._json = NOT_JSON if deep else doc
        return self._json


MAX_JSON_DEPTH = 100
"""A body nested deeper than this is not read as JSON: matching, the JSON-body index and
templates walk documents recursively, and no API sends such a document."""


def _may_be_deep(body: bytes) -> bool:
    """Cheap first check (in C): fewer brackets than the limit cannot nest deeper."""
    return body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH


def _within_depth(doc: Any) -> bool:
    if not isinstance(doc, dict | list):
        return True
    stack = [(doc, 1)]
    while stack:
        item, level = stack.pop()
        if level > MAX_JSON_DEPTH:
            return False
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return True
