"""Response header values: scalars mean their text, line breaks are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stubforge.model.response import ResponseSpec


@pytest.mark.parametrize(
    ("written", "text"),
    [(10, "10"), (1.5, "1.5"), (True, "true"), (False, "false"), ("10", "10")],
)
def test_scalar_header_values_become_text(written: object, text: str) -> None:
    spec = ResponseSpec.model_validate({"headers": {"retry-after": written}})
    assert spec.headers == {"retry-after": text}


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, "a\r\nb"])
def test_other_header_values_are_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        ResponseSpec.model_validate({"headers": {"x-a": value}})
