"""Responses of a route: response classes, variants with ``when``, a default, sequences.

Every successful (or deterministic 4xx) exchange gets a *class*: status, content type,
kept headers and the body with echoes and generated values templatized (see
:mod:`stubforge.compile.echo`). Exchanges with one class give one ``response``. Otherwise the
request features that explain the class (see :mod:`stubforge.compile.matchers`) give variants:
the class most value combinations got is the default (last, without ``when``); each other
class gets a variant whose ``when`` lists its values (``one_of`` for a single feature).
When the same request got different classes in contiguous runs over time (a job going
``pending`` → ``done``) and no feature explains them, the route answers a ``sequence``.
Bodies above ``body_file_bytes`` without templates are written to ``bodies/``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from stubforge.compile.bodies import body_of
from stubforge.compile.conditions import structural_features, with_structure
from stubforge.compile.derived import Derived, derive_headers
from stubforge.compile.echo import materialize, templatize
from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.compile.features import Feature, candidate_features
from stubforge.compile.headers import REQUEST_ID_HEADERS, echo_template, request_id_template
from stubforge.compile.literal import literal
from stubforge.compile.matchers import Combo, choose_features, combos_of, mergeable, when_spec
from stubforge.compile.varying import Varying, varying_headers
from stubforge.compile.yamltext import Commented
from stubforge.model.headers import CONTROL, TOKEN

MAX_SEQUENCE = 20
_DROP_HEADERS = (
    "date",
    "etag",
    "last-modified",
    "set-cookie",
    "age",
    "expires",
    "retry-after",
    "traceparent",
    "report-to",
    "nel",
    "content-md5",
)
_EXTENSIONS = {"json": ".json", "html": ".html", "xml": ".xml", "csv": ".csv", "text": ".txt"}
_FIELD_ORDER = (
    "status",
    "headers",
    "json",
    "json_layout",
    "body",
    "body_base64",
    "body_file",
    "template",
)


def keep_header(name: str) -> bool:
    """Response headers worth replaying as recorded (transport, volatile, request-id and
    rate-limit ones are not)."""
    return not (
        name in _DROP_HEADERS
        or name in REQUEST_ID_HEADERS
        or name.startswith(("x-ratelimit", "ratelimit", "x-rate-limit"))
    )


@dataclass
class RouteResponses:
    """What a route answers."""

    response: dict[str, Any] | None = None
    variants: list[dict[str, Any]] = field(default_factory=list)
    sequence: list[dict[str, Any]] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    classes: int = 0
    notes: list[str] = field(default_factory=list)
    body_files: dict[str, bytes] = field(default_factory=dict)
    header_notes: list[str] = field(default_factory=list)


class ResponseBuilder:
    """Turns exchanges into response data for one route (``route_id`` names body files)."""

    def __init__(
        self,
        route_id: str,
        param_types: dict[str, str],
        body_file_bytes: int,
        headers: dict[str, str],
        echoed: dict[tuple[int, str], str] | None = None,
        derived: dict[str, Derived] | None = None,
        varying: dict[tuple[int, str], Varying] | None = None,
    ) -> None:
        self.route_id = route_id
        self.param_types = param_types
        self.limit = body_file_bytes
        self.kept_headers = headers
        self.echoed = echoed or {}
        """(status, header name) → the template every recorded value of it follows."""
        self.derived = derived or {}
        """Header name → the digest template every checkable exchange agrees with."""
        self.varying = varying or {}
        """(status, header name) → how a header nothing else explains is answered."""
        self.body_files: dict[str, bytes] = {}
        self.notes: list[str] = []
        self.header_notes: list[str] = []
        """Derived and varying headers: for the route's comment and the report."""

    def classify(self, ex: Exchange) -> tuple[str, dict[str, Any]]:
        """The class key of an exchange's response, and the response data."""
        data: dict[str, Any] = {"status": ex.status}
        body = body_of(ex, self.param_types)
        headers = {
            k: v if body.verbatim else literal(v)
            for k, v in sorted(ex.resp_headers.items())
            if k in self.kept_headers and k not in self.derived and self._sendable(k, v)
        }
        ctype = headers.get("content-type", "")
        if ctype.split(";")[0].strip().lower() == "application/json" and "json" in body.fields:
            headers.pop("content-type")
        if not body.verbatim:
            headers.update(self._templated_headers(ex))
            headers = dict(sorted(headers.items()))
        if headers:
            data["headers"] = headers
        data.update(body.fields)
        data["_exact"] = body.exact
        key = json.dumps([ex.status, headers, body.key], sort_keys=True)
        return key, data

    def _sendable(self, name: str, value: str) -> bool:
        if TOKEN.match(name) and not CONTROL.search(value):
            return True
        note = f"response header {name!r} dropped: not sendable over HTTP/1.1 ({value[:40]!r})"
        if note not in self.notes:
            self.notes.append(note)
        return False

    def _templated_headers(self, ex: Exchange) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in ex.resp_headers:
            if name in self.derived:
                out[name] = self.derived[name].template
            elif name in REQUEST_ID_HEADERS:
                out[name] = request_id_template(name, ex)
            elif (ex.status, name) in self.echoed:
                out[name] = self.echoed[(ex.status, name)]
        return out

    def finish(self, data: dict[str, Any], ex: Exchange, suffix: str) -> dict[str, Any]:
        """Render echoes, and move a large body sent as recorded to a file (its exact bytes)."""
        out = dict(data)
        exact: bytes | None = out.pop("_exact", None)
        self._add_varying(out, ex)
        if "json" in out:
            out["json"] = materialize(out["json"])
        if exact is not None and len(exact) > self.limit:
            ctype = out.get("headers", {}).get("content-type", "")
            is_json = "json" in out
            for name in ("json", "json_layout", "body", "body_base64", "template"):
                out.pop(name, None)
            if is_json:
                ext = ".json"
                headers = dict(out.get("headers", {}))
                headers.setdefault("content-type", "application/json")
                out["headers"] = dict(sorted(headers.items()))
            else:
                ext = next((e for k, e in _EXTENSIONS.items() if k in ctype), ".bin")
            out["body_file"] = self._file(suffix, ext, exact)
        return {k: out[k] for k in _FIELD_ORDER if k in out}

    def _add_varying(self, out: dict[str, Any], ex: Exchange) -> None:
        """Headers nothing else explains: a template, or this response's recorded value."""
        verbatim = out.get("template") is False
        added: dict[str, Any] = {}
        for name, value in ex.resp_headers.items():
            how = self.varying.get((ex.status, name))
            if how is None or not self._sendable(name, value):
                continue
            if how.template is not None and not verbatim:
                added[name] = how.template
            else:
                text = value if verbatim else literal(value)
                added[name] = Commented(text, [how.note]) if how.note else text
        if added:
            out["headers"] = dict(sorted({**out.get("headers", {}), **added}.items()))

    def _file(self, suffix: str, ext: str, data: bytes) -> str:
        name = f"bodies/{self.route_id}{suffix}{ext}"
        self.body_files[name] = data
        return name


