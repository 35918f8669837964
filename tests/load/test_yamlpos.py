"""YAML limits: alias bombs, deep nesting and huge texts are errors, quickly."""

from __future__ import annotations

import pytest

from stubforge.load.yamlpos import MAX_BYTES, YamlError, load_plain_yaml, load_yaml

BOMB = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.timeout(20)
def test_an_alias_bomb_is_an_error_not_gigabytes() -> None:
    assert len(BOMB.encode()) < 500
    with pytest.raises(YamlError, match="alias bomb"):
        load_yaml(BOMB)


@pytest.mark.timeout(20)
def test_a_merge_key_bomb_is_an_error_too() -> None:
    lines = ["l0: &l0 {a: 1, b: 2}"]
    lines += [f"l{i}: &l{i} {{x: *l{i - 1}, y: *l{i - 1}, z: *l{i - 1}}}" for i in range(1, 20)]
    with pytest.raises(YamlError, match="alias bomb"):
        load_plain_yaml("\n".join(lines))


def test_ordinary_aliases_and_merge_keys_still_work() -> None:
    data = load_plain_yaml("base: &b {x: 1}\none: *b\ntwo: {<<: *b, y: 2}\n")
    assert data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1, "y": 2}}


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "text", ["[" * 5000 + "]" * 5000, "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200))]
)
def test_deep_nesting_is_an_error(text: str) -> None:
    with pytest.raises(YamlError, match="nest"):
        load_yaml(text)


def test_a_text_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(YamlError, match="limit"):
        load_yaml("a: " + "x" * MAX_BYTES)
