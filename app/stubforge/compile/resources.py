"""The resource model: collections and items recognised from traffic, with their evidence.

A pair ``C`` (collection) and ``C/{param}`` (item) becomes a resource when the recordings
link them: an item response carries the path's id in one of its fields, or a list
response's items carry ids used in item paths. Without that link nothing is inferred (a
path parameter that is not an id, a listing of unrelated things). From the exchanges of
the pair it then reads:

* the id field, and how ids are assigned (:mod:`stubforge.compile.idpatterns`), from the
  ids the provider returned (created ones first);
* the operations recorded (GET/POST on the collection, GET/PATCH/PUT/DELETE on items),
  whether a PUT replaces or merges, what a delete answers;
* the list shape: the items field, totals, ``has_more``, constant fields, the pagination
  parameters and the default page size;
* what a create echoes and which fields the provider sets itself;
* the not-found answer, with the id templated where the provider put it;
* the seed: every item known before the session changed it (first observation, created
  items left out), so replaying the recording gives the recorded answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.compile.features import VOLATILE_NAME
from stubforge.compile.grouping import RouteGroup
from stubforge.compile.idpatterns import classify_ids
from stubforge.compile.literal import literal, replace_escaped
from stubforge.compile.yamltext import Commented
from stubforge.model.path_syntax import parse_path_template

_TOTALS = ("total", "total_count", "totalCount", "count", "total_results", "totalResults")
_HAS_MORE = ("has_more", "hasMore", "more")
_PAGE = ("page", "page_number", "pageNumber", "_page")
_SIZE = (
    "per_page",
    "page_size",
    "pageSize",
    "perPage",
    "limit",
    "size",
    "take",
    "_limit",
    "_per_page",
)
_OFFSET = ("offset", "skip", "start", "_start")
_AFTER = ("starting_after", "after", "cursor", "since_id")
_OPS = {
    ("GET", False): "list",
    ("POST", False): "create",
    ("GET", True): "read",
    ("PATCH", True): "update",
    ("PUT", True): "replace",
    ("DELETE", True): "delete",
}


@dataclass
class InferredResource:
    """A resource section entry and why it was inferred."""

    spec: dict[str, Any]
    evidence: list[str] = field(default_factory=list)
    routes: set[tuple[str, str]] = field(default_factory=set)
    """``(method, template)`` of the routes it answers."""

    def commented(self) -> Commented:
        return Commented(self.spec, self.evidence)


def key_of(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _ok(ex: Exchange) -> bool:
    return 200 <= ex.status < 300


def _unwrap(body: Any, id_field: str | None) -> tuple[Any, str | None]:
    """An item response's item and envelope field (``{"data": {...}}``)."""
    if not isinstance(body, dict):
        return None, None
    if id_field is not None and id_field in body:
        return body, None
    dicts = [(k, v) for k, v in body.items() if isinstance(v, dict)]
    single = len(dicts) == 1 and (id_field is None or id_field in dicts[0][1])
    if single and (id_field is not None or len(body) <= 2):
        return dicts[0][1], dicts[0][0]
    return (body, None) if id_field is None else (None, None)


def _list_items(body: Any) -> tuple[list[dict[str, Any]] | None, str | None]:
    if isinstance(body, list):
        return ([it for it in body if isinstance(it, dict)] if body else []), None
    if isinstance(body, dict):
        arrays = [(k, v) for k, v in body.items() if isinstance(v, list)]
        if len(arrays) == 1 and all(isinstance(it, dict) for it in arrays[0][1]):
            return arrays[0][1], arrays[0][0]
    return None, None


def _id_field_from_items(
    items: list[tuple[str, Any]], candidates: Iterable[str] | None = None
) -> str | None:
    """The field equal to the path's id in every ``(path id, item)`` pair."""
    common: set[str] | None = set(candidates) if candidates is not None else None
    for path_id, item in items:
        if not isinstance(item, dict):
            return None
        same = {
            k for k, v in item.items() if not isinstance(v, (dict, list)) and key_of(v) == path_id
        }
        common = same if common is None else common & same
    if not common:
        return None
    return "id" if "id" in common else sorted(common)[0]


