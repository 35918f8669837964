"""Value rules: what a secret looks like, wherever it appears.

Every built-in pattern runs in time linear in the text it scans. Two habits make it so
(Python's ``re`` backtracks, and a careless pattern rescans the same run of characters
from every position in it):

* a match may only **start where a run of its own characters starts** (a negative
  lookbehind of the character class, or a literal prefix that cannot repeat inside
  the run), so a failed attempt is never retried from the middle of the same run;
* every repetition that can fail after consuming text is **bounded** (an e-mail local
  part is at most 64 characters, a domain at most 8 labels), so one attempt costs a
  constant.

Shapes that a regex cannot find in one pass (a PEM block whose ``END`` line may be
missing) have a finder function instead. ``tests/redact/test_linear.py`` feeds every
rule its worst input and ``bench/redaction.py`` measures the cost per MiB.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Validator = Callable[[str], bool]
Context = Callable[[str, int], bool]
"""``(text, start)`` of a candidate: whether its surroundings make it a secret."""
Finder = Callable[[str], Iterator[tuple[int, int]]]


def luhn_ok(candidate: str) -> bool:
    """True if the digits of ``candidate`` pass the Luhn check (13-19 digits)."""
    digits = [int(c) for c in candidate if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


CARD_MARK = "0000"
"""Digits 3-6 of a card placeholder: a test-card range, never a live card."""


def card_number(candidate: str) -> bool:
    """Luhn-valid 13-19 digits, and not one of our placeholders (brand + ``0000``)."""
    digits = "".join(c for c in candidate if c.isdigit())
    return luhn_ok(digits) and digits[2:6] != CARD_MARK


EMAIL_PLACEHOLDER_RE = re.compile(r"u-[0-9a-f]{12}@example\.invalid")
DOC_DOMAINS = ("example.com", "example.org", "example.net", "example.edu")
DOC_TLDS = ("example", "invalid", "test", "localhost")


def is_documentation_domain(domain: str) -> bool:
    """RFC 2606 / 6761 names (``example.com``, ``*.example``, ``*.invalid``, ``*.test``)."""
    d = domain.lower().rstrip(".")
    if d.rsplit(".", 1)[-1] in DOC_TLDS:
        return True
    return any(d == x or d.endswith("." + x) for x in DOC_DOMAINS)


def email_is_private(address: str) -> bool:
    """An address at a documentation domain is sample data, not a person."""
    return not is_documentation_domain(address.rpartition("@")[2])


def basic_credentials(value: str) -> bool:
    """``Basic`` followed by base64 of ``user:password`` (not the English word "basic")."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded


def _aws_context(text: str, start: int) -> bool:
    before = text[max(0, start - 64) : start].lower()
    return "aws" in before and ("secret" in before or "key" in before)


_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_END = re.compile(r"-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=\s:,-]*+")


def private_key_blocks(text: str) -> Iterator[tuple[int, int]]:
    """PEM private-key blocks; one with no ``END`` (a truncated body) runs to the end of
    its base64 text. One pass over the markers: linear however many there are."""
    ends = [m.span() for m in _END.finditer(text)]
    j = 0
    pos = 0
    for m in _BEGIN.finditer(text):
        if m.start() < pos:
            continue
        while j < len(ends) and ends[j][0] < m.end():
            j += 1
        if j < len(ends):
            pos = ends[j][1]
            j += 1
        else:
            body = _PEM_BODY.match(text, m.end())
            pos = body.end() if body else m.end()
        yield m.start(), pos


