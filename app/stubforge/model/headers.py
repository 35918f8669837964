"""Response header names and values, checked at load time so that every response the server
prepares is one an HTTP/1.1 server may send."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from stubforge.model.template_syntax import check_template, is_template

TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
"""A valid header name."""
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Characters a header value may not carry (CR and LF would split the header)."""


def _name(name: str) -> str:
    if not TOKEN.match(name):
        raise ValueError(
            f"invalid header name {name!r}: use letters, digits and !#$%&'*+-.^_`|~ only"
        )
    return name


def _value(text: str, info: ValidationInfo) -> str:
    # a response with ``template: false`` (validated before its headers) keeps braces literal
    templated = info.data.get("template") is not False and is_template(text)
    if templated:
        check_template(text)
    elif CONTROL.search(text):
        raise ValueError(f"header value {text!r} contains a line break or control character")
    return text


def _scalar(value: Any) -> Any:
    """``retry-after: 10`` means the text ``10`` (booleans: ``true`` / ``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


HeaderName = Annotated[str, AfterValidator(_name)]
HeaderValue = Annotated[
    str,
    BeforeValidator(_scalar, json_schema_input_type=str | int | float | bool),
    AfterValidator(_value),
]
"""A header value; may be a template (control characters in its output are replaced).
Numbers and booleans mean their text, as in request matchers."""
ResponseHeaders = dict[HeaderName, HeaderValue]
"""Response headers by name."""
