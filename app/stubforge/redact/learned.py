"""Secrets already seen, found again in any text in one linear pass.

A remembered secret is replaced only as a whole token: the characters around it are not
letters or digits. So an occurrence always starts where a *word* (a run of letters and
digits) starts, or just before it when the secret begins with punctuation. The index
maps the first eight characters of a secret's first word to the secrets that begin so;
scanning a text looks up each word once. Cost: linear in the text, independent of how
many secrets are remembered (a regex alternation of every secret, rebuilt as secrets
arrive, slows each scan down with every secret learned).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z0-9]+")
_KEYS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{1,8}")
"""The index key of every word (its first eight characters), found in C in one pass."""
_KEY = 8


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


@dataclass(frozen=True)
class Known:
    """A remembered secret: the text, its punctuation prefix and its placeholder."""

    text: str
    lead: int
    """How many characters precede its first word (punctuation such as ``+`` or ``/``)."""
    placeholder: str
    rule: str


class LearnedSecrets:
    """Remembered secrets and their placeholders (bounded by ``limit`` entries)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._by_text: dict[str, Known] = {}
        self._index: dict[str, list[Known]] = {}

    def __len__(self) -> int:
        return len(self._by_text)

    def get(self, text: str) -> Known | None:
        return self._by_text.get(text)

    def add(self, text: str, placeholder: str, rule: str) -> None:
        """Remember ``text`` (ignored without a word, or when the memory is full)."""
        if text in self._by_text or len(self._by_text) >= self.limit:
            return
        m = _WORD.search(text)
        if m is None:
            return
        known = Known(text, m.start(), placeholder, rule)
        self._by_text[text] = known
        self._index.setdefault(m.group()[:_KEY], []).append(known)

    def replace(self, text: str, hit: Callable[[str], None]) -> str:
        """``text`` with every remembered secret (as a whole token) replaced; ``hit`` is
        called with the rule of each."""
        if not self._index or self._index.keys().isdisjoint(_KEYS.findall(text)):
            return text
        out: list[str] = []
        pos = 0
        for m in _WORD.finditer(text):
            ws = m.start()
            if ws < pos:
                continue
            cands = self._index.get(m.group()[:_KEY])
            if not cands:
                continue
            best: Known | None = None
            for k in cands:
                start = ws - k.lead
                end = start + len(k.text)
                if (
                    start >= pos
                    and text.startswith(k.text, start)
                    and (start == 0 or not _alnum(text[start - 1]))
                    and (end == len(text) or not _alnum(text[end]))
                    and (best is None or len(k.text) > len(best.text))
                ):
                    best = k
            if best is not None:
                start = ws - best.lead
                out.append(text[pos:start])
                out.append(best.placeholder)
                pos = start + len(best.text)
                hit(best.rule)
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
