"""Redaction rules: the defaults, the PII profile, and the rules file.

Two kinds of rule:

* a **pattern rule** finds secret-shaped values anywhere (header values, URLs,
  bodies of any type): a regex, optionally with a named group ``secret`` that
  is the part to replace, and optionally a validator (Luhn for card numbers);
* a **key rule** redacts the whole value of a header, query/form parameter,
  cookie or JSON member whose *name* matches (names are compared lower-case
  with ``-`` and ``_`` removed; ``keys`` match exactly, ``contains`` as a
  substring).

Everything is compiled once, when the :class:`RuleSet` is built; a bad regex in
a rules file fails at start-up with its rule name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Validator = Callable[[str], bool]


def norm_key(name: str) -> str:
    """Normalise a header/parameter/JSON key name for key-rule matching."""
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


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


@dataclass(frozen=True)
class PatternRule:
    """A secret-shaped value: ``regex`` (group ``secret`` if only part is secret)."""

    name: str
    regex: re.Pattern[str]
    validate: Validator | None = None
    hints: tuple[str, ...] = ()
    """Lower-case substrings one of which must occur for the regex to be worth running."""

    def worth_running(self, lowered: str) -> bool:
        """Cheap pre-check on the lower-cased text before running the regex."""
        return not self.hints or any(h in lowered for h in self.hints)


@dataclass(frozen=True)
class KeyRule:
    """Redact a field whose normalised name is in ``keys`` or contains one of ``contains``."""

    name: str
    keys: frozenset[str] = frozenset()
    contains: tuple[str, ...] = ()

    def matches(self, key: str) -> bool:
        """True if the field name ``key`` is covered by this rule."""
        k = norm_key(key)
        return k in self.keys or any(c in k for c in self.contains)


def _p(
    name: str, regex: str, validate: Validator | None = None, hints: tuple[str, ...] = ()
) -> PatternRule:
    return PatternRule(name, re.compile(regex, re.ASCII), validate, hints)


# Order matters: the first rule that claims a span wins, so specific formats
# come before the generic ones (a JWT inside "Bearer ..." is labelled jwt).
DEFAULT_PATTERNS: tuple[PatternRule, ...] = (
    _p(
        "private-key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        hints=("private key",),
    ),
    _p(
        "url-credentials",
        r"(?i)\b[a-z][a-z0-9+.-]*://(?P<secret>[^/\s:@\"'<>]+:[^/\s@\"'<>]+)@",
        hints=("://",),
    ),
    _p("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", hints=("eyj",)),
    _p(
        "aws-access-key",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b",
        hints=("akia", "asia", "abia", "acca", "agpa", "aida", "aroa"),
    ),
    _p(
        "aws-secret-key",
        r"(?i)aws.{0,20}?(?:secret|key).{0,20}?[\"'=:\s]+(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        hints=("aws",),
    ),
    _p("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}", hints=("aiza",)),
    _p("google-oauth-token", r"\bya29\.[0-9A-Za-z_-]{20,}", hints=("ya29.",)),
    _p(
        "gcp-service-account-key-id",
        r"(?i)\"private_key_id\"\s*:\s*\"(?P<secret>[0-9a-f]{40})\"",
        hints=("private_key_id",),
    ),
    _p(
        "azure-storage-key",
        r"(?i)AccountKey=(?P<secret>[A-Za-z0-9+/=]{40,100})",
        hints=("accountkey=",),
    ),
    _p("azure-client-secret", r"\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}\b", hints=("q~",)),
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
    _p("twilio-key", r"\b(?:SK|AC)[0-9a-fA-F]{32}\b"),
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
    _p("telegram-bot-token", r"\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b", hints=(":aa",)),
    _p("bearer", r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9._~+/=-]{6,})", hints=("bearer",)),
    _p("basic-auth", r"(?i)\bbasic\s+(?P<secret>[A-Za-z0-9+/]{6,}={0,2})", hints=("basic",)),
    _p(
        "secret-assignment",
        r"(?i)\b(?:password|passwd|pwd|secret|client_secret|api[_-]?key|access[_-]?token"
        r"|auth[_-]?token|refresh[_-]?token)\b\s*[=:]\s*[\"']?(?P<secret>[^\s\"'&,;<>]{4,})",
        hints=("pass", "pwd", "secret", "key", "token"),
    ),
    _p(
        "email",
        r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
        hints=("@",),
    ),
    _p(
        "card-number",
        # Known IIN prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners) with
        # optional single separators, then a Luhn check: epoch millis and ids do not fire.
        r"(?<!\d)(?<!\d\.)(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]))(?:[ -]?\d){11,17}"
        r"(?!\d|\.\d)",
        luhn_ok,
    ),
)


def _k(name: str, keys: str, contains: str = "") -> KeyRule:
    """A key rule from space-separated normalised names."""
    return KeyRule(name, frozenset(keys.split()), tuple(contains.split()))


DEFAULT_KEYS: tuple[KeyRule, ...] = (
    _k("cookie", "cookie setcookie"),
    _k(
        "auth-header",
        "authorization proxyauthorization xapikey apikey xauthtoken xaccesstoken"
        " xamzsecuritytoken xgoogapikey ocpapimsubscriptionkey xfunctionskey xcsrftoken"
        " xxsrftoken",
    ),
    _k("signature", "sig signature", "signature hmacsha"),
    _k(
        "secret-key",
        "password passwd pwd pass passphrase token accesstoken refreshtoken idtoken apikey"
        " clientsecret privatekey secret auth credentials sessionid sessiontoken otp pin cvc"
        " cvv cvv2 ssn cardnumber ccnumber pan accountnumber routingnumber iban accountkey",
        "password secret token apikey credential privatekey accesskey sessionid",
    ),
)

_ALLOW = "tokentype tokens maxtokens totaltokens prompttokens completiontokens tokencount"
DEFAULT_ALLOW_KEYS: frozenset[str] = frozenset(
    (_ALLOW + " expiresin xratelimitremainingtokens xratelimitlimittokens").split()
)
"""Key names that look secret but are not (LLM token counts, OAuth token_type)."""

PII_PATTERNS: tuple[PatternRule, ...] = (
    _p(
        "pii-phone",
        r"(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?!\w)",
    ),
    _p("pii-phone", r"(?<![\w+])\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"),
)

PII_KEYS: tuple[KeyRule, ...] = (
    _k(
        "pii-name",
        "name firstname lastname fullname givenname familyname surname middlename displayname"
        " cardholder cardholdername billingname shippingname contactname username nickname",
    ),
    _k("pii-phone", "phone phonenumber mobile mobilephone tel telephone fax", "phone"),
    _k(
        "pii-address",
        "address addressline1 addressline2 line1 line2 street streetaddress city postalcode"
        " postcode zip zipcode dob dateofbirth birthdate birthday",
        "address street",
    ),
)


# --- rules file --------------------------------------------------------------


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleSpec(_FileModel):
    """A rule added by the rules file: a value ``pattern`` and/or field-name ``keys``."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    pattern: str | None = None
    keys: list[str] = Field(default_factory=list)
    contains: list[str] = Field(default_factory=list)


