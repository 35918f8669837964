"""Serving resources: routes linked to a resource operation answer from the session's items.

At load time :func:`link_routes` attaches a :class:`ResourceLink` to every route whose
method and path are a resource operation, and adds a plain route for operations no route
covers. At request time, after the route's variant is chosen, :func:`answer` lets the
resource decide when the variant is a success or the provider's not-found answer (other
answers -- a 422 for a missing field, a 400 -- stay as the variant says: the request never
reaches the items). The state change itself is a pure updater from
:mod:`stubforge.behave.resources`, run through the store.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stubforge.behave import resources as behave
from stubforge.match.request import Request
from stubforge.model.resource import OPERATION_METHODS, Resource
from stubforge.model.response import ResponseSpec
from stubforge.model.stub import RequestSpec, Route
from stubforge.serve.prepared import Prepared, ResponseBuilder, dump_json
from stubforge.store.base import Store

log = logging.getLogger("stubforge")


@dataclass(frozen=True, slots=True)
class ResourceLink:
    """A route's operation on a resource, with the not-found answer compiled."""

    resource: Resource
    operation: str
    not_found: ResponseBuilder | None


def operation_route(resource: Resource, operation: str) -> Route:
    """A route for an operation no route of the file answers."""
    method, on_item = OPERATION_METHODS[operation]
    status = {"create": 201, "delete": 204}.get(operation, 200)
    return Route(
        id=f"{resource.name}.{operation}",
        request=RequestSpec(method=method, path=resource.item if on_item else resource.collection),
        response=ResponseSpec(status=status),
    )


GENERIC_NOT_FOUND = ResponseSpec(status=404, json_={"error": "not found"})
"""The answer for a missing id on an added route, when the resource names none."""


def links(
    resource: Resource, defaults_headers: Mapping[str, str], context: Mapping[str, Path]
) -> dict[tuple[str, str], ResourceLink]:
    """``(method, path template) -> link`` for each operation of ``resource``."""
    spec = resource.not_found
    not_found = None if spec is None else ResponseBuilder(spec, defaults_headers, context)
    out: dict[tuple[str, str], ResourceLink] = {}
    for op in resource.operations:
        method, on_item = OPERATION_METHODS[op]
        path = resource.item if on_item else resource.collection
        out[(method, path)] = ResourceLink(resource, op, not_found)
    return out


def _decides(link: ResourceLink, recorded: Prepared) -> bool:
    missing = link.resource.not_found
    return 200 <= recorded.status < 300 or (
        missing is not None and recorded.status == missing.status
    )


def _json(recorded: Prepared, body: Any, status: int) -> Prepared:
    headers = [
        (k, v)
        for k, v in recorded.headers
        if k not in (b"content-length", b"content-type", b"etag", b"content-md5")
    ]
    headers.append((b"content-type", b"application/json"))
    return Prepared(status, headers, dump_json(body))


def _not_found(
    link: ResourceLink, req: Request, params: dict[str, Any], recorded: Prepared
) -> Prepared:
    """The provider's not-found answer (the route's own when none is known); a template
    that fails at render time answers a 500 problem, never a crash."""
    if link.not_found is None:
        return recorded
    try:
        return link.not_found.build(req, params)
    except Exception as exc:
        log.warning("resource %s: not_found template error: %s", link.resource.name, exc)
        problem = {
            "type": "urn:stubforge:problem:template",
            "title": "template error",
            "status": 500,
            "detail": str(exc)[:1000],
            "resource": link.resource.name,
        }
        return Prepared(500, [(b"content-type", b"application/problem+json")], dump_json(problem))


async def answer(
    link: ResourceLink,
    store: Store,
    session: str,
    req: Request,
    params: dict[str, Any],
    recorded: Prepared,
    rng: random.Random,
) -> Prepared:
    """The response of a resource operation (``recorded``: the variant the route chose)."""
    if not _decides(link, recorded):
        return recorded
    res, op = link.resource, link.operation
    scope = behave.scope(res, params)
    store_key = behave.key(res, params)
    ok = recorded.status if recorded.status < 300 else (201 if op == "create" else 200)
    if op == "list":
        stored = await store.get(session, store_key)
        return _json(recorded, behave.listing(res, scope, stored, req.query), ok)
    if op == "create":
        fields = behave.body_fields(req.body, req.header("content-type") or "") or {}
        fresh = behave.random_id(res.ids, rng)
        made = {name: behave.random_id(shape, rng) for name, shape in res.create.generated.items()}
        result: behave.Answer = await store.update(
            session, store_key, behave.create(res, scope, fields, fresh, made)
        )
        return _json(recorded, behave.wrap(res, result.body), ok)
    item_id = str(params.get(res.id_param, ""))
    if op == "read":
        result = behave.read(res, scope, await store.get(session, store_key), item_id)
    elif op in ("update", "replace"):
        fields = behave.body_fields(req.body, req.header("content-type") or "") or {}
        if res.envelope is not None and isinstance(fields.get(res.envelope), dict):
            fields = fields[res.envelope]
        replace = op == "replace" and res.replace_mode == "replace"
        updater = behave.update(res, scope, item_id, fields, replace)
        result = await store.update(session, store_key, updater)
    else:
        result = await store.update(session, store_key, behave.delete(res, scope, item_id))
    if not result.found:
        return _not_found(link, req, params, recorded)
    if op == "delete":
        if res.delete_returns == "recorded" and 200 <= recorded.status < 300:
            return recorded
        return _json(recorded, behave.wrap(res, result.body), ok)
    return _json(recorded, behave.wrap(res, result.body), ok)
