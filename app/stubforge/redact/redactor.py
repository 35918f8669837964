"""Redaction of a recording entry before it reaches disk.

:class:`Redactor` works on a HAR entry as a plain JSON dict (the shape of
:mod:`stubforge.model.recording`), so the recorder, ``stubforge import har``, the journal
view and the proxy share it. It never imports mitmproxy.

What it does, in order, for the request and then the response:

1. URL: secret-shaped values anywhere in the URL (credentials, keys in the
   path), then query parameters by name (key rules) and by value (patterns).
2. Headers: ``Authorization``-like headers keep their scheme and lose the
   credentials; ``Cookie`` / ``Set-Cookie`` keep names and attributes; URL-valued
   headers (``Location``, ``Referer``) and the URLs of a ``Link`` header are redacted
   like URLs; every other value is scanned for secret-shaped strings.
3. Bodies, by format (:mod:`stubforge.redact.formats`): JSON (and JSON inside JSON
   strings), NDJSON, server-sent events, forms, multipart forms, XML/SOAP by member /
   field / element name and by value; any other body (text or binary, byte for byte)
   is scanned for secret-shaped strings. ``Content-Length`` and the HAR sizes are
   recomputed when a body changed.
4. Every secret found is remembered (for the life of the redactor), so the same
   value is replaced wherever it shows up again, even without context: an
   opaque token that the upstream echoes in a response body is caught because
   it was seen in an ``Authorization`` header.

A replaced value keeps its shape (:mod:`stubforge.redact.placeholders`); an opaque one
becomes ``redacted~<kind>~<12 hex>``. Both come from an HMAC of the value under a key
kept outside the recordings: equal secrets give equal placeholders, and nobody can test
a guess against a recording without the key. What fired, and where, is counted in
:attr:`Redactor.report`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from stubforge.model.recording import PLACEHOLDER_RE
from stubforge.redact import formats
from stubforge.redact.learned import LearnedSecrets
from stubforge.redact.patterns import EMAIL_PLACEHOLDER_RE
from stubforge.redact.placeholders import is_redacted_jwt, shaped
from stubforge.redact.rules import KeyRule, RuleSet, is_url

JsonDict = dict[str, Any]

KEY_ENV = "STUBFORGE_REDACT_KEY"
UNDECODABLE = "_undecodable"
"""A body the recorder could not decode: ``{size, contentEncoding, reason, digest}``. The
redactor stores a placeholder as its text (fail closed) and drops the digest."""
_LEARN_MIN = 8
_LEARN_MAX = 200_000
_URL_HEADERS = frozenset({"location", "content-location", "referer", "origin", "refresh"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,30})\s+(\S.*)$", re.S)
_LINK_URL = re.compile(r"<([^<>]{0,8192})>")


def default_key_file() -> Path:
    """``$XDG_CONFIG_HOME/stubforge/redact.key`` (``~/.config/...`` by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stubforge" / "redact.key"


def load_key(key_file: Path | None = None, out_dir: Path | None = None) -> bytes:
    """The HMAC key: ``$STUBFORGE_REDACT_KEY``, else a key file created on first use.

    The key file must not live inside ``out_dir`` (the recordings would then
    carry the key that makes their placeholders guessable).
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = (key_file or default_key_file()).expanduser().resolve()
    if out_dir is not None:
        out = out_dir.expanduser().resolve()
        if path == out or out in path.parents:
            raise ValueError(f"redaction key file {path} must not be inside the output directory")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


class Redactor:
    """Redacts HAR entries in place with one :class:`RuleSet` and one HMAC key.

    One instance is used by one thread at a time (the recorder's writer thread, one
    journal answer): it keeps the field path being redacted for :attr:`report`.
    """

    def __init__(self, rules: RuleSet, key: bytes) -> None:
        self.rules = rules
        self._key = key
        self._learned = LearnedSecrets(_LEARN_MAX)
        self._produced: set[str] = set()
        self._where = ""
        self._rule_cache: dict[tuple[str, str | None], KeyRule | None] = {}
        self.report: Counter[tuple[str, str]] = Counter()
        """How many values each rule masked, by field path: ``(rule, path) -> count``."""
        self.last: Counter[str] = Counter()
        """How many values each rule masked in the last :meth:`entry`."""
        # One pass over the text tells whether any hinted rule can match at all.
        hints = {h for r in rules.patterns for h in r.hints}
        self._trigger = re.compile("|".join(re.escape(h) for h in sorted(hints))) if hints else None
        self._unhinted = tuple(r for r in rules.patterns if not r.hints)

    @property
    def key(self) -> bytes:
        """The HMAC key (for another redactor that must give the same placeholders)."""
        return self._key

    # --- placeholders, memory and the report -----------------------------------

    def placeholder(self, kind: str, secret: str) -> str:
        """The stable placeholder of ``secret``; a value seen before keeps its first one."""
        known = self._learned.get(secret)
        if known is not None:
            return known.placeholder
        digest = hmac.new(self._key, secret.encode("utf-8"), hashlib.sha256).digest()
        ph = shaped(kind, secret, digest)
        if len(self._produced) < _LEARN_MAX:
            self._produced.add(ph)
        if len(secret) >= _LEARN_MIN:
            # Remember the value and its URL-encoded forms (an upstream may echo a raw query).
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                self._learned.add(form, ph, kind)
        return ph

    def is_placeholder(self, value: str) -> bool:
        """True if ``value`` is one of our placeholders (so it is never masked again)."""
        v = value.strip()
        if not v:
            return False
        if v in self._produced or EMAIL_PLACEHOLDER_RE.fullmatch(v):
            return True
        if not PLACEHOLDER_RE.sub("", v).strip(" ,;"):
            return True
        return v.startswith("eyJ") and is_redacted_jwt(v)

    @contextmanager
    def at(self, where: str) -> Iterator[None]:
        """Attribute what fires inside the block to the field path ``where``."""
        before = self._where
        self._where = where
        try:
            yield
        finally:
            self._where = before

    @property
    def where(self) -> str:
        return self._where

    def hit(self, rule: str, fired: set[str]) -> None:
        """Note that ``rule`` masked a value at the current field path."""
        fired.add(rule)
        self.report[(rule, self._where)] += 1
        self.last[rule] += 1

    # --- strings -------------------------------------------------------------

    def scan(self, text: str, fired: set[str]) -> str:
        """Replace every secret-shaped substring of ``text`` (patterns, then known secrets)."""
        if not text:
            return text
        lowered = text.lower()
        hinted = self._trigger is None or self._trigger.search(lowered) is not None
        for rule in self.rules.patterns if hinted else self._unhinted:
            if not rule.worth_running(lowered):
                continue
            out: list[str] = []
            pos = 0
            for s, e in rule.spans(text):
                secret = text[s:e]
                if (
                    s < pos
                    or "redacted~" in secret
                    or secret in self.rules.allow_values
                    or self.is_placeholder(secret)
                ):
                    continue
                out += (text[pos:s], self.placeholder(rule.name, secret))
                pos = e
                self.hit(rule.name, fired)
            if out:
                out.append(text[pos:])
                text = "".join(out)
                lowered = text.lower()
        return self._learned.replace(text, lambda rule: self.hit(rule, fired))

    def _keyed(self, rule: KeyRule, name: str, value: str, fired: set[str]) -> str:
        """Redact the whole value of a field covered by a key rule (keeping an auth scheme)."""
        if value in self.rules.allow_values or self.is_placeholder(value):
            return value
        m = _SCHEME_RE.match(value)
        if m and rule.name == "auth-header":
            scheme, rest = m.group(1), m.group(2)
            if self.is_placeholder(rest):
                return value
            self.hit(rule.name, fired)
            return f"{scheme} {self.placeholder(rule.name, rest)}"
        if not rule.secret(name, value):
            return self.url(value, fired) if is_url(value.strip()) else value
        self.hit(rule.name, fired)
        return self.placeholder(rule.name, value)

    def field(self, name: str, value: str, fired: set[str], place: str | None = None) -> str:
        """A named value (query/form parameter, JSON member, header): patterns, then key rules."""
        value = self.url(value, fired) if is_url(value) else self.scan(value, fired)
        rule = self.key_rule(name, place)
        return self._keyed(rule, name, value, fired) if rule is not None else value

    def key_rule(self, name: str, place: str | None = None) -> KeyRule | None:
        """The key rule for a field name (cached: the same names come back all the time)."""
        cache_key = (name, place)
        try:
            return self._rule_cache[cache_key]
        except KeyError:
            pass
        rule = self.rules.key_rule(name, place)
        if len(self._rule_cache) < 100_000:
            self._rule_cache[cache_key] = rule
        return rule

    def number(self, name: str, value: int | float, fired: set[str]) -> int | float | str:
        """A JSON number under ``name``: masked (keeping its digits) only under an exact
        sensitive name (``account_number``, ``cvc``, ``pin``) or when shaped like a card."""
        as_text = str(value)
        scanned = self.scan(as_text, fired)
        if scanned == as_text:
            rule = self.key_rule(name) if name else None
            if rule is None or not rule.secret(name, as_text) or _norm(name) not in rule.keys:
                return value
            self.hit(rule.name, fired)
            scanned = self.placeholder(rule.name, as_text)
        if isinstance(value, int) and scanned.isdigit():
            return int(scanned)
        return scanned

    def url(self, url: str, fired: set[str]) -> str:
        """A URL: secret-shaped parts anywhere, then query parameters by name and value."""
        url = self.scan(url, fired)
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        changed = False
        new_parts = parts
        for attr in ("query", "fragment"):
            raw = getattr(parts, attr)
            if not raw or "=" not in raw:
                continue
            pairs = parse_qsl(raw, keep_blank_values=True)
            new = [(k, self.field(k, v, fired, "query")) for k, v in pairs]
            if new != pairs:
                changed = True
                q = "&".join(f"{quote(k, safe='')}={quote(v, safe='~')}" for k, v in new)
                new_parts = new_parts._replace(**{attr: q})
        return urlunsplit(new_parts) if changed else url

    # --- headers ---------------------------------------------------------------

    def _cookie_header(self, value: str, set_cookie: bool, fired: set[str]) -> str:
        parts = value.split(";")
        out = []
        for i, part in enumerate(parts):
            name, eq, val = part.partition("=")
            v = val.strip()
            if eq and (i == 0 or not set_cookie) and v and not self.is_placeholder(v):
                if v.lower() in ("true", "false") or v in self.rules.allow_values:
                    pass
                else:
                    self.hit("cookie", fired)
                    val = self.placeholder("cookie", v)
            elif eq:
                val = self.scan(val, fired)
            out.append(f"{name}{eq}{val}")
        return ";".join(out)

    def header(self, name: str, value: str, fired: set[str]) -> str:
        """One header value, redacted according to its name."""
        lname = name.lower()
        if lname in ("cookie", "set-cookie") and self.rules.key_rule(name) is not None:
            return self._cookie_header(value, lname == "set-cookie", fired)
        if lname in _URL_HEADERS:
            if lname == "refresh":
                head, sep, target = value.partition("url=")
                return head + sep + self.url(target, fired) if sep else self.scan(value, fired)
            return self.url(value, fired)
        if lname == "link":
            value = _LINK_URL.sub(lambda m: f"<{self.url(m.group(1), fired)}>", value)
        return self.field(name, value, fired, "header")

    def headers(self, headers: list[JsonDict], fired: set[str], prefix: str = "headers") -> None:
        """Redact a HAR header list in place."""
        for h in headers:
            name = str(h.get("name", ""))
            with self.at(f"{prefix}.{name.lower()}"):
                h["value"] = self.header(name, str(h.get("value", "")), fired)

    def cookies(self, cookies: list[JsonDict], fired: set[str], prefix: str = "cookies") -> None:
        """Redact a HAR cookie list in place (values only)."""
        if self.rules.key_rule("cookie") is None:
            return
        for c in cookies:
            val = str(c.get("value", ""))
            if val and not self.is_placeholder(val) and val not in self.rules.allow_values:
                with self.at(f"{prefix}.{c.get('name', '')}"):
                    self.hit("cookie", fired)
                c["value"] = self.placeholder("cookie", val)

    # --- bodies ----------------------------------------------------------------

    def body(self, data: bytes, mime: str, fired: set[str]) -> bytes:
        """Redact a body given as bytes; returns the (possibly) new bytes."""
        return formats.redact_body(self, data, mime, fired)

    def _fail_closed(self, holder: JsonDict, headers: list[JsonDict], fired: set[str]) -> None:
        info = holder[UNDECODABLE]
        digest = str(info.pop("digest", "")) if isinstance(info, dict) else ""
        self.hit("undecodable-body", fired)
        text = self.placeholder("undecodable-body", digest or repr(info))
        holder["text"] = text
        holder.pop("encoding", None)
        for h in headers:
            if str(h.get("name", "")).lower() == "content-length":
                h["value"] = str(len(text))

    def _har_body(self, holder: JsonDict, headers: list[JsonDict], fired: set[str]) -> None:
        if UNDECODABLE in holder:
            self._fail_closed(holder, headers, fired)
            return
        text = holder.get("text")
        if not isinstance(text, str) or not text:
            return
        b64 = holder.get("encoding") == "base64"
        try:
            data = base64.b64decode(text) if b64 else text.encode("utf-8")
        except ValueError:
            holder["text"] = self.scan(text, fired)
            return
        new = self.body(data, str(holder.get("mimeType", "")), fired)
        if new == data:
            return
        set_body_text(holder, new)
        for h in headers:
            if str(h.get("name", "")).lower() == "content-length":
                h["value"] = str(len(new))

    # --- entries -------------------------------------------------------------

    def entry(self, entry: JsonDict) -> JsonDict:
        """Redact a HAR entry in place and record the rules that fired in ``_redactions``."""
        fired: set[str] = set(entry.get("_redactions") or [])
        self.last = Counter()
        req = entry.get("request") or {}
        resp = entry.get("response") or {}
        if isinstance(req.get("url"), str):
            with self.at("request.url"):
                req["url"] = self.url(req["url"], fired)
        self.headers(req.get("headers") or [], fired, "request.headers")
        self.cookies(req.get("cookies") or [], fired, "request.cookies")
        for q in req.get("queryString") or []:
            with self.at(f"request.query.{q.get('name', '')}"):
                q["value"] = self.field(
                    str(q.get("name", "")), str(q.get("value", "")), fired, "query"
                )
        post = req.get("postData")
        if isinstance(post, dict):
            for p in post.get("params") or []:
                with self.at(f"request.form.{p.get('name', '')}"):
                    p["value"] = self.field(str(p.get("name", "")), str(p.get("value", "")), fired)
            with self.at("request.body"):
                self._har_body(post, req.get("headers") or [], fired)
            if "text" in post:
                req["bodySize"] = len(body_bytes(post))
        self.headers(resp.get("headers") or [], fired, "response.headers")
        self.cookies(resp.get("cookies") or [], fired, "response.cookies")
        if isinstance(resp.get("redirectURL"), str) and resp["redirectURL"]:
            with self.at("response.redirectURL"):
                resp["redirectURL"] = self.url(resp["redirectURL"], fired)
        content = resp.get("content")
        if isinstance(content, dict):
            with self.at("response.body"):
                self._har_body(content, resp.get("headers") or [], fired)
            if "text" in content:
                content["size"] = len(body_bytes(content))
        if isinstance(entry.get("_error"), str):
            with self.at("error"):
                entry["_error"] = self.scan(entry["_error"], fired)
        entry["_redactions"] = sorted(fired)
        return entry


def _norm(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


def body_bytes(holder: JsonDict) -> bytes:
    """The bytes of a HAR ``postData`` / ``content`` object."""
    text = holder.get("text")
    if not isinstance(text, str):
        return b""
    if holder.get("encoding") == "base64":
        return base64.b64decode(text)
    return text.encode("utf-8")


def set_body_text(holder: JsonDict, data: bytes) -> None:
    """Store ``data`` in a HAR body object: UTF-8 text, or base64 for anything else."""
    try:
        holder["text"] = data.decode("utf-8")
        holder.pop("encoding", None)
    except UnicodeDecodeError:
        holder["text"] = base64.b64encode(data).decode("ascii")
        holder["encoding"] = "base64"
