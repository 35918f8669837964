"""Redaction of a recording entry before it reaches disk.

:class:`Redactor` works on a HAR entry as a plain JSON dict (the shape of
:mod:`stubforge.model.recording`), so the recorder and ``stubforge import har`` share
it. It never imports mitmproxy.

What it does, in order, for the request and then the response:

1. URL: secret-shaped values anywhere in the URL (credentials, keys in the
   path), then query parameters by name (key rules) and by value (patterns).
2. Headers: ``Authorization``-like headers keep their scheme and lose the
   credentials; ``Cookie`` / ``Set-Cookie`` keep names and attributes; URL-valued
   headers (``Location``, ``Referer``) are redacted like URLs; every other value
   is scanned for secret-shaped strings.
3. Bodies: JSON members and form fields by name and value; any other body
   (text or binary, byte for byte) is scanned for secret-shaped strings.
   ``Content-Length`` and the HAR sizes are recomputed when a body changed.
4. Every secret found is remembered (for the life of the redactor), so the same
   value is replaced wherever it shows up again, even without context: an
   opaque token that the upstream echoes in a response body is caught because
   it was seen in an ``Authorization`` header.

A replaced value becomes ``redacted~<kind>~<12 hex>`` where the hex is an HMAC
of the value under a key kept outside the recordings: equal secrets give equal
placeholders, and nobody can test a guess against a recording without the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from stubforge.model.recording import PLACEHOLDER_RE
from stubforge.redact.rules import KeyRule, PatternRule, RuleSet

JsonDict = dict[str, Any]

KEY_ENV = "STUBFORGE_REDACT_KEY"
_LEARN_MIN = 8
_LEARN_MAX = 50_000
_URL_HEADERS = frozenset({"location", "content-location", "referer", "origin"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s+(\S.*)$", re.S)


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


def _is_placeholder_only(value: str) -> bool:
    return not PLACEHOLDER_RE.sub("", value).strip(" ,;")


class Redactor:
    """Redacts HAR entries in place with one :class:`RuleSet` and one HMAC key."""

    def __init__(self, rules: RuleSet, key: bytes) -> None:
        self.rules = rules
        self._key = key
        self._learned: dict[str, str] = {}
        self._learned_rule: dict[str, str] = {}
        self._learned_re: re.Pattern[str] | None = None
        self._learned_dirty = False
        # One pass over the text tells whether any hinted rule can match at all.
        hints = {h for r in rules.patterns for h in r.hints}
        self._trigger = re.compile("|".join(re.escape(h) for h in sorted(hints))) if hints else None
        self._unhinted = tuple(r for r in rules.patterns if not r.hints)

    # --- placeholders and memory ---------------------------------------------

    def placeholder(self, kind: str, secret: str) -> str:
        """The stable placeholder of ``secret``; a value seen before keeps its first one."""
        known = self._learned.get(secret)
        if known is not None:
            return known
        digest = hmac.new(self._key, secret.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
        ph = f"redacted~{kind}~{digest}"
        if len(secret) >= _LEARN_MIN and len(self._learned) < _LEARN_MAX:
            # Remember the value and its URL-encoded forms (an upstream may echo a raw query).
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                self._learned[form] = ph
                self._learned_rule[form] = kind
            self._learned_dirty = True
        return ph

    def _learned_pattern(self) -> re.Pattern[str] | None:
        if self._learned_dirty:
            alts = sorted(self._learned, key=len, reverse=True)
            # Whole tokens only: a remembered secret inside a longer word is not that secret.
            alt = "|".join(re.escape(a) for a in alts)
            self._learned_re = (
                re.compile(rf"(?<![A-Za-z0-9])(?:{alt})(?![A-Za-z0-9])") if alts else None
            )
            self._learned_dirty = False
        return self._learned_re

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

            def repl(
                m: re.Match[str], rule_name: str = rule.name, rule_: PatternRule = rule
            ) -> str:
                has_group = "secret" in (m.re.groupindex or {})
                secret = m.group("secret") if has_group else m.group(0)
                if (
                    not secret
                    or "redacted~" in secret
                    or secret in self.rules.allow_values
                    or (rule_.validate is not None and not rule_.validate(secret))
                ):
                    return m.group(0)
                fired.add(rule_name)
                ph = self.placeholder(rule_name, secret)
                if not has_group:
                    return ph
                s, e = m.span("secret")
                base = m.start()
                whole = m.group(0)
                return whole[: s - base] + ph + whole[e - base :]

            text = rule.regex.sub(repl, text)
            lowered = text.lower()
        learned = self._learned_pattern()
        if learned is not None and self._learned:

            def repl_known(m: re.Match[str]) -> str:
                fired.add(self._learned_rule[m.group(0)])
                return self._learned[m.group(0)]

            text = learned.sub(repl_known, text)
        return text

    def _keyed(self, rule: KeyRule, value: str, fired: set[str]) -> str:
        """Redact the whole value of a field covered by a key rule (keeping an auth scheme)."""
        if not value or value in self.rules.allow_values or _is_placeholder_only(value):
            return value
        m = _SCHEME_RE.match(value)
        if m and rule.name == "auth-header":
            scheme, rest = m.group(1), m.group(2)
            if _is_placeholder_only(rest):
                return value
            fired.add(rule.name)
            return f"{scheme} {self.placeholder(rule.name, rest)}"
        fired.add(rule.name)
        return self.placeholder(rule.name, value)

    def field(self, name: str, value: str, fired: set[str]) -> str:
        """A named value (query/form parameter, JSON member, header): patterns, then key rules."""
        value = self.scan(value, fired)
        rule = self.rules.key_rule(name)
        return self._keyed(rule, value, fired) if rule is not None else value

    def url(self, url: str, fired: set[str]) -> str:
        """A URL: secret-shaped parts anywhere, then query parameters by name and value."""
        url = self.scan(url, fired)
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        if not parts.query:
            return url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        new = [(k, self.field(k, v, fired)) for k, v in pairs]
        if new == pairs:
            return url
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='~')}" for k, v in new)
        return urlunsplit(parts._replace(query=query))

    # --- JSON ------------------------------------------------------------------

    def _json(self, node: Any, key: str | None, fired: set[str]) -> Any:
        if isinstance(node, dict):
            return {self.scan(k, fired): self._json(v, k, fired) for k, v in node.items()}
        if isinstance(node, list):
            return [self._json(v, key, fired) for v in node]
        if isinstance(node, str):
            return self.field(key, node, fired) if key is not None else self.scan(node, fired)
        if isinstance(node, int | float) and not isinstance(node, bool):
            as_text = str(node)
            scanned = self.scan(as_text, fired)
            if scanned != as_text:
                return scanned
            rule = self.rules.key_rule(key) if key is not None else None
            if rule is not None:
                fired.add(rule.name)
                return self.placeholder(rule.name, as_text)
        return node

    # --- headers ---------------------------------------------------------------

    def _cookie_header(self, value: str, set_cookie: bool, fired: set[str]) -> str:
        parts = value.split(";")
        out = []
        for i, part in enumerate(parts):
            name, eq, val = part.partition("=")
            if eq and (i == 0 or not set_cookie) and val.strip() and not _is_placeholder_only(val):
                fired.add("cookie")
                val = self.placeholder("cookie", val.strip())
            elif eq:
                val = self.scan(val, fired)
            out.append(f"{name}{eq}{val}")
        return ";".join(out)

    def headers(self, headers: list[JsonDict], fired: set[str]) -> None:
        """Redact a HAR header list in place."""
        for h in headers:
            name = str(h.get("name", ""))
            value = str(h.get("value", ""))
            lname = name.lower()
            rule = self.rules.key_rule(name)
            if lname in ("cookie", "set-cookie") and rule is not None:
                h["value"] = self._cookie_header(value, lname == "set-cookie", fired)
            elif lname in _URL_HEADERS:
                h["value"] = self.url(value, fired)
            else:
                h["value"] = self.field(name, value, fired)

    def cookies(self, cookies: list[JsonDict], fired: set[str]) -> None:
        """Redact a HAR cookie list in place (values only)."""
        if self.rules.key_rule("cookie") is None:
            return
        for c in cookies:
            val = str(c.get("value", ""))
            if val and not _is_placeholder_only(val) and val not in self.rules.allow_values:
                fired.add("cookie")
                c["value"] = self.placeholder("cookie", val)

    # --- bodies ----------------------------------------------------------------

    def body(self, data: bytes, mime: str, fired: set[str]) -> bytes:
        """Redact a body given as bytes; returns the (possibly) new bytes."""
        if not data:
            return data
        lmime = mime.lower()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Binary: scan byte for byte (latin-1 maps each byte to one character).
            return self.scan(data.decode("latin-1"), fired).encode("latin-1")
        stripped = text.lstrip()
        if "json" in lmime or stripped[:1] in ("{", "["):
            try:
                obj = json.loads(text)
            except ValueError:
                pass
            else:
                before = len(fired)
                new = self._json(obj, None, fired)
                if new == obj and len(fired) == before:
                    return data
                return json.dumps(new, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if "x-www-form-urlencoded" in lmime:
            pairs = parse_qsl(text, keep_blank_values=True)
            new_pairs = [(k, self.field(k, v, fired)) for k, v in pairs]
            if new_pairs != pairs:
                text = "&".join(f"{quote(k, safe='')}={quote(v, safe='~')}" for k, v in new_pairs)
            return self.scan(text, fired).encode("utf-8")
        scanned = self.scan(text, fired)
        return data if scanned == text else scanned.encode("utf-8")

    def _har_body(self, holder: JsonDict, headers: list[JsonDict], fired: set[str]) -> None:
        text = holder.get("text")
        if not isinstance(text, str) or not text:
            return
        b64 = holder.get("encoding") == "base64"
        try:
            data = base64.b64decode(text) if b64 else text.encode("utf-8")
        except (binascii.Error, ValueError):
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
        req = entry.get("request") or {}
        resp = entry.get("response") or {}
        if isinstance(req.get("url"), str):
            req["url"] = self.url(req["url"], fired)
        self.headers(req.get("headers") or [], fired)
        self.cookies(req.get("cookies") or [], fired)
        for q in req.get("queryString") or []:
            q["value"] = self.field(str(q.get("name", "")), str(q.get("value", "")), fired)
        post = req.get("postData")
        if isinstance(post, dict):
            for p in post.get("params") or []:
                p["value"] = self.field(str(p.get("name", "")), str(p.get("value", "")), fired)
            self._har_body(post, req.get("headers") or [], fired)
            if "text" in post:
                req["bodySize"] = len(body_bytes(post))
        self.headers(resp.get("headers") or [], fired)
        self.cookies(resp.get("cookies") or [], fired)
        if isinstance(resp.get("redirectURL"), str) and resp["redirectURL"]:
            resp["redirectURL"] = self.url(resp["redirectURL"], fired)
        content = resp.get("content")
        if isinstance(content, dict):
            self._har_body(content, resp.get("headers") or [], fired)
            if "text" in content:
                size = len(body_bytes(content))
                content["size"] = size
        if isinstance(entry.get("_error"), str):
            entry["_error"] = self.scan(entry["_error"], fired)
        entry["_redactions"] = sorted(fired)
        return entry


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
