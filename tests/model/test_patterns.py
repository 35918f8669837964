"""Stub regexes: RE2 syntax, linear time, errors a user can act on."""

from __future__ import annotations

import pytest

from stubforge.model.patterns import compile_regex


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "pattern", ["^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "(x+x+)+y", "^(\\w+\\s?)*$"]
)
def test_catastrophic_patterns_run_in_linear_time(pattern: str) -> None:
    # with a backtracking engine each of these takes minutes or more on this input
    hostile = "a" * 50_000 + "!"
    assert compile_regex(pattern).search(hostile) is None


def test_search_semantics_and_ignore_case() -> None:
    assert compile_regex("^Bearer ").search("Bearer abc") is not None
    assert compile_regex("cus_").search("xx cus_1") is not None
    assert compile_regex("^bearer ", ignore_case=True).search("BEARER x") is not None
    assert compile_regex("^bearer ").search("BEARER x") is None


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(a)\\1", "no backreferences"),
        ("(?=a)b", "no backreferences or lookaround"),
        ("(?<!a)b", "lookaround"),
        ("(unclosed", "missing )"),
    ],
)
def test_unsupported_or_broken_patterns_are_value_errors(pattern: str, words: str) -> None:
    with pytest.raises(ValueError) as info:
        compile_regex(pattern)
    assert words in str(info.value)
    assert repr(pattern) in str(info.value)


def test_a_pattern_too_large_for_the_memory_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid regular expression"):
        compile_regex("((a{100}){100}){100}")
