"""Responses: status, headers and one body source; variants chosen by ``when`` conditions."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from pydantic import Field, JsonValue, ValidationInfo, field_validator, model_validator

from stubforge.model.base import Model
from stubforge.model.headers import ResponseHeaders
from stubforge.model.jsonlayout import JsonLayout
from stubforge.model.matchers import BodyCondition, StringMatcher
from stubforge.model.stream import EventTiming, SseEvent, StreamCut
from stubforge.model.template_syntax import (
    TemplateText,
    check_finite,
    check_template,
    check_templates_in,
)

_BODY_FIELDS = ("json", "body", "body_base64", "body_file")


class ResponseSpec(Model):
    """What the mock answers. At most one of ``json``, ``body``, ``body_base64``, ``body_file``.

    Strings containing ``{{`` or ``{%`` are Jinja2 templates (sandboxed) rendered per request
    with ``path``, ``query``, ``headers``, ``cookies``, ``body``, ``json``, ``now`` and
    ``uuid``. A JSON string that is exactly one ``{{ expression }}`` keeps the expression's
    type (``amount: "{{ json.amount }}"`` gives a number).
    """

    status: int = Field(default=200, ge=100, le=599)
    """HTTP status code."""
    template: bool | None = None
    """Force templating on (true) or off (false); by default strings containing ``{{`` or
    ``{%`` are templates. A ``body_file`` is a template only with ``template: true``."""
    headers: ResponseHeaders = Field(default_factory=dict)
    """Response headers (merged over the file's defaults.headers). Values may be templates."""
    json_: JsonValue = Field(default=None, alias="json")
    """A JSON body; ``content-type: application/json`` unless a header says otherwise."""
    json_layout: JsonLayout | None = None
    """How the ``json`` body is written on the wire (indentation, spacing, escapes); by
    default one line without spaces. The compiler sets the provider's layout, so an
    unedited body is sent byte for byte as recorded."""
    body: TemplateText | None = None
    """A text body (UTF-8); ``content-type: text/plain; charset=utf-8`` by default."""
    body_base64: str | None = None
    """A binary body, base64-encoded; ``application/octet-stream`` by default."""
    body_file: str | None = None
    """A file whose bytes are the body, relative to the stub file's directory and confined
    to the stubs directory; its content type is guessed from the extension. Served byte for
    byte unless ``template: true`` (then it must be UTF-8 text)."""
    events: list[SseEvent] | None = Field(default=None, min_length=1)
    """Instead of a body: a Server-Sent Events stream (``content-type: text/event-stream``),
    each event sent as its own piece at the time ``event_timing`` gives."""
    event_timing: EventTiming | None = None
    """With ``events``: the delay before the first event and between events."""
    cut: StreamCut | None = None
    """With ``events``: break the stream after some events (close, reset, stall, malformed)."""

    @model_validator(mode="after")
    def _one_body(self) -> ResponseSpec:
        given = [name for name in (*_BODY_FIELDS, "events") if name in self._set_names()]
        if len(given) > 1:
            raise ValueError(f"give at most one body source, not {' and '.join(given)}")
        return self

    @model_validator(mode="after")
    def _stream_fields(self) -> ResponseSpec:
        if self.events is None:
            for name in ("event_timing", "cut"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name} needs events")
            return self
        if self.cut is not None:
            most = len(self.events) - (1 if self.cut.fault == "malformed" else 0)
            if self.cut.after > most:
                raise ValueError(
                    f"cut.after must be <= {most} (the stream has {len(self.events)} events)"
                )
        return self

    def _set_names(self) -> set[str]:
        return {"json" if n == "json_" else n for n in self.model_fields_set}

    @property
    def has_json(self) -> bool:
        """The response body is given as ``json:`` (a stub may say ``json: null``)."""
        return "json_" in self.model_fields_set

    @field_validator("body_base64")
    @classmethod
    def _base64(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"not valid base64: {exc}") from None
        return value

    @field_validator("body_file")
    @classmethod
    def _confined(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        resolve_body_file(value, info.context)
        return value

    @field_validator("body_file")
    @classmethod
    def _body_file_template(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or info.data.get("template") is not True:
            return value
        context = info.context
        if isinstance(context, dict) and "root" in context:
            target = resolve_body_file(value, context)
            try:
                text = target.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"body_file {value!r} with template: true is not UTF-8") from None
            check_template(text)
        return value

    @field_validator("json_")
    @classmethod
    def _json_templates(cls, value: Any, info: ValidationInfo) -> Any:
        check_finite(value)
        if info.data.get("template") is not False:
            check_templates_in(value)
        return value


def resolve_body_file(value: str, context: Any) -> Path:
    """Resolve ``body_file`` against the stub file's directory, confined to the stubs root.

    ``context`` is the validation context the loader passes: ``{"file_dir": Path,
    "root": Path}``. Without it (schema generation, ad-hoc validation) only the syntax is
    checked.
    """
    if Path(value).is_absolute():
        raise ValueError(f"body_file {value!r} must be relative to the stub file")
    if not isinstance(context, dict) or "root" not in context:
        if ".." in Path(value).parts:
            raise ValueError(f"body_file {value!r} escapes the stubs directory")
        return Path(value)
    root = Path(context["root"]).resolve()
    target = (Path(context["file_dir"]) / value).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"body_file {value!r} escapes the stubs directory {root}")
    if not target.is_file():
        raise ValueError(f"body_file {value!r} does not exist (looked for {target})")
    return target


class WhenSpec(Model):
    """Extra conditions that choose a response variant (all given must hold)."""

    path: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on path parameters, by name."""
    query: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on query parameters."""
    headers: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on request headers (names are case-insensitive)."""
    cookies: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on cookies."""
    body: BodyCondition | None = None
    """Conditions on the request body."""


class VariantSpec(ResponseSpec):
    """A response variant: used when its ``when`` holds; a variant without ``when`` is the
    default and must come last."""

    when: WhenSpec | None = None
    """The conditions choosing this variant; omit for the default variant."""
