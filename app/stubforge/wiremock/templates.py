"""WireMock's Handlebars response templates rewritten as our Jinja2 templates, helper by
helper; anything else is reported and the text is served literally.

=========================================  ============================================
WireMock                                   stubforge
=========================================  ============================================
``{{request.path}}``                       ``{{ request_path }}``
``{{request.path.[1]}}``                   ``{{ request_path.split('/')[2] }}``
``{{request.pathSegments.[1]}}``           (same)
``{{request.query.q}}`` (``.[0]``)         ``{{ query['q'] }}``
``{{request.headers.X-Id}}``               ``{{ headers['x-id'] }}``
``{{request.cookies.s}}``                  ``{{ cookies['s'] }}``
``{{request.body}}``                       ``{{ body }}``
``{{request.method}}``                     ``{{ method }}``
``{{jsonPath request.body '$.a.b'}}``      ``{{ (json or {}).get('a', {}).get('b', '') }}``
``{{now}}``, ``{{now format='yyyy-MM-dd'}}``  ``{{ now }}``, ``{{ now('%Y-%m-%d') }}``
``{{now format='epoch'}}`` / ``'unix'``    ``{{ now('epoch_ms') }}`` / ``{{ now('epoch') }}``
``{{randomValue type='UUID'}}``            ``{{ uuid }}``
``{{randomValue length=8 type='HEXADECIMAL'}}``  ``{{ (uuid | replace('-', ''))[:8] }}``
=========================================  ============================================
"""

from __future__ import annotations

import re

_TAG = re.compile(r"\{\{\{?\s*(.*?)\s*\}?\}\}", re.S)
_SEGMENT = re.compile(r"^request\.(?:path|pathSegments)\.\[(\d+)\]$")
_NAMED = re.compile(
    r"^request\.(query|headers|cookies)\.(?:\[)?([^.\[\]]+)(?:\])?(?:\.\[0\]|\.first)?$"
)
_JSONPATH = re.compile(r"""^jsonPath\s+request\.body\s+(['"])(.*)\1$""")
_JP_STEP = re.compile(r"""\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[['"]([^'"]+)['"]\]""")
_NOW = re.compile(r"""^now(?:\s+format=(['"])(.*?)\1)?$""")
_RANDOM_UUID = re.compile(r"""^randomValue\s+type=(['"])UUID\1$""")
_RANDOM = re.compile(
    r"""^randomValue(?=.*\blength=(\d+))(?=.*\btype=['"](ALPHANUMERIC|HEXADECIMAL)['"])"""
    r"""(?:\s+(?:length=\d+|type=['"]\w+['"]|uppercase=(true|false)))+$"""
)
"""``randomValue`` of letters and digits: drawn from fresh UUIDs' hex digits (at most 64)."""

_SIMPLE = {
    "request.path": "request_path",
    "request.url": None,  # path and query: no single name
    "request.body": "body",
    "request.method": "method",
}

_JAVA_FORMAT = [
    ("yyyy", "%Y"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
]


class Untranslatable(ValueError):
    """A Handlebars expression without an equivalent here."""


def has_template(text: str) -> bool:
    return "{{" in text


def _java_format(fmt: str) -> str:
    if fmt == "epoch":
        return "epoch_ms"
    if fmt == "unix":
        return "epoch"
    out = fmt
    for java, strf in _JAVA_FORMAT:
        out = out.replace(java, strf)
    if re.search(r"[A-Za-z]", re.sub(r"%[YmdHMS]", "", out).replace("T", "")):
        raise Untranslatable(f"date format {fmt!r}")
    return out


def _jsonpath(path: str) -> str:
    if not path.startswith("$"):
        raise Untranslatable(f"JSONPath {path!r}")
    rest, steps = path[1:], []
    while rest:
        m = _JP_STEP.match(rest)
        if m is None:
            raise Untranslatable(f"JSONPath {path!r} (only $.name, ['name'] and [N] steps)")
        name, index, quoted = m.groups()
        steps.append(int(index) if index is not None else (name or quoted))
        rest = rest[m.end() :]
    if any(isinstance(s, int) for s in steps):
        return "json" + "".join(f"[{s!r}]" for s in steps)
    # names only: a missing key (or no JSON body) renders '' as WireMock's helper does
    lookups = "".join(f".get({s!r}, {{}})" for s in steps[:-1])
    return f"(json or {{}}){lookups}.get({steps[-1]!r}, '')" if steps else "json"


def expression(expr: str) -> str:
    """One Handlebars expression as a Jinja2 expression (raises :class:`Untranslatable`)."""
    if expr in _SIMPLE:
        target = _SIMPLE[expr]
        if target is None:
            raise Untranslatable(expr)
        return target
    if m := _SEGMENT.match(expr):
        return f"request_path.split('/')[{int(m.group(1)) + 1}]"
    if m := _NAMED.match(expr):
        kind, name = m.groups()
        key = name.lower() if kind == "headers" else name
        return f"{kind}[{key!r}] | default('')"  # Handlebars renders a missing value as ''
    if m := _JSONPATH.match(expr):
        return _jsonpath(m.group(2))
    if m := _NOW.match(expr):
        return "now" if m.group(2) is None else f"now({_java_format(m.group(2))!r})"
    if _RANDOM_UUID.match(expr):
        return "uuid"
    if (m := _RANDOM.match(expr)) and 0 < int(m.group(1)) <= 64:
        n = int(m.group(1))
        source = "uuid" if n <= 32 else "(uuid ~ uuid)"
        upper = " | upper" if m.group(3) == "true" else ""
        return f"({source} | replace('-', ''))[:{n}]{upper}"
    raise Untranslatable(expr.split()[0] if expr.split() else expr)


def translate(text: str) -> str:
    """Rewrite every ``{{...}}`` of ``text``; raises :class:`Untranslatable` on the first
    expression without an equivalent (block helpers included)."""
    literal = _TAG.split(text)
    out = []
    for i, part in enumerate(literal):
        if i % 2 == 0:
            if "{%" in part or "{#" in part:
                raise Untranslatable("text that Jinja2 would read as a tag ('{%' or '{#')")
            out.append(part)
        else:
            if part.startswith(("#", "/", "else", "!", ">")):
                raise Untranslatable(f"block helper {{{{{part.split()[0]}}}}}")
            out.append("{{ " + expression(part) + " }}")
    return "".join(out)
