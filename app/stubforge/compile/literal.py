"""Recorded traffic is data, never code.

Every string the compiler copies from a recording into a field the server may render as
a template (response headers, bodies, sequence steps, error responses) goes through
here. A string without template syntax (``{{`` or ``{%``) is never rendered and stays as
it is. One with it is either sent verbatim (``template: false`` on a response whose
every value is recorded) or *escaped*: each ``{`` is written ``{{ '{' }}``, which
renders back to ``{``. After escaping, the only ``{`` left in the text open those
``{{ '{' }}`` expressions, so no ``{{``, ``{%`` or ``{#`` of the provider's can start
a tag: the text renders to exactly what was recorded, whatever it holds (a carriage
return, which Jinja would turn into a newline, is written ``{{ '\\r' }}``).
"""

from __future__ import annotations

from typing import Any

from stubforge.model.template_syntax import is_template

_OPEN = "{{ '{' }}"
_CR = "{{ '\\r' }}"
"""Jinja turns a carriage return in template text into a newline; this renders one."""


def escape(text: str) -> str:
    """Template source that renders to ``text`` (for recorded pieces inside a template)."""
    return text.replace("{", _OPEN).replace("\r", _CR)


def literal(text: str) -> str:
    """Recorded ``text`` for a field that may be rendered: as is unless it looks like a
    template, then escaped."""
    return escape(text) if is_template(text) else text


def path_literal(segment: str) -> str:
    """A recorded path segment as path-template text: braces doubled (``{id}`` → ``{{id}}``)
    so that it matches itself instead of becoming a parameter."""
    return segment.replace("{", "{{").replace("}", "}}")


def literal_json(value: Any) -> Any:
    """A recorded JSON value for a field that may be rendered: every string (keys too) as
    :func:`literal` makes it."""
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, dict):
        return {literal(str(k)): literal_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [literal_json(v) for v in value]
    return value


def replace_escaped(text: str, recorded: str, template: str) -> str:
    """``text`` with each ``recorded`` value replaced by ``template`` and the recorded text
    around it escaped (``/items/42`` → ``/items/{{ path.id }}``)."""
    if not recorded or recorded not in text:
        return literal(text)
    return template.join(escape(piece) for piece in text.split(recorded))
