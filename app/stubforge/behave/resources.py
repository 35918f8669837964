"""Stateful resources: the items of a collection, per session, as the provider keeps them.

Pure functions only: :func:`plan` turns a request on a resource route into a
:class:`ResourcePlan` (the store updater to run and how to read its result); the serving
side runs the updater through the store and renders the answer. The state of one
collection (of one parent, for nested collections) is one store value::

    {"items": {"<id>": {...item...}, ...}, "next": 5}

kept under ``resource:<name>:<parent values>``. A missing value is the seed, so a fresh
session (or one just reset) starts from the recorded items.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from stubforge.model.formdata import form_body
from stubforge.model.resource import IdAssignment, Resource

PREFIX = "resource:"

_ALPHABETS = {
    "digits": "0123456789",
    "hex": "0123456789abcdef",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lower-alnum": "0123456789abcdefghijklmnopqrstuvwxyz",
    "upper-alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
}
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

State = dict[str, Any]
Updater = Callable[[Any], tuple[Any, Any]]


def key(resource: Resource, params: Mapping[str, Any]) -> str:
    """The store key of the collection ``params`` address (parents of nested collections)."""
    return f"{PREFIX}{resource.name}:{scope(resource, params)}"


def scope(resource: Resource, params: Mapping[str, Any]) -> str:
    return "/".join(str(params.get(name, "")) for name in resource.scope_params)


def id_key(value: Any) -> str:
    """Ids compare as text: ``7`` in a path is the item whose id is the number 7."""
    return value if isinstance(value, str) else json.dumps(value)


def seed(resource: Resource, scope_key: str) -> State:
    """The state a session starts from."""
    items = resource.seed if not resource.scope_params else resource.seed_in.get(scope_key, [])
    ids = resource.ids
    return {
        "items": {id_key(it[resource.id_field]): copy.deepcopy(it) for it in items},
        "next": ids.start,
    }


def _current(resource: Resource, scope_key: str, old: Any) -> State:
    if isinstance(old, dict) and isinstance(old.get("items"), dict):
        return {"items": dict(old["items"]), "next": old.get("next", resource.ids.start)}
    return seed(resource, scope_key)


# -- ids ---------------------------------------------------------------------------------


def random_id(ids: IdAssignment, rng: random.Random, now: float | None = None) -> str:
    """A fresh id of a random kind (``sequence`` ids are assigned inside the updater)."""
    ms = int((time.time() if now is None else now) * 1000)
    if ids.kind == "uuid4":
        n = rng.getrandbits(128) & ~(0xF << 76) | (4 << 76)
        n = n & ~(0x3 << 62) | (0x2 << 62)
        return _uuid_text(n)
    if ids.kind == "uuid7":
        n = (ms & ((1 << 48) - 1)) << 80 | (7 << 76) | rng.getrandbits(12) << 64
        n |= (0x2 << 62) | rng.getrandbits(62)
        return _uuid_text(n)
    if ids.kind == "ulid":
        n = (ms & ((1 << 48) - 1)) << 80 | rng.getrandbits(80)
        return "".join(_CROCKFORD[(n >> (5 * i)) & 31] for i in reversed(range(26)))
    chars = _ALPHABETS["hex" if ids.kind == "opaque" and ids.alphabet == "alnum" else ids.alphabet]
    tail = "".join(rng.choice(chars) for _ in range(ids.length))
    return ids.prefix + tail if ids.kind == "prefixed" else tail


def _uuid_text(n: int) -> str:
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# -- request bodies ----------------------------------------------------------------------


def body_fields(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The fields of a JSON object, form-encoded or multipart body (``metadata[k]=v``
    nests, ``expand[]=a`` lists); ``None`` for anything else."""
    form = form_body(body, content_type)
    if form is not None:
        return form
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """A merge patch: nested objects merge, ``null`` removes a field."""
    out = dict(base)
    for name, value in patch.items():
        if value is None:
            out.pop(name, None)
        elif isinstance(value, Mapping) and isinstance(out.get(name), dict):
            out[name] = merge(out[name], value)
        else:
            out[name] = copy.deepcopy(value)
    return out


# -- operations --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """What the resource answers: ``found`` false means the provider's not-found answer."""

    found: bool
    body: Any = None