@dataclass
class _Pair:
    collection: str
    item: str
    param: str
    by_op: dict[str, list[Exchange]] = field(default_factory=dict)

    def ex(self, op: str) -> list[Exchange]:
        return self.by_op.get(op, [])


def _pairs(groups: list[RouteGroup]) -> list[_Pair]:
    by_template: dict[str, list[RouteGroup]] = {}
    for g in groups:
        if g.operation is None:
            by_template.setdefault(g.template, []).append(g)
    out = []
    for template in sorted(by_template):
        segs = parse_path_template(template)
        last = segs[-1]
        if len(segs) < 2 or last.name is None or last.type == "path" or last.prefix or last.suffix:
            continue
        collection = template.rsplit("/", 1)[0]
        pair = _Pair(collection, template, last.name)
        for path, on_item in ((collection, False), (template, True)):
            for g in by_template.get(path, []):
                op = _OPS.get((g.method, on_item))
                if op is not None:
                    pair.by_op.setdefault(op, []).extend(g.exchanges)
        out.append(pair)
    return out


def infer_resources(groups: list[RouteGroup]) -> list[InferredResource]:
    """Every resource the recordings of one service show, in template order."""
    out: list[InferredResource] = []
    names: set[str] = set()
    for pair in _pairs(groups):
        found = _infer(pair)
        if found is None:
            continue
        name, n = found.spec["name"], 2
        while found.spec["name"] in names:
            found.spec["name"], n = f"{name}-{n}", n + 1
        names.add(found.spec["name"])
        out.append(found)
    return out


def _name(collection: str) -> str:
    literals = [s.literal for s in parse_path_template(collection) if s.name is None and s.literal]
    return (literals[-1] if literals else "items").replace(" ", "-")