class AllowSpec(_FileModel):
    """Never redact these exact ``values`` nor the fields named in ``keys``."""

    values: list[str] = Field(default_factory=list)
    keys: list[str] = Field(default_factory=list)


class RulesFile(_FileModel):
    """``--rules FILE``: YAML with ``version: 1``, ``rules``, ``allow``, ``disable``."""

    version: int = 1
    rules: list[RuleSpec] = Field(default_factory=list)
    allow: AllowSpec = Field(default_factory=AllowSpec)
    disable: list[str] = Field(default_factory=list)


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and field."""


@dataclass(frozen=True)
class RuleSet:
    """Everything the redactor needs, compiled."""

    patterns: tuple[PatternRule, ...]
    keys: tuple[KeyRule, ...]
    allow_values: frozenset[str] = frozenset()
    allow_keys: frozenset[str] = field(default_factory=lambda: DEFAULT_ALLOW_KEYS)

    @property
    def names(self) -> list[str]:
        """All rule names, for ``--list-rules`` and error messages."""
        return sorted({r.name for r in self.patterns} | {r.name for r in self.keys})

    def key_rule(self, key: str) -> KeyRule | None:
        """The key rule covering field ``key``, unless the key is allow-listed."""
        if norm_key(key) in self.allow_keys:
            return None
        for rule in self.keys:
            if rule.matches(key):
                return rule
        return None


def all_rule_names(pii: bool = True) -> list[str]:
    """Names of the built-in rules (optionally with the PII profile)."""
    pats: Iterable[PatternRule] = DEFAULT_PATTERNS + (PII_PATTERNS if pii else ())
    keys: Iterable[KeyRule] = DEFAULT_KEYS + (PII_KEYS if pii else ())
    return sorted({r.name for r in pats} | {r.name for r in keys})


def build_ruleset(
    pii: bool = False, spec: RulesFile | None = None, source: str = "rules"
) -> RuleSet:
    """Defaults (+ PII profile) + a rules file, with disabled rules removed."""
    patterns = list(DEFAULT_PATTERNS) + (list(PII_PATTERNS) if pii else [])
    keys = list(DEFAULT_KEYS) + (list(PII_KEYS) if pii else [])
    allow_values: set[str] = set()
    allow_keys = set(DEFAULT_ALLOW_KEYS)
    if spec is not None:
        known = set(all_rule_names(pii=True)) | {r.name for r in spec.rules}
        for i, name in enumerate(spec.disable):
            if name not in known:
                choices = ", ".join(sorted(known))
                raise RulesError(f"{source}: disable[{i}]: unknown rule {name!r}; known: {choices}")
        for i, r in enumerate(spec.rules):
            if r.pattern is None and not r.keys and not r.contains:
                raise RulesError(
                    f"{source}: rules[{i}] ({r.name}): needs pattern, keys or contains"
                )
            if r.pattern is not None:
                try:
                    patterns.insert(0, PatternRule(r.name, re.compile(r.pattern)))
                except re.error as exc:
                    raise RulesError(f"{source}: rules[{i}].pattern ({r.name}): {exc}") from exc
            if r.keys or r.contains:
                keys.insert(
                    0,
                    KeyRule(
                        r.name,
                        frozenset(norm_key(k) for k in r.keys),
                        tuple(norm_key(c) for c in r.contains),
                    ),
                )
        disabled = set(spec.disable)
        patterns = [p for p in patterns if p.name not in disabled]
        keys = [k for k in keys if k.name not in disabled]
        allow_values.update(spec.allow.values)
        allow_keys.update(norm_key(k) for k in spec.allow.keys)
    return RuleSet(tuple(patterns), tuple(keys), frozenset(allow_values), frozenset(allow_keys))


def load_rules_file(path: str | Path) -> RulesFile:
    """Parse and validate a rules file; errors become :class:`RulesError` with the path."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise RulesError(f"{p}: cannot read rules file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{p}: invalid YAML: {exc}") from exc
    try:
        spec = RulesFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise RulesError(f"{p}: {loc}: {first['msg']}") from exc
    if spec.version != 1:
        raise RulesError(f"{p}: version: expected 1, got {spec.version}")
    return spec


def load_ruleset(path: str | Path | None = None, pii: bool = False) -> RuleSet:
    """The defaults (+ PII profile) plus the rules file at ``path``, if any."""
    spec = load_rules_file(path) if path is not None else None
    return build_ruleset(pii=pii, spec=spec, source=str(path))