def create(
    resource: Resource,
    scope_key: str,
    fields: Mapping[str, Any],
    fresh: str,
    generated: Mapping[str, str] | None = None,
) -> Updater:
    """Store a new item: the provider's own fields (``generated``: fresh values of the
    fields it fills per create), the echoed request fields, a new id."""
    spec = resource.create
    echoed = {k: copy.deepcopy(v) for k, v in fields.items() if spec.echo == "*" or k in spec.echo}
    own = {**copy.deepcopy(spec.fields), **(generated or {})}

    def step(old: Any) -> tuple[State, Answer]:
        state = _current(resource, scope_key, old)
        item = {**copy.deepcopy(own), **echoed}
        if resource.ids.kind == "sequence":
            number = int(state["next"])
            while id_key(number if resource.ids.number else str(number)) in state["items"]:
                number += 1
            new: Any = number if resource.ids.number else str(number)
            state["next"] = number + 1
        else:
            new = fresh
        item[resource.id_field] = new
        state["items"][id_key(new)] = item
        return state, Answer(True, item)

    return step


def update(
    resource: Resource, scope_key: str, item_id: str, fields: Mapping[str, Any], replace: bool
) -> Updater:
    """Merge (PATCH) or replace (PUT) an item; the id never changes."""

    def step(old: Any) -> tuple[State, Answer]:
        state = _current(resource, scope_key, old)
        current = state["items"].get(item_id)
        if current is None:
            return state, Answer(False)
        item = dict(copy.deepcopy(dict(fields))) if replace else merge(current, fields)
        item[resource.id_field] = current[resource.id_field]
        state["items"][item_id] = item
        return state, Answer(True, item)

    return step


def delete(resource: Resource, scope_key: str, item_id: str) -> Updater:
    def step(old: Any) -> tuple[State, Answer]:
        state = _current(resource, scope_key, old)
        gone = state["items"].pop(item_id, None)
        return state, Answer(gone is not None, gone)

    return step


def read(resource: Resource, scope_key: str, stored: Any, item_id: str) -> Answer:
    item = _current(resource, scope_key, stored)["items"].get(item_id)
    return Answer(item is not None, item)


def wrap(resource: Resource, item: Any) -> Any:
    """An item as the provider answers it (inside its envelope, if any)."""
    return item if resource.envelope is None else {resource.envelope: item}


def listing(resource: Resource, scope_key: str, stored: Any, query: Mapping[str, list[str]]) -> Any:
    """A list body: filtered, paged and shaped like the provider's."""
    shape = resource.list_
    items = list(_current(resource, scope_key, stored)["items"].values())
    for name in shape.filters:
        wanted = query.get(name)
        if wanted:
            items = [it for it in items if _text(it.get(name)) == wanted[0]]
    total = len(items)
    page, more = _page(resource, items, query)
    if shape.items is None:
        return page
    body: dict[str, Any] = dict(copy.deepcopy(shape.fields))
    body[shape.items] = page
    if shape.total is not None:
        body[shape.total] = total
    if shape.has_more is not None:
        body[shape.has_more] = more
    for name, param in shape.echo.items():
        given = query.get(param)
        pag = shape.pagination
        if given:
            value = given[0]
            body[name] = int(value) if value.lstrip("-").isdigit() else value
        elif pag is not None and pag.style == "page" and param == pag.page:
            body[name] = pag.first_page
    return body


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _int(query: Mapping[str, list[str]], name: str, default: int | None) -> int | None:
    values = query.get(name)
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError:
        return default


def _page(
    resource: Resource, items: list[Any], query: Mapping[str, list[str]]
) -> tuple[list[Any], bool]:
    pag = resource.list_.pagination
    if pag is None:
        return items, False
    size = _int(query, pag.size, pag.default_size)
    start = 0
    if pag.style == "page":
        number = _int(query, pag.page, pag.first_page) or pag.first_page
        start = max(number - pag.first_page, 0) * (size or 0)
    elif pag.style == "offset":
        start = max(_int(query, pag.offset, 0) or 0, 0)
    else:
        after = query.get(pag.after)
        if after:
            ids = [id_key(it.get(resource.id_field)) for it in items]
            start = ids.index(after[0]) + 1 if after[0] in ids else len(items)
    end = len(items) if size is None or size < 0 else start + size
    return items[start:end], end < len(items)