def _infer(pair: _Pair) -> InferredResource | None:
    evidence: list[str] = []
    # 1. the id field: item responses carrying the path's id, else list items linking
    item_obs: list[tuple[str, Any]] = []
    envelope = None
    for op in ("read", "update", "replace", "delete"):
        for ex in pair.ex(op):
            if _ok(ex) and isinstance(ex.resp_json, dict) and ex.resp_json:
                item_obs.append((ex.params.get(pair.param, ""), ex.resp_json))
    id_field = None
    if item_obs:
        direct = _id_field_from_items(item_obs)
        if direct is not None:
            id_field = direct
        else:
            unwrapped = [(pid, _unwrap(body, None)) for pid, body in item_obs]
            keys = {env for _, (_, env) in unwrapped}
            if len(keys) == 1 and None not in keys:
                id_field = _id_field_from_items([(pid, it) for pid, (it, _) in unwrapped])
                envelope = next(iter(keys)) if id_field else None
        if id_field is not None:
            evidence.append(
                f"item responses carry the path's id in {id_field!r} ({len(item_obs)} exchanges)"
            )
    list_shapes = [
        _list_items(ex.resp_json)
        for ex in pair.ex("list")
        if _ok(ex) and ex.resp_json is not NO_JSON
    ]
    listed = [it for items, _ in list_shapes if items for it in items]
    if id_field is None and listed:
        path_ids = {
            ex.params.get(pair.param, "")
            for op in ("read", "update", "replace", "delete")
            for ex in pair.ex(op)
        }
        fields = set.intersection(*(set(it) for it in listed))
        linking = sorted(f for f in fields if path_ids & {key_of(it.get(f)) for it in listed})
        if linking:
            id_field = "id" if "id" in linking else linking[0]
            evidence.append(f"list items carry ids used in item paths ({id_field!r})")
    if id_field is None:
        return None
    # 2. everything else
    spec: dict[str, Any] = {
        "name": _name(pair.collection),
        "collection": pair.collection,
        "item": pair.item,
        "id_field": id_field,
    }
    ops = [op for op in ("list", "create", "read", "update", "replace", "delete") if pair.ex(op)]
    created = _created_items(pair, id_field, envelope)
    misfits = [it[id_field] for _, it in created if not _fits(pair.item, it[id_field])]
    if misfits:
        ops.remove("create")
        created = []
        evidence.append(
            f"creates left out: their ids ({key_of(misfits[0])}) do not fit {pair.item}"
        )
    if "read" in ops and _changes_by_itself(pair, id_field, envelope):
        ops.remove("read")
        evidence.append("reads left out: an item changed between reads with no write")
    all_ids = [it[id_field] for it in listed if id_field in it]
    all_ids += [it.get(id_field) for _, it in item_obs if isinstance(it, dict) and id_field in it]
    if not set(ops) - {"create"}:
        return None  # nothing reads the items back: a create alone needs no state
    ids, why = classify_ids([it[id_field] for _, it in created], all_ids)
    spec["ids"] = ids
    evidence.append(why)
    spec["operations"] = ops
    evidence.append("operations recorded: " + ", ".join(ops))
    if envelope is not None:
        spec["envelope"] = envelope
    shape = _list_shape(pair, id_field, list_shapes)
    if shape:
        spec["list"] = shape
    create = _create_spec(created, id_field)
    if create:
        spec["create"] = create
    if "replace" in ops and _put_merges(pair, id_field, envelope):
        spec["replace_mode"] = "merge"
        evidence.append("PUT kept fields the request did not send: it merges")
    if any(
        _ok(ex) and isinstance(_unwrap(ex.resp_json, id_field)[0], dict) for ex in pair.ex("delete")
    ):
        spec["delete_returns"] = "item"
    not_found, nf_why = _not_found(pair)
    if not_found is not None:
        spec["not_found"] = not_found
    evidence.append(nf_why)
    seed = _seed(pair, id_field, envelope, {key_of(it[id_field]) for _, it in created})
    scope_params = [s.name for s in parse_path_template(pair.collection) if s.name is not None]
    if scope_params:
        spec["seed_in"] = seed
    elif seed.get(""):
        spec["seed"] = seed[""]
    count = sum(len(v) for v in seed.values())
    evidence.append(f"seed: {count} item(s) known before the recording changed them")
    routes = {
        (method, pair.item if on_item else pair.collection)
        for (method, on_item), op in _OPS.items()
        if op in ops
    }
    return InferredResource(spec, evidence, routes)


def _fits(item_template: str, value: Any) -> bool:
    kind = parse_path_template(item_template)[-1].type
    text = key_of(value)
    if kind == "int":
        return text.lstrip("-").isdigit()
    if kind == "uuid":
        return re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", text) is not None
    return bool(text) and "/" not in text


_TIMELY = re.compile(r"(time|date|_at$|^at$|updated|modified|expires|^ts$)", re.IGNORECASE)


def _stable(item: Any) -> Any:
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if not _TIMELY.search(k)}
    return item


def _changes_by_itself(pair: _Pair, id_field: str, envelope: str | None) -> bool:
    """The provider changed an item between two reads with no write of ours in between
    (a job going pending → running → done): that is behaviour over time, not state."""
    last: dict[str, Any] = {}
    for op, ex in _timeline(pair, ["read", "update", "replace", "delete"]):
        pid = ex.params.get(pair.param, "")
        if op != "read":
            last.pop(pid, None)
            continue
        if not _ok(ex):
            continue
        body = _stable(_unwrap(ex.resp_json, id_field)[0])
        if pid in last and last[pid] != body:
            return True
        last[pid] = body
    return False


def _timeline(pair: _Pair, ops: Iterable[str]) -> list[tuple[str, Exchange]]:
    out = [(op, ex) for op in ops for ex in pair.ex(op)]
    return sorted(out, key=lambda p: (p[1].started, p[1].index))