def error_builder(
    route_id: str, param_types: dict[str, str], body_file_bytes: int, exchanges: list[Exchange]
) -> ResponseBuilder:
    """The builder of a route's error responses: the content type in the class key; derived
    headers as templates; every other header the value recorded with each response."""
    derived = derive_headers([ex for ex in exchanges if not ex.failed])
    handled = {"content-type", *derived, *REQUEST_ID_HEADERS}
    varying = varying_headers([ex for ex in exchanges if not ex.failed], handled, set())
    builder = ResponseBuilder(
        route_id,
        param_types,
        body_file_bytes,
        {"content-type": "content-type"},
        None,
        derived,
        varying,
    )
    builder.notes.extend(v.note for v in varying.values() if v.note)
    return builder


def build_responses(
    route_id: str,
    exchanges: list[Exchange],
    param_types: dict[str, str],
    body_file_bytes: int,
    max_variants: int,
    volatile: set[str],
) -> RouteResponses:
    """The response(s) of a route from its normal (non-error) exchanges, in time order."""
    derived = derive_headers(exchanges)
    headers = {k: v for k, v in _stable_headers(exchanges).items() if k not in derived}
    echoed = _echoed_headers(exchanges, param_types, {**headers, **{d: d for d in derived}})
    handled = {*headers, *derived, *REQUEST_ID_HEADERS}
    varying = varying_headers(exchanges, handled, set(echoed))
    builder = ResponseBuilder(
        route_id, param_types, body_file_bytes, headers, echoed, derived, varying
    )
    builder.header_notes.extend(d.evidence for _, d in sorted(derived.items()))
    builder.notes.extend(v.note for v in varying.values() if v.note)
    keyed = [builder.classify(ex) for ex in exchanges]
    classes = [k for k, _ in keyed]
    first: dict[str, int] = {}
    for i, cls in enumerate(classes):
        first.setdefault(cls, i)
    out = RouteResponses(classes=len(first))
    if len(first) == 1:
        out.response = builder.finish(keyed[0][1], exchanges[0], "")
        return _done(out, builder)
    candidates = with_structure(
        candidate_features(exchanges, volatile), structural_features(exchanges, volatile)
    )
    features = choose_features(exchanges, classes, candidates)
    out.features = features
    if not features:
        runs = _runs(classes)
        if len(runs) == len(first) and len(runs) <= MAX_SEQUENCE:
            for n, (cls, count) in enumerate(runs):
                idx = first[cls]
                item = builder.finish(keyed[idx][1], exchanges[idx], f"-{n + 1}")
                out.sequence.extend([item] * min(count, MAX_SEQUENCE))
            out.sequence = out.sequence[:MAX_SEQUENCE]
            out.notes.append(
                f"the same request got {len(first)} different responses in order "
                f"({' → '.join(str(keyed[first[c]][1]['status']) for c, _ in runs)}): a sequence"
            )
            return _done(out, builder)
        counts = Counter(classes)
        top = min(first, key=lambda c: (-counts[c], first[c]))
        out.notes.append(
            f"{len(first)} different responses that no request field explains; "
            f"answering the most common ({counts[top]} of {len(classes)})"
        )
        out.response = builder.finish(keyed[first[top]][1], exchanges[first[top]], "")
        return _done(out, builder)
    _variants(out, builder, exchanges, keyed, combos_of(exchanges, features), max_variants)
    return _done(out, builder)


