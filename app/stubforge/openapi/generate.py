"""Example data from a schema: deterministic for a seed, realistic by format and name.

The walk over the schema is ours because it must know OpenAPI, not only JSON Schema:
``nullable``, ``readOnly``/``writeOnly`` by direction, ``discriminator``-style ``oneOf``,
Swagger 2.0 short references, and recursion through ``$ref`` (cut at a depth, taking the
shortest value the schema allows). The values come from **Faker** (emails, names,
addresses, URLs, dates, UUIDs, IPs; seeded per value so one operation's data does not
depend on another's) and, for ``pattern``, from **rstr** (a string matching a regular
expression, from the same seeded random source). Faker and rstr were chosen over
``hypothesis-jsonschema`` and ``jsf`` because those do not resolve recursive ``$ref`` across
a document, know neither ``nullable`` nor ``readOnly``/``writeOnly``, and hypothesis is
not meant to produce one stable value per seed.
"""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC
from typing import Any

import rstr
from faker import Faker

from stubforge.openapi.schemas import Direction
from stubforge.openapi.spec import Node, Spec, SpecError

MAX_DEPTH = 6
"""Past this nesting depth only required properties and minimal arrays are generated."""
NULL_VARIANT = 3
"""From this attempt on, a nullable schema gets ``null`` and arrays their fewest items."""
OPTIONAL_DEPTH = 3
"""Optional properties are filled in down to this depth (keeps large specs' examples small)."""


