"""Load-time check of response templates (sandboxed Jinja2 syntax).

A string is a template when it contains ``{{`` or ``{%``. The runtime environment lives
in ``stubforge.behave.templating``; both use :func:`make_environment` so they agree on syntax.
"""

from __future__ import annotations

from typing import Annotated, Any

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import AfterValidator, ValidationInfo


def make_environment() -> ImmutableSandboxedEnvironment:
    """The one Jinja2 configuration stubforge uses: sandboxed, immutable, strict undefined."""
    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


_ENV = make_environment()


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def check_template(text: str) -> None:
    """Raise ``ValueError`` when ``text`` is a template that does not parse."""
    if not is_template(text):
        return
    try:
        _ENV.parse(text)
    except TemplateSyntaxError as exc:
        raise ValueError(
            f"template does not parse: {exc.message} (template line {exc.lineno})"
        ) from None


def _checked(text: str, info: ValidationInfo) -> str:
    # a response with ``template: false`` (validated before its texts) keeps braces literal
    if info.data.get("template") is not False:
        check_template(text)
    return text


TemplateText = Annotated[str, AfterValidator(_checked)]
"""Text that may be a template; a template that does not parse is a load error at its line."""


def check_templates_in(value: Any) -> None:
    """Check every string in a JSON-like value (keys included)."""
    if isinstance(value, str):
        check_template(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_template(str(k))
            check_templates_in(v)
    elif isinstance(value, list):
        for item in value:
            check_templates_in(item)


def contains_template(value: Any) -> bool:
    if isinstance(value, str):
        return is_template(value)
    if isinstance(value, dict):
        return any(is_template(str(k)) or contains_template(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_template(v) for v in value)
    return False
