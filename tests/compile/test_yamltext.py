"""The YAML writer gives every value back exactly: any text (multi-line as a literal
block when YAML allows it), numbers, nesting."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from stubforge.compile.yamltext import dump

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(["\n", " ", "\t"])
)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(value=values)
def test_any_value_reads_back_exactly(value: Any) -> None:
    document = {"routes": [{"response": {"body": value, "list": [value]}}]}
    assert yaml.safe_load(dump(document)) == document


def test_multi_line_text_is_a_literal_block() -> None:
    text = dump({"body": "<a>\n  <b>1</b>\n</a>\n"})
    assert text == "body: |\n  <a>\n    <b>1</b>\n  </a>\n"


@settings(max_examples=100, deadline=None)
@given(comment=texts)
def test_recorded_text_in_a_comment_never_becomes_yaml(comment: str) -> None:
    from stubforge.compile.yamltext import Commented

    document = {"routes": [Commented({"id": "a"}, [comment, "x\nroutes: []"])]}
    text = dump(document, [comment])
    assert yaml.safe_load(text) == {"routes": [{"id": "a"}]}