def _done(out: RouteResponses, builder: ResponseBuilder) -> RouteResponses:
    out.body_files = builder.body_files
    out.notes.extend(builder.notes)
    out.notes.extend(builder.header_notes)
    out.header_notes = builder.header_notes
    return out


def _variants(
    out: RouteResponses,
    builder: ResponseBuilder,
    exchanges: list[Exchange],
    keyed: list[tuple[str, dict[str, Any]]],
    combos: list[Combo],
    max_variants: int,
) -> None:
    per_combo: dict[Combo, Counter[str]] = {}
    first_of: dict[tuple[Combo, str], int] = {}
    for i, (combo, (cls, _)) in enumerate(zip(combos, keyed, strict=True)):
        per_combo.setdefault(combo, Counter())[cls] += 1
        first_of.setdefault((combo, cls), i)
    chosen: dict[Combo, str] = {}
    for combo, counter in per_combo.items():
        chosen[combo] = min(counter, key=lambda c: (-counter[c], first_of[(combo, c)]))
        if len(counter) > 1:
            out.notes.append(
                f"{_show(out.features, combo)}: {len(counter)} different responses; "
                f"answering the most common"
            )
    combo_count = Counter(chosen.values())
    exchange_count = Counter(cls for cls, _ in keyed)
    default = min(
        combo_count,
        key=lambda c: (
            -combo_count[c],
            -exchange_count[c],
            min(i for (_, k), i in first_of.items() if k == c),
        ),
    )
    groups: dict[str, list[Combo]] = {}
    for combo in sorted(chosen, key=_combo_sort):
        if chosen[combo] != default:
            groups.setdefault(chosen[combo], []).append(combo)
    entries: list[tuple[list[Combo], str]] = []
    for cls, members in groups.items():
        if len(members) > 1 and mergeable(members):
            entries.append((members, cls))
        else:
            entries.extend(([m], cls) for m in members)
    entries.sort(key=lambda e: _combo_sort(e[0][0]))
    if len(entries) > max_variants:
        weight = {id(e): sum(per_combo[c].total() for c in e[0]) for e in entries}
        kept = sorted(entries, key=lambda e: -weight[id(e)])[:max_variants]
        dropped = len(entries) - len(kept)
        entries = [e for e in entries if any(e is k for k in kept)]
        out.notes.append(
            f"{dropped} rarer variant(s) dropped (max_variants {max_variants}); "
            "their requests get the default response"
        )
    for n, (members, cls) in enumerate(entries, start=1):
        idx = first_of[(members[0], cls)]
        variant = {"when": when_spec(out.features, members)}
        variant.update(builder.finish(keyed[idx][1], exchanges[idx], f"-{n}"))
        out.variants.append(variant)
    idx = min(i for (_, k), i in first_of.items() if k == default)
    out.variants.append(builder.finish(keyed[idx][1], exchanges[idx], ""))


def _combo_sort(combo: Combo) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (0, 0, "") if v is None else (1, int(v), "") if v.isdigit() and len(v) < 18 else (2, 0, v)
        for v in combo
    )


def _show(features: list[Feature], combo: Combo) -> str:
    return ", ".join(f"{f.describe()}={v!r}" for f, v in zip(features, combo, strict=True))


def _runs(classes: list[str]) -> list[tuple[str, int]]:
    runs: list[tuple[str, int]] = []
    for cls in classes:
        if runs and runs[-1][0] == cls:
            runs[-1] = (cls, runs[-1][1] + 1)
        else:
            runs.append((cls, 1))
    return runs


def _stable_headers(exchanges: list[Exchange]) -> dict[str, str]:
    """Header names to replay: worth keeping and constant per status across the route."""
    seen: dict[tuple[int, str], set[str]] = {}
    for ex in exchanges:
        for name, value in ex.resp_headers.items():
            if keep_header(name):
                seen.setdefault((ex.status, name), set()).add(value)
    names = {name for (_, name), values in seen.items() if len(values) == 1}
    names.update(name for (_, name) in seen if name == "content-type")
    return {n: n for n in sorted(names)}


def _echoed_headers(
    exchanges: list[Exchange], param_types: dict[str, str], stable: dict[str, str]
) -> dict[tuple[int, str], str]:
    """Varying headers whose every recorded value (per status) follows one template."""
    found: dict[tuple[int, str], set[str | None]] = {}
    for ex in exchanges:
        names = [n for n in ex.resp_headers if keep_header(n) and n not in stable]
        if not names:
            continue
        marked = templatize(ex.resp_json, ex, param_types) if ex.resp_json is not NO_JSON else None
        for name in names:
            template = echo_template(ex.resp_headers[name], ex, marked)
            found.setdefault((ex.status, name), set()).add(template)
    out: dict[tuple[int, str], str] = {}
    for key, templates in sorted(found.items()):
        (template,) = templates if len(templates) == 1 else (None,)
        if template is not None:
            out[key] = template
    return out
