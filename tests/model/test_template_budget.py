"""The render budget: hostile templates stop at the time or output cap, ordinary ones
render unchanged; unknown filters, tests and names are load errors."""

from __future__ import annotations

from typing import Any

import pytest

from stubforge.behave.templating import compile_json, compile_text
from stubforge.model.template_budget import BudgetExceeded, render_budget
from stubforge.model.template_syntax import CONTEXT_NAMES, check_template

CTX: dict[str, Any] = {"path": {"id": "7"}, "query": {}, "json": None}

HOSTILE = {
    "nested-ranges": "{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% endfor %}{% endfor %}",
    "nested-ranges-output": "{% for i in range(100000) %}{% for j in range(100000) %}x"
    "{% endfor %}{% endfor %}",
    "string-repeat": "{{ 'x' * 100000000 }}",
    "list-repeat": "{{ ([1] * 100000000) | length }}",
    "big-power": "{{ 10 ** 100000000 }}",
    "doubling-concat": "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "doubling-plus": "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "macro-fanout": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
    "{% endmacro %}{{ f(60) }}",
    "center": "{{ 'x' | center(1000000000) }}",
    "format-width": "{{ '%1000000000d' % 1 }}",
    "str-format-width": "{{ '{:>1000000000}'.format(1) }}",
    "loop-over-string": "{% set s = 'y' * 3000 %}{% for a in s %}{% for b in s %}"
    "{% for c in s %}{% endfor %}{% endfor %}{% endfor %}",
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("template", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_templates_stop_at_the_budget(template: str) -> None:
    check_template(template)  # all of these are valid templates
    render = compile_text(template)
    with pytest.raises(BudgetExceeded), render_budget(seconds=0.2, max_output=1 << 20):
        render(CTX)


@pytest.mark.timeout(20)
def test_whole_expression_json_values_are_bounded_too() -> None:
    render = compile_json({"a": "{{ 'x' * 100000000 }}"})
    with pytest.raises(BudgetExceeded), render_budget():
        render(CTX)


def test_ordinary_templates_render_as_before() -> None:
    with render_budget():
        assert compile_text("{% for i in range(3) %}{{ i }}{{ loop.last }}{% endfor %}")(CTX) == (
            "0False1False2True"
        )
        assert compile_text("{{ 'ab' ~ path.id ~ 'c' }}-{{ 'x' * 3 }}")(CTX) == "ab7c-xxx"
        assert compile_text("{{ range(5) | list | length }} {{ 2 ** 10 }}")(CTX) == "5 1024"
        assert compile_json({"n": "{{ path.id | int + 1 }}"})(CTX) == {"n": 8}
        assert compile_text("{{ '%05d' % 42 }} {{ '{:>4}'.format('a') }}")(CTX) == "00042    a"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ path.id | defualt(1) }}", "unknown filter 'defualt'; did you mean 'default'?"),
        ("{% if 0 %}{{ 1 | nope }}{% endif %}", "unknown filter 'nope'"),
        ("{{ defualt(1) }}", "unknown name 'defualt'"),
        ("{{ pth.id }}", "unknown name 'pth'; did you mean 'path'?"),
        ("{{ 1 is evn }}", "unknown test 'evn'; did you mean 'even'?"),
        ("{{ lipsum() }}", "unknown name 'lipsum'"),
        ("line one\n{{ path.id | nope }}", "(template line 2)"),
    ],
)
def test_unknown_filters_tests_and_names_are_load_errors(template: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        check_template(template)
    assert message in str(info.value)


def test_every_context_name_is_known_to_the_load_check() -> None:
    from stubforge.behave.templating import context_for
    from stubforge.match.request import Request

    # ``response`` (the body being sent) is added for header templates only
    assert set(context_for(Request("GET", "/"), {})) | {"response"} == CONTEXT_NAMES
    check_template("{{ " + " ~ ".join(sorted(CONTEXT_NAMES)) + " }}")
    check_template("{% for x in range(2) %}{{ loop.index }}{% endfor %}{% set y = 1 %}{{ y }}")
