"""Response header names and values, checked at load time so that every response the server
prepares is one an HTTP/1.1 server may send."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from stubforge.model.template_syntax import check_template, is_template

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Characters a header value may not carry (CR and LF would split the header)."""


def _name(name: str) -> str:
    if not _TOKEN.match(name):
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


HeaderName = Annotated[str, AfterValidator(_name)]
HeaderValue = Annotated[str, AfterValidator(_value)]
"""A header value; may be a template (control characters in its output are replaced)."""
ResponseHeaders = dict[HeaderName, HeaderValue]
"""Response headers by name."""