def _created_items(
    pair: _Pair, id_field: str, envelope: str | None
) -> list[tuple[Exchange, dict[str, Any]]]:
    out = []
    for _, ex in _timeline(pair, ["create"]):
        if not _ok(ex):
            continue
        item, _env = _unwrap(ex.resp_json, id_field)
        if isinstance(item, dict) and id_field in item:
            out.append((ex, item))
    return out


def _request_fields(ex: Exchange) -> dict[str, Any]:
    """A JSON object or form body's fields (the exchange parsed both alike)."""
    return ex.json if isinstance(ex.json, dict) else {}


def _create_spec(created: list[tuple[Exchange, dict[str, Any]]], id_field: str) -> dict[str, Any]:
    if not created:
        return {}
    echoed_all = True
    echoed: set[str] = set()
    own: dict[str, Any] = {}
    for ex, item in created:
        sent = _request_fields(ex)
        for name, value in sent.items():
            if name in item and item[name] == value:
                echoed.add(name)
            else:
                echoed_all = False
        for name, value in item.items():
            if name != id_field and name not in sent:
                own[name] = value
    spec: dict[str, Any] = {}
    if not echoed_all:
        spec["echo"] = sorted(echoed)
    generated = _generated(created, own)
    for name in generated:
        own.pop(name)
    if own:
        spec["fields"] = own
    if generated:
        spec["generated"] = generated
    return spec


def _generated(
    created: list[tuple[Exchange, dict[str, Any]]], own: dict[str, Any]
) -> dict[str, Any]:
    """Provider fields with a different id-shaped value in every create (not volatile
    times): the mock makes a fresh one of the same shape each time."""
    out: dict[str, Any] = {}
    if len(created) < 2:
        return out
    for name in sorted(own):
        values = [item.get(name) for _, item in created]
        if not all(isinstance(v, str) for v in values) or len(set(values)) != len(values):
            continue
        if _TIMELY.search(name):
            continue
        shape, _ = classify_ids(values, values)
        if shape["kind"] != "sequence":
            out[name] = shape
    return out


def _put_merges(pair: _Pair, id_field: str, envelope: str | None) -> bool:
    for ex in pair.ex("replace"):
        item = _unwrap(ex.resp_json, id_field)[0] if _ok(ex) else None
        if isinstance(item, dict):
            sent = _request_fields(ex)
            if envelope is not None and isinstance(sent.get(envelope), dict):
                sent = sent[envelope]
            if set(item) - set(sent) - {id_field}:
                return True
    return False


def _list_shape(
    pair: _Pair, id_field: str, shapes: list[tuple[list[dict[str, Any]] | None, str | None]]
) -> dict[str, Any]:
    bodies = [ex for ex in pair.ex("list") if _ok(ex) and isinstance(ex.resp_json, dict)]
    shape: dict[str, Any] = {}
    keys = {k for items, k in shapes if items is not None}
    if len(keys) == 1 and None not in keys:
        items_key = next(iter(keys))
        shape["items"] = items_key
        common = set.intersection(*(set(ex.resp_json) for ex in bodies)) - {items_key}
        for name in sorted(common):
            values = [ex.resp_json[name] for ex in bodies]
            if name in _TOTALS and all(
                isinstance(v, int) and not isinstance(v, bool) for v in values
            ):
                shape.setdefault("total", name)
            elif name in _HAS_MORE and all(isinstance(v, bool) for v in values):
                shape.setdefault("has_more", name)
            elif all(v == values[0] for v in values):
                shape.setdefault("fields", {})[name] = values[0]
    pagination = _pagination(pair, id_field, shape)
    if pagination:
        shape["pagination"] = pagination
    echo = _echoed_query(bodies, shape)
    if echo:
        shape["echo"] = echo
        for name in echo:
            shape.get("fields", {}).pop(name, None)
        if "fields" in shape and not shape["fields"]:
            del shape["fields"]
    filters = _filters(pair, id_field)
    if filters:
        shape["filters"] = filters
    return shape


