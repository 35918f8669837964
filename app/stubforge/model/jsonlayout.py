"""How a ``json`` body is written on the wire: one line or indented, spacing, escapes.

Providers serialise JSON differently (``{"a":1}`` from Node or Go, ``{"a": 1}`` from
Python, two-space indentation with a trailing newline from many others, ``\\u00e9`` for
non-ASCII text, Go's ``\\u003c`` for ``<``). A response's ``json_layout`` names the
provider's way, so an unedited body goes out byte for byte as recorded and an edited or
templated one still looks like the provider's. :meth:`JsonLayout.dumps` is the one
serialiser; the compiler only writes a layout it has checked reproduces the recorded bytes.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from stubforge.model.base import Model

_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class JsonLayout(Model):
    """The wire form of a JSON body (default: one line, no spaces, UTF-8 text as is)."""

    indent: int | None = Field(default=None, ge=0, le=8)
    """Spaces per level, one member per line (``"a": 1``); omit for one line."""
    spaces: bool = False
    """One-line form with a space after ``,`` and ``:`` (``{"a": 1, "b": 2}``)."""
    ascii: bool = False
    """Escape non-ASCII characters as ``\\uXXXX``."""
    html: bool = False
    """Escape ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\uXXXX`` (Go's encoding/json)."""
    newline: bool = False
    """End the body with a newline."""

    def dumps(self, value: Any) -> bytes:
        """``value`` serialised in this layout."""
        if self.indent is not None:
            text = json.dumps(value, indent=self.indent, ensure_ascii=self.ascii, allow_nan=False)
        else:
            seps = (", ", ": ") if self.spaces else (",", ":")
            text = json.dumps(value, separators=seps, ensure_ascii=self.ascii, allow_nan=False)
        if self.html:
            for char, escaped in _HTML.items():
                text = text.replace(char, escaped)
        if self.newline:
            text += "\n"
        return text.encode("utf-8", "surrogatepass")


COMPACT = JsonLayout()
"""The default layout (``{"a":1}``)."""


def find_layout(text: str, value: Any) -> JsonLayout | None:
    """The layout that turns ``value`` (parsed from ``text``) back into exactly ``text``,
    or None when no layout does (``1.50``, ``\\/``, duplicate keys, CRLF...)."""
    body = text[:-1] if text.endswith("\n") else text
    newline = body is not text
    indents: list[int | None] = [None]
    if "\n" in body:
        second = body.split("\n", 2)[1]
        indents = [len(second) - len(second.lstrip(" "))]
    escaped = "\\u" in body
    asciis = [False, True] if escaped and not body.isascii() else [escaped]
    htmls = [True, False] if "\\u00" in body or "\\u202" in body else [False]
    target = text.encode("utf-8", "surrogatepass")
    for indent in indents:
        for spaces in [False, True] if indent is None else [False]:
            for ascii_ in asciis:
                for html in htmls:
                    layout = JsonLayout(
                        indent=indent, spaces=spaces, ascii=ascii_, html=html, newline=newline
                    )
                    try:
                        if layout.dumps(value) == target:
                            return layout
                    except (TypeError, ValueError):
                        return None
    return None
