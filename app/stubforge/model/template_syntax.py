"""Load-time check of response templates (sandboxed Jinja2 syntax).

A string is a template when it contains ``{{`` or ``{%``. The runtime environment lives
in ``stubforge.behave.templating``; both use :func:`make_environment` so they agree on syntax.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from pydantic import AfterValidator, ValidationInfo

from stubforge.model.digests import HELPERS
from stubforge.model.template_budget import HIDDEN_GLOBALS, BudgetedEnvironment

CONTEXT_NAMES = frozenset(
    {
        "path",
        "query",
        "headers",
        "cookies",
        "body",
        "json",
        "method",
        "request_path",
        "now",
        "uuid",
        "request",
        "response",
    }
)
"""The names a response template can read (``stubforge.behave.templating.context_for``;
``response`` in header templates only)."""
_LOCAL_NAMES = frozenset({"loop", "varargs", "kwargs", "caller", "self"})


def make_environment() -> BudgetedEnvironment:
    """The one Jinja2 configuration stubforge uses: sandboxed, immutable, strict undefined,
    every render bounded by :mod:`stubforge.model.template_budget`."""
    env = BudgetedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    env.globals.update(HELPERS)  # the digest helpers (md5, crc32, ...)
    return env


_ENV = make_environment()


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def check_template(text: str) -> None:
    """Raise ``ValueError`` when ``text`` is a template that does not parse."""
    if not is_template(text):
        return
    try:
        tree = _ENV.parse(text)
    except TemplateSyntaxError as exc:
        raise ValueError(
            f"template does not parse: {exc.message} (template line {exc.lineno})"
        ) from None
    _check_names(tree)


def _unknown(kind: str, name: str, known: Any, line: int | None) -> ValueError:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ValueError(f"template uses unknown {kind} {name!r}{hint} (template line {line})")


def _check_names(tree: nodes.Template) -> None:
    """Filters, tests and names that do not exist are load errors, not render errors."""
    for node in tree.find_all(nodes.Filter):
        if node.name not in _ENV.filters:
            raise _unknown("filter", node.name, _ENV.filters, node.lineno)
    for test in tree.find_all(nodes.Test):
        if test.name not in _ENV.tests:
            raise _unknown("test", test.name, _ENV.tests, test.lineno)
    try:
        names = meta.find_undeclared_variables(tree)
    except TemplateError as exc:  # pragma: no cover - the checks above come first
        raise ValueError(f"template does not compile: {exc}") from None
    visible = (CONTEXT_NAMES | set(_ENV.globals) | _LOCAL_NAMES) - HIDDEN_GLOBALS
    for name in sorted(names - visible):
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), tree.lineno)
        raise _unknown("name", name, visible, line)


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


def check_finite(value: Any) -> None:
    """Raise ``ValueError`` when a JSON-like value holds NaN or an infinity (not JSON)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError(f"{value} is not a JSON number (NaN and infinities have no JSON form)")
    if isinstance(value, dict):
        for item in value.values():
            check_finite(item)
    elif isinstance(value, list):
        for item in value:
            check_finite(item)