def _echoed_query(bodies: list[Exchange], shape: dict[str, Any]) -> dict[str, str]:
    """Top-level list fields equal to a query parameter in every list that sent it, and
    differing between lists (a constant is just a field)."""
    out: dict[str, str] = {}
    skip = {shape.get("items"), shape.get("total"), shape.get("has_more")}
    names = {k for ex in bodies for k, _ in ex.query}
    for field_name in sorted(
        set.intersection(*(set(ex.resp_json) for ex in bodies)) if bodies else ()
    ):
        if field_name in skip:
            continue
        for param in sorted(names):
            sent = [ex for ex in bodies if ex.query_value(param) is not None]
            values = {key_of(ex.resp_json[field_name]) for ex in sent}
            if len(values) > 1 and all(
                key_of(ex.resp_json[field_name]) == ex.query_value(param) for ex in sent
            ):
                out[field_name] = param
                break
    return out


def _items_of(ex: Exchange) -> list[dict[str, Any]]:
    return _list_items(ex.resp_json)[0] or []


def _pagination(pair: _Pair, id_field: str, shape: dict[str, Any]) -> dict[str, Any]:
    lists = [ex for ex in pair.ex("list") if _ok(ex)]
    names = {k for ex in lists for k, _ in ex.query}
    size = next((n for n in _SIZE if n in names), None)
    out: dict[str, Any]
    if any(n in names for n in _PAGE):
        page = next(n for n in _PAGE if n in names)
        out = {"style": "page", "page": page}
        if any(ex.query_value(page) == "0" for ex in lists):
            out["first_page"] = 0
    elif any(n in names for n in _OFFSET):
        out = {"style": "offset", "offset": next(n for n in _OFFSET if n in names)}
    elif any(n in names for n in _AFTER):
        out = {"style": "cursor", "after": next(n for n in _AFTER if n in names)}
    elif size is not None:
        out = {"style": "offset"}
    else:
        out = {}
    if size is not None and out:
        out["size"] = size
    default = _default_size(lists, size, shape)
    if default is not None:
        out = out or {"style": "offset"}
        out["default_size"] = default
    return out


def _default_size(lists: list[Exchange], size: str | None, shape: dict[str, Any]) -> int | None:
    """The page size of lists without a size parameter that said more items follow."""
    for ex in lists:
        if size is not None and ex.query_value(size) is not None:
            continue
        body, n = ex.resp_json, len(_items_of(ex))
        more = isinstance(body, dict) and (
            (shape.get("has_more") and body.get(shape["has_more"]) is True)
            or (
                shape.get("total")
                and isinstance(body.get(shape["total"]), int)
                and body[shape["total"]] > n
            )
        )
        if more and n:
            return n
    return None


def _filters(pair: _Pair, id_field: str) -> list[str]:
    """Query parameters every returned item agrees with (``?status=paid`` → all paid)."""
    out: set[str] = set()
    rejected: set[str] = set()
    for ex in pair.ex("list"):
        items = _items_of(ex) if _ok(ex) else []
        for name, value in ex.query:
            if not items or any(
                key_of(it.get(name)) != value and it.get(name) != value for it in items
            ):
                if items:
                    rejected.add(name)
                continue
            if all(name in it for it in items):
                out.add(name)
    return sorted(out - rejected - {id_field})


def _not_found(pair: _Pair) -> tuple[dict[str, Any] | None, str]:
    for op in ("read", "update", "replace", "delete"):
        for ex in pair.ex(op):
            if ex.status in (404, 410):
                pid = ex.params.get(pair.param, "")
                spec: dict[str, Any] = {"status": ex.status}
                if ex.resp_json is not NO_JSON:
                    spec["json"] = _template_id(ex.resp_json, pid, pair.param)
                elif ex.resp_text:
                    spec["body"] = replace_escaped(ex.resp_text, pid, _ref(pair.param))
                headers = {
                    k: v
                    for k, v in sorted(ex.resp_headers.items())
                    if not VOLATILE_NAME.search(k)
                    and not k.startswith("access-control-")
                    and k not in ("etag", "last-modified", "set-cookie")
                }
                if headers:
                    spec["headers"] = headers
                return spec, f"not found: {ex.status} as recorded for {ex.method} {ex.path}"
    return None, "not found: never recorded, answering 404"


