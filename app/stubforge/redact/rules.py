"""Redaction rules: the defaults, the PII profile, and the rules file.

Two kinds of rule:

* a **pattern rule** (:mod:`stubforge.redact.patterns`) finds secret-shaped values
  anywhere (header values, URLs, bodies of any type);
* a **key rule** redacts the whole value of a header, query/form parameter, cookie,
  XML element or JSON member whose *name* matches (names are compared lower-case with
  ``-`` and ``_`` removed; ``keys`` match exactly, ``contains`` as a substring). The
  value is checked too: booleans, ``null``-like words, values shorter than
  :data:`MIN_SECRET_LEN`, URLs (redacted as URLs instead), and — for a name that only
  *contains* a sensitive word — lower-case identifiers such as ``client_secret_basic``
  are not secrets; a rule may also name a public shape (a ``routing_number`` of nine
  digits with a valid ABA checksum is printed on every cheque).

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

from stubforge.model.patterns import compile_regex
from stubforge.redact.patterns import DEFAULT_PATTERNS, PII_PATTERNS, PatternRule, luhn_ok

__all__ = [
    "DEFAULT_PATTERNS",
    "PII_PATTERNS",
    "KeyRule",
    "PatternRule",
    "RuleSet",
    "RulesError",
    "build_ruleset",
    "load_rules_file",
    "load_ruleset",
    "luhn_ok",
]

MIN_SECRET_LEN = 4
"""Shorter values under a sensitive name are not masked (except digit codes: pin, cvc)."""
NOT_SECRET = frozenset(
    [
        "true",
        "false",
        "null",
        "none",
        "nil",
        "yes",
        "no",
        "on",
        "off",
        "required",
        "optional",
        "enabled",
        "disabled",
        "undefined",
        "n/a",
        "[filtered]",
        "[redacted]",
        "********",
        "***",
    ]
)
_ENUM = re.compile(r"[a-z][a-z0-9_.]{0,39}")
_DATA = re.compile(
    r"-?\d{1,20}(?:\.\d{1,20})?|\d{4}-\d\d-\d\d(?:[T ][\d:.]{5,15}(?:Z|[+-]\d\d:?\d\d)?)?"
)
"""Numbers and ISO dates: under a name that only *contains* a sensitive word
(``refresh_token_expires_in``, ``password_last_changed``) they are not secrets."""
_URL = re.compile(r"(?i)^[a-z][a-z0-9+.-]{0,30}://")
Public = Callable[[str], bool]
Places = frozenset[str]
"""Where a key rule applies: ``header``, ``query``, ``cookie``, ``body`` (None: everywhere)."""


def norm_key(name: str) -> str:
    """Normalise a header/parameter/JSON key name for key-rule matching."""
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


def aba_routing_number(value: str) -> bool:
    """Nine digits with a valid ABA checksum (3-7-1 weights): a public bank routing number."""
    v = value.strip()
    if len(v) != 9 or not v.isdigit():
        return False
    d = [int(c) for c in v]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


def is_url(value: str) -> bool:
    return _URL.match(value) is not None


@dataclass(frozen=True)
class KeyRule:
    """Redact a field whose normalised name is in ``keys`` or contains one of ``contains``."""

    name: str
    keys: frozenset[str] = frozenset()
    contains: tuple[str, ...] = ()
    places: Places | None = None
    public: Public | None = None
    """A value of this shape is public despite the name (not masked)."""
    short: bool = False
    """Short digit codes are secrets here (pin, cvc, otp)."""

    def matches(self, key: str, place: str | None = None) -> bool:
        """True if the field name ``key`` is covered by this rule."""
        if place is not None and self.places is not None and place not in self.places:
            return False
        k = norm_key(key)
        return k in self.keys or any(c in k for c in self.contains)

    def secret(self, key: str, value: str) -> bool:
        """Whether ``value`` under ``key`` is a secret (precision checks, see module doc)."""
        v = value.strip()
        if not v or v.lower() in NOT_SECRET or is_url(v):
            return False
        if self.public is not None and self.public(v):
            return False
        if len(v) < MIN_SECRET_LEN and not (self.short and v.isdigit()):
            return False
        if norm_key(key) in self.keys:
            return True
        return _ENUM.fullmatch(v) is None and _DATA.fullmatch(v) is None


def _k(
    name: str,
    keys: str,
    contains: str = "",
    places: str | None = None,
    public: Public | None = None,
    short: bool = False,
) -> KeyRule:
    """A key rule from space-separated normalised names."""
    where = frozenset(places.split()) if places is not None else None
    return KeyRule(name, frozenset(keys.split()), tuple(contains.split()), where, public, short)


DEFAULT_KEYS: tuple[KeyRule, ...] = (
    _k("cookie", "cookie setcookie"),
    _k(
        "auth-header",
        "authorization proxyauthorization xapikey apikey xauthtoken xaccesstoken xauth xauthkey"
        " xamzsecuritytoken xgoogapikey ocpapimsubscriptionkey xfunctionskey xcsrftoken"
        " xxsrftoken xauthuser xauthemail xapitoken xapisecret",
        "xauth authkey authtoken apitoken",
    ),
    _k("signature", "sig signature", "signature hmacsha"),
    _k("bank-routing", "routingnumber abaroutingnumber routing", public=aba_routing_number),
    _k("digit-code", "otp pin cvc cvv cvv2 cvc2 securitycode verificationcode", short=True),
    _k(
        "secret-key",
        "password passwd pwd pass passphrase token accesstoken refreshtoken idtoken apikey"
        " clientsecret privatekey secret auth credentials sessionid sessiontoken ssn"
        " cardnumber ccnumber pan accountnumber iban accountkey bankaccount"
        " authorizationcode devicecode usercode",
        "password secret token apikey credential privatekey accesskey sessionid",
    ),
    _k("url-parameter", "code key sid session ticket", places="query"),
)

_ALLOW = "tokentype tokens maxtokens totaltokens prompttokens completiontokens tokencount"
DEFAULT_ALLOW_KEYS: frozenset[str] = frozenset(
    (
        _ALLOW + " expiresin xratelimitremainingtokens xratelimitlimittokens xstubforgesession"
        " nexttoken nextpagetoken pagetoken continuationtoken paginationtoken cursortoken"
        " tokenendpoint tokenurl tokenuri"
    ).split()
)
"""Key names that look secret but are not (LLM token counts, OAuth token_type, paging)."""

ALLOW_KEY_PREFIXES: tuple[str, ...] = ("accesscontrol",)
"""CORS headers (``Access-Control-Allow-Credentials: true``) name credentials, hold none."""

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

    def key_rule(self, key: str, place: str | None = None) -> KeyRule | None:
        """The key rule covering field ``key`` (in ``place``), unless the key is allowed."""
        k = norm_key(key)
        if k in self.allow_keys or k.startswith(ALLOW_KEY_PREFIXES):
            return None
        for rule in self.keys:
            if rule.matches(key, place):
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
                    # RE2: a rules-file pattern runs in linear time whatever it is.
                    patterns.insert(0, PatternRule(r.name, compile_regex(r.pattern)))
                except ValueError as exc:
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