class Generator:
    """Values for schemas of one spec; ``value(schema, key)`` is a pure function of
    ``(seed, key, schema)``."""

    def __init__(self, spec: Spec, seed: int = 0) -> None:
        self.spec = spec
        self.seed = seed
        self.faker = Faker("en_US")
        self.rstr = rstr.Rstr(self.faker.random)
        self.variant = 0
        """Which ``oneOf``/``anyOf`` branch to prefer, and whether to trust ``example``:
        raised by the caller when a first attempt did not validate."""

    def value(self, schema: Node, key: str, direction: Direction = "read", variant: int = 0) -> Any:
        self.faker.seed_instance(zlib.crc32(f"{self.seed}:{key}:{variant}".encode()))
        self.rstr = rstr.Rstr(self.faker.random)  # seeding gives Faker a new Random
        self.variant = variant
        return self._gen(schema, "", direction, 0, ())

    # --- the walk -------------------------------------------------------------------

    def _gen(
        self, node: Node, name: str, direction: Direction, depth: int, stack: tuple[str, ...]
    ) -> Any:
        try:
            refs = stack
            while isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
                here = f"{node.uri}#{node.pointer}"
                seen = refs.count(here)
                if seen >= 4 or depth > MAX_DEPTH * 2:
                    return _minimal(self.spec, node)
                if seen >= 2:  # recursion: from here on only what is required
                    depth = max(depth, MAX_DEPTH)
                refs = (*refs, here)
                node = self.spec.lookup(node.value["$ref"], node.uri)
        except SpecError:
            return None
        schema = node.value
        if not isinstance(schema, dict):
            return None if schema is False else "string"
        if self.variant >= NULL_VARIANT and _nullable(schema):
            return None  # the last attempt: null wherever allowed (unsatisfiable oneOfs)
        if self.variant == 0:
            if "example" in schema:
                return schema["example"]
            examples = schema.get("examples")
            if isinstance(examples, list) and examples:
                return examples[0]
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            choices = [v for v in enum if v is not None] or enum
            return choices[self.faker.random.randrange(len(choices))]
        if "allOf" in schema and isinstance(schema["allOf"], list):
            return self._all_of(node, name, direction, depth, refs)
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                pick = self._branch(node, key, branches)
                return self._gen(node.child(key, pick), name, direction, depth, refs)
        kind = _type(schema)
        if kind == "object":
            return self._object(node, direction, depth, refs)
        if kind == "array":
            return self._array(node, name, direction, depth, refs)
        if kind == "integer":
            return self._integer(schema, name)
        if kind == "number":
            return self._number(schema, name)
        if kind == "boolean":
            return self.faker.boolean()
        if kind == "null":
            return None
        return self._string(schema, name)

    def _branch(self, node: Node, key: str, branches: list[Any]) -> int:
        """The branch to generate: not a bare ``null`` type, rotated by the variant."""
        order = [
            i
            for i, b in enumerate(branches)
            if not (isinstance(b, dict) and b.get("type") == "null")
        ] or list(range(len(branches)))
        return order[self.variant % len(order)]

    def _all_of(
        self, node: Node, name: str, direction: Direction, depth: int, stack: tuple[str, ...]
    ) -> Any:
        merged: dict[str, Any] = {k: v for k, v in node.value.items() if k != "allOf"}
        parts = self._parts(node, 0)
        properties: dict[str, Node] = {}
        required: list[str] = []
        for part in parts:
            value = part.value
            if not isinstance(value, dict):
                continue
            for k, v in value.items():
                if k in ("properties", "required", "allOf", "$ref"):
                    continue
                merged.setdefault(k, v)
            for prop in value.get("properties") or {}:
                properties.setdefault(prop, part.child("properties", prop))
            required += [r for r in value.get("required") or [] if r not in required]
        branchy = [p for p in parts if _branches(p.value)]
        if not (properties or merged.get("type") == "object" or required or branchy):
            return self._gen(node.child("allOf", 0), name, direction, depth, stack)
        out: Any = self._fill(properties, required, merged, node, direction, depth, stack)
        for part in branchy:  # a part that is a choice: the chosen branch's value, merged
            key = _branches(part.value)
            pick = self._branch(part, key, part.value[key])
            value = self._gen(part.child(key, pick), name, direction, depth, stack)
            if isinstance(value, dict) and isinstance(out, dict):
                out = {**value, **out}
            elif not out:
                out = value
        return out

    def _parts(self, node: Node, level: int) -> list[Node]:
        """``node`` and every ``allOf`` part below it, nested ``allOf`` flattened."""
        out = [node]
        branches = node.value.get("allOf") if isinstance(node.value, dict) else None
        if not isinstance(branches, list) or level > 8:
            return out
        for i in range(len(branches)):
            try:
                part = self.spec.resolve(node.child("allOf", i))
            except SpecError:
                continue
            out += self._parts(part, level + 1)
        return out

    def _object(self, node: Node, direction: Direction, depth: int, stack: tuple[str, ...]) -> Any:
        schema = node.value
        props = schema.get("properties") or {}
        properties = {p: node.child("properties", p) for p in props}
        required = list(schema.get("required") or [])
        return self._fill(properties, required, schema, node, direction, depth, stack)

    def _fill(
        self,
        properties: dict[str, Node],
        required: list[str],
        schema: dict[str, Any],
        node: Node,
        direction: Direction,
        depth: int,
        stack: tuple[str, ...],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        skip = "writeOnly" if direction == "read" else "readOnly"
        for prop, sub in properties.items():
            wanted = prop in required or depth < OPTIONAL_DEPTH
            if not wanted or (depth >= MAX_DEPTH and prop not in required):
                continue
            resolved = _peek(self.spec, sub)
            if isinstance(resolved, dict) and resolved.get(skip) is True:
                continue
            out[prop] = self._gen(sub, prop, direction, depth + 1, stack)
        for prop in required:  # required but not described: any value will do
            if prop not in out and prop not in properties:
                out[prop] = self.faker.word()
        extra = schema.get("additionalProperties")
        minimum = int(schema.get("minProperties") or 0)
        if not out and isinstance(extra, dict) and depth < MAX_DEPTH:
            sub = Node(extra, node.uri, node.pointer + "/additionalProperties")
            if "additionalProperties" in node.value:
                sub = node.child("additionalProperties")
            out[self.faker.word()] = self._gen(sub, "", direction, depth + 1, stack)
        n = 0
        while len(out) < minimum and extra is not False:
            n += 1
            out[f"key{n}"] = self.faker.word()
        return out

    def _array(
        self, node: Node, name: str, direction: Direction, depth: int, stack: tuple[str, ...]
    ) -> list[Any]:
        schema = node.value
        low = int(schema.get("minItems") or 0)
        high = schema.get("maxItems")
        count = low if depth >= MAX_DEPTH or self.variant >= NULL_VARIANT else max(low, 1)
        if isinstance(high, int):
            count = min(count, high)
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            return [
                self._gen(node.child("prefixItems", i), name, direction, depth + 1, stack)
                for i in range(min(len(prefix), max(count, len(prefix))))
            ]
        if not isinstance(schema.get("items"), dict):
            return [self.faker.word() for _ in range(count)]
        out: list[Any] = []
        unique = schema.get("uniqueItems") is True
        tries = 0
        while len(out) < count and tries < count * 5 + 5:
            tries += 1
            item = self._gen(node.child("items"), _singular(name), direction, depth + 1, stack)
            if unique and item in out:
                continue
            out.append(item)
        return out

    def _integer(self, schema: dict[str, Any], name: str) -> int:
        low, high = _bounds(schema, 1)
        if low is None and high is None:
            low, high = _name_range(name)
        low = int(low if low is not None else (high - 1000 if high is not None else 0))
        high = int(high if high is not None else low + 1000)
        value = int(self.faker.random.randint(low, max(low, high)))
        step = schema.get("multipleOf")
        if isinstance(step, int) and step > 0:
            value = -(-low // step) * step
        return value

    def _number(self, schema: dict[str, Any], name: str) -> float:
        low, high = _bounds(schema, 0.01)
        low = float(low if low is not None else (high - 1000 if high is not None else 0))
        high = float(high if high is not None else low + 1000)
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and step > 0:
            return float(-(-low // step) * step)
        return round(self.faker.random.uniform(low, high), 2) if high - low > 0.02 else low

    def _string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        text: str | None = None
        if isinstance(fmt, str):
            text = self._format(fmt)
        if text is None and isinstance(pattern, str):
            text = self._pattern(pattern)
            if text is not None:
                return text
        if text is None:
            text = self._named(name)
        low = int(schema.get("minLength") or 0)
        high = schema.get("maxLength")
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        if len(text) < low:
            text = text + "x" * (low - len(text))
        return text

    def _pattern(self, pattern: str) -> str | None:
        try:
            text = self.rstr.xeger(pattern)
            return text if re.search(pattern, text) else None
        except Exception:  # an expression rstr cannot reverse (lookarounds, ...)
            return None

    def _format(self, fmt: str) -> str | None:
        f = self.faker
        makers = {
            "date-time": lambda: f.date_time(tzinfo=UTC).isoformat().replace("+00:00", "Z"),
            "date": lambda: f.date(),
            "time": lambda: f.time() + "Z",
            "email": f.email,
            "idn-email": f.email,
            "uuid": lambda: str(f.uuid4()),
            "uri": f.url,
            "url": f.url,
            "iri": f.url,
            "uri-reference": f.uri_path,
            "hostname": f.domain_name,
            "idn-hostname": f.domain_name,
            "ipv4": f.ipv4,
            "ipv6": f.ipv6,
            "byte": lambda: base64.b64encode(f.binary(12)).decode(),
            "binary": lambda: f.pystr(8, 16),
            "password": lambda: f.password(12),
            "duration": lambda: f"PT{f.random.randint(1, 59)}M",
            "int32": lambda: str(f.random.randint(0, 1000)),
            "int64": lambda: str(f.random.randint(0, 100000)),
        }
        make = makers.get(fmt)
        return make() if make is not None else None  # type: ignore[no-untyped-call]

    def _named(self, name: str) -> str:
        """A realistic value for a property name (``email``, ``first_name``, ``city``...)."""
        f = self.faker
        low = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
        words = set(re.split(r"[^a-z0-9]+", low))
        rules: list[tuple[bool, Any]] = [
            ("email" in low, f.email),
            ("first" in words and "name" in words, f.first_name),
            (("last" in words or "family" in words) and "name" in words, f.last_name),
            ("username" in words or "login" in words, f.user_name),
            (bool(words & {"image", "picture", "avatar", "photo", "logo"}), f.image_url),
            (bool(words & {"url", "uri", "href", "link", "website", "homepage"}), f.url),
            (bool(words & {"phone", "mobile", "fax"}), f.phone_number),
            ("city" in words, f.city),
            ("country" in words and "code" in words, f.country_code),
            ("country" in words, f.country),
            (bool(words & {"zip", "postal", "postcode"}), f.postcode),
            (bool(words & {"street", "address", "line1"}), f.street_address),
            ("state" in words and "name" not in words, f.state_abbr),
            ("currency" in words, f.currency_code),
            (bool(words & {"company", "organization", "organisation"}), f.company),
            ("id" in words or low.endswith("id"), lambda: f.hexify("^" * 16)),
            (bool(words & {"ip"}), f.ipv4),
            (
                bool(words & {"date", "created", "updated", "timestamp"}),
                lambda: f.date_time(tzinfo=UTC).isoformat().replace("+00:00", "Z"),
            ),
            (
                bool(words & {"description", "summary", "message", "text", "comment", "note"}),
                f.sentence,
            ),
            ("title" in words, lambda: f.sentence(nb_words=3).rstrip(".")),
            ("name" in words, f.name),
            (bool(words & {"color", "colour"}), f.color_name),
            ("token" in words, lambda: f.sha1()[:24]),
            (bool(words & {"tag", "type", "status", "kind", "category"}), f.word),
        ]
        for hit, make in rules:
            if hit:
                return str(make())
        return str(f.word())


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def _branches(schema: Any) -> str:
    """``oneOf`` or ``anyOf`` when the schema is a choice, else ``""``."""
    if isinstance(schema, dict):
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return key
    return ""


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return "string"


def _bounds(schema: dict[str, Any], step: float) -> tuple[Any, Any]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if ex_low is True and low is not None:
        low = low + step
    elif isinstance(ex_low, int | float) and not isinstance(ex_low, bool):
        low = ex_low + step
    if ex_high is True and high is not None:
        high = high - step
    elif isinstance(ex_high, int | float) and not isinstance(ex_high, bool):
        high = ex_high - step
    return low, high


def _name_range(name: str) -> tuple[int, int]:
    low = name.lower()
    if low == "age":
        return 18, 90
    if "year" in low:
        return 1990, 2030
    if low in ("limit", "count", "size", "total", "quantity", "page", "offset", "per_page"):
        return 1, 100
    return 1, 10000


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _peek(spec: Spec, node: Node) -> Any:
    try:
        return spec.resolve(node).value
    except SpecError:
        return None


def _minimal(spec: Spec, node: Node) -> Any:
    """The shortest value for a schema reached again through recursion."""
    schema = _peek(spec, node)
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind):
        return None
    kind = _type(schema)
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return ""