def _ref(param: str, tail: str = "") -> str:
    return "{{ path." + param + tail + " }}"


def _template_id(value: Any, pid: str, param: str) -> Any:
    if isinstance(value, dict):
        return {literal(str(k)): _template_id(v, pid, param) for k, v in value.items()}
    if isinstance(value, list):
        return [_template_id(v, pid, param) for v in value]
    if isinstance(value, str):  # recorded text is data: escaped around the id's template
        return replace_escaped(value, pid, _ref(param))
    if isinstance(value, int) and not isinstance(value, bool) and pid and key_of(value) == pid:
        return _ref(param, " | int")
    return value


def _seed(
    pair: _Pair, id_field: str, envelope: str | None, created: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Items as first seen, per parent; ids the provider created in the session left out."""
    scope_params = [s.name for s in parse_path_template(pair.collection) if s.name is not None]
    seen: dict[str, dict[str, dict[str, Any]]] = {}
    missing: set[tuple[str, str]] = set()

    def scope_of(ex: Exchange) -> str:
        return "/".join(ex.params.get(p, "") for p in scope_params)

    for op, ex in _timeline(pair, ["list", "read", "update", "replace", "delete"]):
        scope = scope_of(ex)
        bucket = seen.setdefault(scope, {})
        if op == "list":
            found = _items_of(ex) if _ok(ex) else []
        else:
            pid = ex.params.get(pair.param, "")
            if not _ok(ex):
                if pid not in bucket:
                    missing.add((scope, pid))
                continue
            item = _unwrap(ex.resp_json, id_field)[0]
            if not isinstance(item, dict) or id_field not in item:
                if (scope, pid) in missing or pid in created or pid in bucket:
                    continue
                number = pid.isdigit() and any(
                    isinstance(v.get(id_field), int) for v in bucket.values()
                )
                item = {id_field: int(pid) if number else pid}
            found = [item]
        for it in found:
            k = key_of(it.get(id_field))
            if id_field in it and k not in created and k not in bucket:
                bucket[k] = it
    return {s: list(items.values()) for s, items in sorted(seen.items()) if items}


def collapse_variants(route: dict[str, Any], resource: InferredResource) -> int:
    """Drop variants keyed only on the item id whose answers the resource gives (success
    or not-found), and a sequence that only told state apart (200, then 404 once deleted);
    return how many answers were dropped."""
    sequence = route.get("sequence")
    if isinstance(sequence, dict):
        answers = sequence.get("responses", [])
        first = next((r for r in answers if 200 <= r.get("status", 200) < 300), None)
        if first is not None:
            rebuilt = {
                ("response" if k == "sequence" else k): (first if k == "sequence" else v)
                for k, v in route.items()
            }
            route.clear()
            route.update(rebuilt)
            return len(answers) - 1
    variants = route.get("responses")
    if not isinstance(variants, list):
        return 0
    param = parse_path_template(resource.spec["item"])[-1].name
    not_found = resource.spec.get("not_found", {}).get("status", 404)
    kept = []
    for v in variants:
        when = v.get("when")
        decided = 200 <= v.get("status", 200) < 300 or v.get("status") == not_found
        only_id = isinstance(when, dict) and set(when) == {"path"} and set(when["path"]) == {param}
        if not (decided and only_id):
            kept.append(v)
    dropped = len(variants) - len(kept)
    if dropped:
        single = len(kept) == 1 and "when" not in kept[0]
        rebuilt = {}
        for name, value in route.items():
            if name == "responses":
                rebuilt["response" if single else "responses"] = kept[0] if single else kept
            else:
                rebuilt[name] = value
        route.clear()
        route.update(rebuilt)
    return dropped