@dataclass(frozen=True)
class PatternRule:
    """A secret-shaped value: ``regex`` (group ``secret`` if only part is secret)."""

    name: str
    regex: re.Pattern[str]
    """Built-in rules use ``re`` (linear by construction, see above); rules-file patterns
    are compiled with RE2, linear whatever the pattern."""
    validate: Validator | None = None
    hints: tuple[str, ...] = ()
    """Lower-case substrings one of which must occur for the regex to be worth running."""
    context: Context | None = None
    find: Finder | None = None
    """Finds the spans itself (instead of ``regex``)."""

    def worth_running(self, lowered: str) -> bool:
        """Cheap pre-check on the lower-cased text before running the regex."""
        return not self.hints or any(h in lowered for h in self.hints)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of every secret this rule finds in ``text``, left to right."""
        if self.find is not None:
            yield from self.find(text)
            return
        group = self.regex.groupindex.get("secret", 0)
        for m in self.regex.finditer(text):
            s, e = m.span(group)
            if s < 0 or s == e:
                continue
            if self.validate is not None and not self.validate(text[s:e]):
                continue
            if self.context is not None and not self.context(text, s):
                continue
            yield s, e


def _p(
    name: str,
    regex: str,
    validate: Validator | None = None,
    hints: tuple[str, ...] = (),
    context: Context | None = None,
) -> PatternRule:
    return PatternRule(name, re.compile(regex, re.ASCII), validate, hints, context)


_B64URL = "A-Za-z0-9_-"

# Order matters: the first rule that claims a span wins, so specific formats
# come before the generic ones (a JWT inside "Bearer ..." is labelled jwt).
DEFAULT_PATTERNS: tuple[PatternRule, ...] = (
    PatternRule("private-key", _BEGIN, hints=("private key",), find=private_key_blocks),
    _p(
        "url-credentials",
        r"(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}://"
        r"(?P<secret>[^/\s:@\"'<>]{1,256}:[^/\s@\"'<>]{1,256})@",
        hints=("://",),
    ),
    _p(
        "jwt",
        rf"(?<![{_B64URL}])eyJ[{_B64URL}]{{8,}}\.[{_B64URL}]{{8,}}\.[{_B64URL}]{{8,}}",
        hints=("eyj",),
    ),
    _p(
        "aws-access-key",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b",
        hints=("akia", "asia", "abia", "acca", "agpa", "aida", "aroa"),
    ),
    _p(
        "aws-secret-key",
        r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        hints=("aws",),
        context=_aws_context,
    ),
    _p("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}", hints=("aiza",)),
    _p("google-oauth-token", r"\bya29\.[0-9A-Za-z_-]{20,}", hints=("ya29.",)),
    _p(
        "gcp-service-account-key-id",
        r"(?i)\"private_key_id\"\s{0,8}:\s{0,8}\"(?P<secret>[0-9a-f]{40})\"",
        hints=("private_key_id",),
    ),
    _p(
        "azure-storage-key",
        r"(?i)AccountKey=(?P<secret>[A-Za-z0-9+/=]{40,100})",
        hints=("accountkey=",),
    ),
    _p(
        "azure-client-secret",
        r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
        hints=("q~",),
    ),
    _p("azure-sas-signature", r"(?i)[?&]sig=(?P<secret>[A-Za-z0-9%+/=]{16,})", hints=("sig=",)),
    _p("stripe-key", r"\b(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{10,}", hints=("_live_", "_test_")),
    _p("stripe-webhook-secret", r"\bwhsec_[0-9A-Za-z]{20,}", hints=("whsec_",)),
    _p(
        "github-token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|\bgithub_pat_[A-Za-z0-9_]{22,}",
        hints=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _p("gitlab-token", r"\bglpat-[A-Za-z0-9_-]{20,}", hints=("glpat-",)),
    _p("slack-token", r"\bxox[abposre]-[A-Za-z0-9-]{10,}", hints=("xox",)),
    _p(
        "slack-webhook",
        r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}",
        hints=("hooks.slack.com",),
    ),
    _p("twilio-key", r"\bSK[0-9a-fA-F]{32}\b", hints=("sk",)),
    _p("sendgrid-key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", hints=("sg.",)),
    _p("mailgun-key", r"\bkey-[0-9a-zA-Z]{32}\b", hints=("key-",)),
    _p("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b", hints=("npm_",)),
    _p("pypi-token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}", hints=("pypi-",)),
    _p("openai-key", r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}", hints=("sk-",)),
    _p(
        "shopify-token",
        r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b",
        hints=("shpat_", "shpca_", "shppa_", "shpss_"),
    ),
    _p(
        "square-token",
        r"\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,}|\bEAAA[A-Za-z0-9_-]{60}",
        hints=("sq0", "eaaa"),
    ),
    _p(
        "paypal-braintree-token",
        r"access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}",
        hints=("access_token$",),
    ),
    _p("digitalocean-token", r"\bdo[opr]_v1_[a-f0-9]{64}\b", hints=("_v1_",)),
    _p("vault-token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}", hints=("hvs.", "hvb.", "hvr.")),
    _p("telegram-bot-token", r"(?<!\d)\d{8,10}:AA[0-9A-Za-z_-]{33}\b", hints=(":aa",)),
    _p(
        "bearer",
        r"(?i)\bbearer\s{1,8}(?![a-z_]{1,20}=\")(?P<secret>[A-Za-z0-9._~+/=-]{6,})",
        hints=("bearer",),
    ),
    _p(
        "basic-auth",
        r"(?i)\bbasic\s{1,8}(?P<secret>[A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])",
        basic_credentials,
        hints=("basic",),
    ),
    _p(
        "secret-assignment",
        r"(?i)(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9_.-]{0,40}[_.-])?"
        r"(?:password|passwd|pwd|secret|client_secret|secret_key|access_key|private_key"
        r"|api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token)"
        r"\b\s{0,4}[=:]\s{0,4}[\"']?"
        r"(?P<secret>[^\s\"'&,;<>]{4,})",
        hints=("pass", "pwd", "secret", "key", "token"),
    ),
    _p(
        "email",
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}"
        r"(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-]|:[\w~/.])",
        email_is_private,
        hints=("@",),
    ),
    _p(
        "card-number",
        # Known IIN prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners) with
        # optional single separators, then a Luhn check: epoch millis and ids do not fire.
        r"(?<!\d)(?<!\d\.)(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]))(?:[ -]?\d){11,17}"
        r"(?!\d|\.\d)",
        card_number,
    ),
)

PII_PATTERNS: tuple[PatternRule, ...] = (
    _p(
        "pii-phone",
        r"(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?!\w)",
        hints=("+",),
    ),
    _p("pii-phone", r"(?<![\w+(])\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"),
)
