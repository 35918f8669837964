"""A recorded response body as stub-file data, sent as the provider sent it.

* JSON stays ``json:`` (readable, editable) with the provider's ``json_layout`` when a
  layout reproduces the recorded bytes exactly; when none does (``1.50``, ``\\/``,
  duplicate keys, CRLF), a body without echoes is kept as its exact text in ``body:``.
* Echoes and generated values make the body a template (``json:`` with markers, written
  in the recorded layout); only those bodies may differ from the recorded bytes.
* Text is ``body:`` (exact: recorded text is UTF-8), binary is ``body_base64:``.
* A body holding template syntax is recorded data, never code: ``template: false``.

:attr:`Body.exact` carries the recorded bytes of every body sent as recorded, for body
files and derived headers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from stubforge.compile.echo import Echo, canonical, templatize
from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.model.jsonlayout import COMPACT, JsonLayout, find_layout
from stubforge.model.template_syntax import contains_template


@dataclass
class Body:
    """The body fields of a response, the class key part, and the exact bytes (None when
    the body is a template)."""

    fields: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    exact: bytes | None = b""

    @property
    def verbatim(self) -> bool:
        """True when the response must not be rendered (``template: false``)."""
        return self.fields.get("template") is False


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def layout_fields(layout: JsonLayout | None) -> dict[str, Any]:
    """``json_layout`` as stub-file data (nothing for the default layout)."""
    if layout is None or layout == COMPACT:
        return {}
    return {"json_layout": layout.model_dump(exclude_defaults=True)}


def has_echo(value: Any) -> bool:
    if isinstance(value, Echo):
        return True
    if isinstance(value, dict):
        return any(has_echo(v) for v in value.values())
    if isinstance(value, list):
        return any(has_echo(v) for v in value)
    return False


def body_of(ex: Exchange, param_types: dict[str, str]) -> Body:
    """The response body of ``ex`` as stub-file data."""
    if ex.resp_json is not NO_JSON and ex.resp_text is not None:
        return _json_body(ex, param_types)
    if ex.resp_base64 is not None:
        import base64

        raw = base64.b64decode(ex.resp_base64)
        return Body({"body_base64": ex.resp_base64}, "b64:" + digest(raw), raw)
    if ex.resp_text:
        raw = ex.resp_text.encode("utf-8", "surrogatepass")
        fields: dict[str, Any] = {"body": ex.resp_text}
        if contains_template(ex.resp_text):
            fields["template"] = False
        return Body(fields, "text:" + digest(raw), raw)
    return Body()


def _json_body(ex: Exchange, param_types: dict[str, str]) -> Body:
    text = ex.resp_text or ""
    raw = text.encode("utf-8", "surrogatepass")
    layout = find_layout(text, ex.resp_json)
    verbatim = contains_template(ex.resp_json)
    marked = ex.resp_json if verbatim else templatize(ex.resp_json, ex, param_types)
    if has_echo(marked):
        shape = layout.model_dump_json() if layout is not None else ""
        fields = {"json": marked, **layout_fields(layout)}
        return Body(fields, "json:" + canonical(marked) + shape, None)
    fields = {"body": text} if layout is None else {"json": ex.resp_json, **layout_fields(layout)}
    if verbatim or (layout is None and contains_template(text)):
        fields["template"] = False
    return Body(fields, "raw:" + digest(raw), raw)
