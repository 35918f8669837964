"""Handlebars helpers rewritten as our templates; the rest is refused by name."""

from __future__ import annotations

import pytest

from stubforge.wiremock.templates import Untranslatable, translate


@pytest.mark.parametrize(
    ("handlebars", "jinja"),
    [
        ("{{request.path.[1]}}", "{{ request_path.split('/')[2] }}"),
        ("{{request.pathSegments.[0]}}", "{{ request_path.split('/')[1] }}"),
        ("{{request.path}}", "{{ request_path }}"),
        ("{{request.method}} {{request.body}}", "{{ method }} {{ body }}"),
        ("{{request.query.q}}", "{{ query['q'] | default('') }}"),
        ("{{request.query.q.[0]}}", "{{ query['q'] | default('') }}"),
        ("{{request.headers.X-Trace-Id}}", "{{ headers['x-trace-id'] | default('') }}"),
        ("{{request.cookies.session}}", "{{ cookies['session'] | default('') }}"),
        (
            "{{jsonPath request.body '$.order.amount'}}",
            "{{ (json or {}).get('order', {}).get('amount', '') }}",
        ),
        ("{{jsonPath request.body '$.items[0].sku'}}", "{{ json['items'][0]['sku'] }}"),
        ("{{now}}", "{{ now }}"),
        ("{{now format='yyyy-MM-dd'}}", "{{ now('%Y-%m-%d') }}"),
        ("{{now format='epoch'}}", "{{ now('epoch_ms') }}"),
        ("{{now format='unix'}}", "{{ now('epoch') }}"),
        ("{{randomValue type='UUID'}}", "{{ uuid }}"),
        (
            "{{randomValue length=10 type='ALPHANUMERIC'}}",
            "{{ (uuid | replace('-', ''))[:10] }}",
        ),
        (
            "{{randomValue type='HEXADECIMAL' length=40 uppercase=true}}",
            "{{ ((uuid ~ uuid) | replace('-', ''))[:40] | upper }}",
        ),
        ("id-{{{request.path.[2]}}}-x", "id-{{ request_path.split('/')[3] }}-x"),
    ],
)
def test_helpers_with_an_equivalent(handlebars: str, jinja: str) -> None:
    assert translate(handlebars) == jinja


@pytest.mark.parametrize(
    ("handlebars", "named"),
    [
        ("{{#each request.query.x}}{{this}}{{/each}}", "block helper {{#each}}"),
        ("{{randomValue length=10 type='NUMERIC'}}", "randomValue"),
        ("{{randomValue length=100 type='ALPHANUMERIC'}}", "randomValue"),
        ("{{now offset='3 days'}}", "now"),
        ("{{now format='EEE, d MMM'}}", "date format"),
        ("{{jsonPath request.body '$..id'}}", "JSONPath"),
        ("{{request.url}}", "request.url"),
        ("literal {% raw %}", "'{%'"),
    ],
)
def test_helpers_without_one_are_named(handlebars: str, named: str) -> None:
    with pytest.raises(Untranslatable, match=named.replace("{", r"\{").replace("}", r"\}")):
        translate(handlebars)


def test_translations_render_with_our_templating() -> None:
    from stubforge.behave.templating import compile_text, context_for
    from stubforge.match.request import Request

    text = translate(
        "{{request.path.[1]}}|{{request.query.q}}|{{request.query.none}}|"
        "{{jsonPath request.body '$.a.b'}}|{{randomValue length=40 type='HEXADECIMAL'}}"
    )
    request = Request("POST", "/users/u7", b"q=x", [], b'{"a": {"b": 5}}')
    rendered = str(compile_text(text)(context_for(request, {})))
    segment, q, none, b, random = rendered.split("|")
    assert (segment, q, none, b) == ("u7", "x", "", "5")
    assert len(random) == 40 and all(c in "0123456789abcdef" for c in random)
